"""HTTPS webhooks: the pinned address still gets SNI and a certificate check for the URL's host."""

import ssl
import subprocess
import threading

import pytest

from botbuilder.tools import http_client
from tests.botbuilder.tools.conftest import WebhookTestServer, webhook_spec
from tests.botbuilder.tools.test_webhook import call


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for the name `localhost` (openssl CLI)."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture(scope="module")
def https_server(certificate):
    cert, key = certificate
    server = WebhookTestServer()
    server.server_names = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda sock, name, ctx: server.server_names.append(name)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def trust_test_certificate(certificate, monkeypatch):
    cert, _ = certificate
    monkeypatch.setattr(
        http_client, "tls_context", lambda: ssl.create_default_context(cafile=str(cert))
    )


async def test_https_to_a_pinned_address_sends_sni_and_verifies_the_name(
    https_server, trust_test_certificate, settings
):
    settings.WEBHOOK_ALLOWED_HOSTS = ["localhost"]
    https_server.server_names.clear()
    outcome = await call(
        webhook_spec(f"https://localhost:{https_server.server_port}/ok")
    )
    assert outcome.status == "ok", outcome.error
    assert outcome.detail["response"]["address"] == "127.0.0.1"
    assert https_server.server_names == ["localhost"]


async def test_certificate_for_another_name_is_refused(
    https_server, trust_test_certificate, settings
):
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    outcome = await call(
        webhook_spec(f"https://127.0.0.1:{https_server.server_port}/ok")
    )
    assert outcome.status == "error"
    assert "certificate" in outcome.error.lower()


async def test_untrusted_certificate_is_refused(https_server, settings):
    settings.WEBHOOK_ALLOWED_HOSTS = ["localhost"]
    outcome = await call(
        webhook_spec(f"https://localhost:{https_server.server_port}/ok")
    )
    assert outcome.status == "error"
    assert "certificate verify failed" in outcome.error
