"""Websocket origins: scheme, host and port compared against the allowed origins."""

import pytest
from channels.testing import WebsocketCommunicator

from botbuilder.asgi import application
from realtime.origins import allowed_origins


async def opens(origin: str, *, server=("127.0.0.1", 8000), scheme="ws") -> bool:
    """Whether the real ASGI app lets a page of `origin` open the session websocket."""
    comm = WebsocketCommunicator(
        application, "/ws/bots/1/session/", [(b"origin", origin.encode())]
    )
    # What daphne puts in the scope; set before the application first runs.
    comm.scope.update(server=server, scheme=scheme)
    connected, _ = await comm.connect(timeout=5)
    if connected:
        await comm.disconnect()
    return connected


@pytest.fixture
def derived(settings):
    settings.WEBSOCKET_ALLOWED_ORIGINS = []
    settings.ALLOWED_HOSTS = ["127.0.0.1", "bots.example.com"]
    settings.CSRF_TRUSTED_ORIGINS = []


@pytest.mark.django_db(transaction=True)
async def test_the_served_scheme_host_and_port_may_connect(derived):
    assert await opens("http://127.0.0.1:8000")
    assert await opens("http://bots.example.com:8000")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "origin",
    [
        "http://127.0.0.1:9000",  # another port of the same host
        "https://127.0.0.1:8000",  # another scheme
        "http://127.0.0.1",  # port 80
        "http://evil.example:8000",
    ],
)
async def test_other_ports_schemes_and_hosts_are_refused(derived, origin):
    assert not await opens(origin)


@pytest.mark.django_db(transaction=True)
async def test_a_tls_worker_expects_https_pages(derived):
    assert await opens(
        "https://127.0.0.1:8443", server=("127.0.0.1", 8443), scheme="wss"
    )
    assert not await opens(
        "http://127.0.0.1:8443", server=("127.0.0.1", 8443), scheme="wss"
    )


@pytest.mark.django_db(transaction=True)
async def test_the_explicit_list_replaces_the_default(settings):
    settings.WEBSOCKET_ALLOWED_ORIGINS = ["https://bots.example.com"]
    assert await opens("https://bots.example.com")
    assert not await opens("http://127.0.0.1:8000")


def test_csrf_trusted_origins_are_allowed_behind_a_proxy(derived, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://bots.example.com"]
    scope = {"server": ("127.0.0.1", 8001), "scheme": "ws"}
    assert "https://bots.example.com" in allowed_origins(scope)
    assert "http://127.0.0.1:8001" in allowed_origins(scope)
