"""Connection base URLs are guarded like webhooks; a failed connect hides the port state."""

import asyncio
import socket

import pytest
from django.core.exceptions import ValidationError

from botbuilder.models import Connection
from botbuilder.services.bot_transfer import BotImportError, bot_export, bot_import
from realtime.consumers.loading import Refusal, load_bot_context
from realtime.providers import UpstreamTarget, upstream_target
from realtime.upstream import UpstreamClient, UpstreamConnectError


@pytest.fixture
def no_allowed_hosts(settings):
    settings.CONNECTION_ALLOWED_HOSTS = []


def base_url_errors(url: str) -> list[str]:
    try:
        Connection(name="c", kind="compatible", base_url=url).full_clean()
    except ValidationError as exc:
        return [e.code for e in exc.error_dict.get("base_url", [])]
    return []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "ws://127.0.0.1:6379/v1",
        "http://localhost:5432/v1",
        "wss://10.0.0.5/v1",
        "https://169.254.169.254/v1",
        "ws://[::1]:8000/v1",
    ],
)
def test_private_and_loopback_base_urls_are_refused(no_allowed_hosts, url):
    assert base_url_errors(url) == ["blocked_url"]


@pytest.mark.django_db
def test_the_offline_engine_address_is_allowed_by_default(no_allowed_hosts, settings):
    port = settings.OFFLINE_ENGINE_PORT
    assert base_url_errors(f"ws://{settings.OFFLINE_ENGINE_HOST}:{port}/v1") == []
    assert base_url_errors(f"ws://{settings.OFFLINE_ENGINE_HOST}:{port + 1}/v1") == [
        "blocked_url"
    ]


@pytest.mark.django_db
def test_allow_listed_hosts_and_host_ports_pass(settings):
    settings.CONNECTION_ALLOWED_HOSTS = ["10.0.0.5", "127.0.0.1:9000"]
    assert base_url_errors("https://10.0.0.5/v1") == []
    assert base_url_errors("ws://127.0.0.1:9000/v1") == []
    assert base_url_errors("ws://127.0.0.1:9001/v1") == ["blocked_url"]


@pytest.mark.django_db
def test_import_refuses_a_loopback_base_url(no_allowed_hosts, bot):
    document = bot_export(bot=bot)
    document["connection"] = {
        "name": "Scanner",
        "kind": "compatible",
        "base_url": "ws://127.0.0.1:22/v1",
    }
    with pytest.raises(BotImportError, match="CONNECTION_ALLOWED_HOSTS"):
        bot_import(data=document)


@pytest.mark.django_db
def test_a_session_refuses_a_blocked_row_saved_before_the_rule(
    no_allowed_hosts, bot, staff_user
):
    bot.connection = Connection.objects.create(
        name="Old", kind="compatible", base_url="ws://127.0.0.1:6379/v1"
    )
    bot.save()
    refusal = load_bot_context(bot_id=bot.pk, user=staff_user)
    assert isinstance(refusal, Refusal)
    assert (refusal.code, refusal.close_code) == ("provider_config", 1011)
    assert "loopback" in refusal.reason


async def _connect_error(url: str) -> str:
    client = UpstreamClient(UpstreamTarget(url), on_event=None, on_close=None)
    with pytest.raises(UpstreamConnectError) as caught:
        await client.connect()
    return str(caught.value)


async def test_a_failed_connect_does_not_tell_open_from_closed_ports():
    async def not_a_websocket(reader, writer):
        writer.write(b"SSH-2.0-OpenSSH_9.6\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(not_a_websocket, "127.0.0.1", 0)
    open_port = server.sockets[0].getsockname()[1]
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    async with server:
        open_message = await _connect_error(f"ws://127.0.0.1:{open_port}/v1")
    closed_message = await _connect_error(f"ws://127.0.0.1:{closed_port}/v1")
    assert open_message.replace(str(open_port), "N") == closed_message.replace(
        str(closed_port), "N"
    )


@pytest.mark.django_db
def test_a_session_connects_to_the_address_the_guard_vetted(
    no_allowed_hosts, bot, staff_user, monkeypatch
):
    real = socket.getaddrinfo

    def public_answer(host, *args, **kwargs):
        if host == "models.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", 443))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", public_answer)
    bot.connection = Connection.objects.create(
        name="Pinned", kind="compatible", base_url="wss://models.example/v1"
    )
    bot.save()
    context = load_bot_context(bot_id=bot.pk, user=staff_user)
    assert context.connection.connect_address == "93.184.216.34"
    target = upstream_target(context.connection)
    assert target.connect_address == "93.184.216.34"
    assert target.url.startswith("wss://models.example/")  # TLS and Host keep the name


async def test_the_upstream_client_connects_to_the_pinned_address():
    accepted = asyncio.Event()

    async def handshake_then_close(reader, writer):
        accepted.set()
        writer.close()

    server = await asyncio.start_server(handshake_then_close, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        # The name does not resolve anywhere: only the pinned address can be reached.
        target = UpstreamTarget(
            f"ws://unresolvable.invalid:{port}/v1", connect_address="127.0.0.1"
        )
        client = UpstreamClient(target, on_event=None, on_close=None)
        with pytest.raises(UpstreamConnectError):
            await client.connect()
    assert accepted.is_set()
