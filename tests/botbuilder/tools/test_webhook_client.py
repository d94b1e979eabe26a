"""The webhook client: sockets closed at once, DNS under a deadline, caps enforced at run
time, secrets scrubbed whatever their length or encoding."""

import asyncio
import gc
import json
import socket
import threading
import time

import pytest

from botbuilder.tools import ssrf, webhook
from tests.botbuilder.tools.conftest import SECRET_VALUE, webhook_spec
from tests.botbuilder.tools.test_webhook import call

HANGUP_WAIT_S = 5.0


@pytest.fixture
def no_gc():
    """Prove sockets close by themselves, not when the collector happens to run."""
    gc.collect()
    gc.disable()
    yield
    gc.enable()


async def server_saw_hangup(server) -> bool:
    return await asyncio.to_thread(server.hangup.wait, HANGUP_WAIT_S)


async def test_size_cap_on_a_close_delimited_body_hangs_up_at_once(
    http_server, allow_local, no_gc
):
    spec = webhook_spec(
        f"{http_server.base_url}/endless", webhook_max_response_bytes=1024
    )
    outcome = await call(spec)
    assert outcome.status == "error" and "too large" in outcome.error
    assert await server_saw_hangup(http_server)


async def test_deadline_on_a_close_delimited_body_hangs_up_at_once(
    http_server, allow_local, no_gc
):
    spec = webhook_spec(
        f"{http_server.base_url}/endless-trickle",
        webhook_timeout_s=0.5,
        webhook_max_response_bytes=1_000_000,
    )
    outcome = await call(spec)
    assert outcome.status == "timeout"
    assert await server_saw_hangup(http_server)


async def test_max_response_bytes_is_clamped_at_run_time(http_server, allow_local):
    spec = webhook_spec(  # a row edited past the form's 1 MiB limit
        f"{http_server.base_url}/huge?bytes=1500000",
        webhook_max_response_bytes=10**9,
    )
    outcome = await call(spec)
    assert outcome.status == "error" and "larger than 1048576 bytes" in outcome.error


@pytest.fixture
def hung_dns(monkeypatch):
    release = threading.Event()
    real = socket.getaddrinfo

    def hanging(host, *args, **kwargs):
        if host == "hangs.example":
            release.wait(30)
            raise socket.gaierror("released")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", hanging)
    yield
    release.set()


def test_a_hung_dns_lookup_times_out(hung_dns):
    started = time.monotonic()
    with pytest.raises(ssrf.DNSTimeout):
        ssrf.resolve("hangs.example", 443, timeout_s=0.3)
    assert time.monotonic() - started < 3


async def test_a_webhook_with_a_hung_lookup_is_a_timeout_and_frees_its_worker(
    hung_dns, settings, monkeypatch
):
    settings.WEBHOOK_ALLOWED_HOSTS = ["hangs.example"]
    returned = threading.Event()
    real_perform = webhook._perform

    def perform(*args):
        try:
            return real_perform(*args)
        finally:
            returned.set()  # the webhook worker thread is free again

    monkeypatch.setattr(webhook, "_perform", perform)
    spec = webhook_spec("https://hangs.example/ok", webhook_timeout_s=0.3)
    outcome = await call(spec)
    assert outcome.status == "timeout"
    assert await asyncio.to_thread(returned.wait, 3)


async def test_short_secrets_are_refused_before_anything_is_sent(
    http_server, allow_local, monkeypatch
):
    monkeypatch.setenv("BOT_SECRET_PIN", "123")
    spec = webhook_spec(
        f"{http_server.base_url}/echo",
        webhook_headers={"X-Api-Key": "${BOT_SECRET_PIN}"},
    )
    outcome = await call(spec)
    assert outcome.status == "error" and "fewer than 8 characters" in outcome.error
    assert http_server.received == []
    assert "123" not in json.dumps([outcome.output, outcome.error, outcome.detail])


async def test_secrets_echoed_back_encoded_are_scrubbed(
    http_server, allow_local, monkeypatch
):
    secret = SECRET_VALUE + "/+=&<"
    monkeypatch.setenv("BOT_SECRET_SHOP_API_TOKEN", secret)
    spec = webhook_spec(
        f"{http_server.base_url}/echo-encoded",
        webhook_headers={"Authorization": "Bearer ${BOT_SECRET_SHOP_API_TOKEN}"},
    )
    outcome = await call(spec)
    assert outcome.status == "ok"
    echoed = json.loads(outcome.output)
    assert set(echoed.values()) == {"••••"}
