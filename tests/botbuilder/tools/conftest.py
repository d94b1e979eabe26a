"""A real HTTP server on 127.0.0.1 for webhook tests, and tool spec helpers."""

import base64
import html
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, quote_plus, urlsplit

import pytest

from botbuilder.assembly.snapshot import ToolSpec
from botbuilder.tools.base import ToolContext

SECRET_VALUE = "sk-live-9f8e7d6c5b4a-TOPSECRET"
SLOW_ENDPOINT_DELAY_S = 3.0
HUGE_BODY_BYTES = 200_000
# The endless endpoints stop writing after this long even if the client never hangs up.
ENDLESS_BODY_FOR_S = 30.0


class _Handler(BaseHTTPRequestHandler):
    server: "WebhookTestServer"

    def log_message(self, format, *args):  # keep test output quiet
        pass

    def do_GET(self):
        self._handle()

    def do_POST(self):
        self._handle()

    def do_PUT(self):
        self._handle()

    def _handle(self):
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        received = {
            "method": self.command,
            "path": self.path,
            "headers": dict(self.headers.items()),
            "body": body.decode("utf-8", "replace"),
        }
        self.server.received.append(received)
        route = parts.path.strip("/").split("/")[0]
        if route == "ok":
            self._json(
                200,
                {
                    "data": {"order": {"status": "shipped", "eta": "Tuesday"}},
                    "items": [{"name": "first"}, {"name": "second"}],
                },
            )
        elif route == "echo":
            self._json(200, received)
        elif route == "slow":
            time.sleep(float(query.get("s", SLOW_ENDPOINT_DELAY_S)))
            self._json(200, {"late": True})
        elif route == "trickle":  # headers at once, then one byte every 0.2 s for 3 s
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", "15")
            self.end_headers()
            for _ in range(15):
                self.wfile.write(b"z")
                self.wfile.flush()
                time.sleep(0.2)
        elif route == "error":
            self._send(500, b"database exploded: connection refused", "text/plain")
        elif route == "huge":
            size = int(query.get("bytes", HUGE_BODY_BYTES))
            self._send(200, b"x" * size, "text/plain")
        elif route in ("endless", "endless-trickle"):
            # HTTP/1.0, no Content-Length: the body ends when the connection does.
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            piece, pause_s = (b"x" * 8192, 0.0) if route == "endless" else (b"z", 0.05)
            give_up = time.monotonic() + ENDLESS_BODY_FOR_S
            try:
                while time.monotonic() < give_up:
                    self.wfile.write(piece)
                    self.wfile.flush()
                    time.sleep(pause_s)
            except (BrokenPipeError, ConnectionResetError):
                self.server.hangup.set()  # the client closed its socket
        elif route == "echo-encoded":  # the credential sent back in several encodings
            sent = self.headers.get("Authorization", "").removeprefix("Bearer ")
            self._json(
                200,
                {
                    "quoted": quote(sent, safe=""),
                    "plus": quote_plus(sent),
                    "base64": base64.b64encode(sent.encode()).decode(),
                    "html": html.escape(sent),
                },
            )
        elif route == "huge-chunked":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b"y" * 8192
            for _ in range(HUGE_BODY_BYTES // len(chunk)):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self.wfile.write(b"0\r\n\r\n")
        elif route == "invalid-json":
            self._send(200, b'{"status": "shipped",', "application/json")
        elif route == "text":
            self._send(
                200, b"Your order ships on Tuesday.", "text/plain; charset=utf-8"
            )
        elif route == "empty":
            self.send_response(204)
            self.end_headers()
        elif route == "redirect":
            self.send_response(int(query.get("status", 302)))
            self.send_header("Location", query["to"])
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self._send(404, b"no such endpoint", "text/plain")

    def _json(self, status, value):
        self._send(status, json.dumps(value).encode(), "application/json")

    def _send(self, status, body, content_type):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class WebhookTestServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.received: list[dict] = []
        self.hangup = threading.Event()  # set when a client closed an endless response

    def handle_error(self, request, client_address):
        """Clients that give up (timeouts, size caps) are expected here: stay quiet."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_port}"


@pytest.fixture(scope="session")
def _http_server():
    server = WebhookTestServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def http_server(_http_server):
    """The local endpoint server, with its record of received requests cleared."""
    _http_server.received.clear()
    _http_server.hangup.clear()
    return _http_server


@pytest.fixture
def allow_local(settings):
    """Allow-list 127.0.0.1 for webhooks (as the test settings of a dev box would)."""
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    return settings


def webhook_spec(url: str, **config) -> ToolSpec:
    """A webhook ToolSpec with an order_number parameter and `config` overrides."""
    defaults = {
        "webhook_method": "GET",
        "webhook_url": url,
        "webhook_headers": {},
        "webhook_body_template": None,
        "webhook_timeout_s": 5,
        "webhook_response_path": "",
        "webhook_max_response_bytes": 65_536,
    }
    return ToolSpec(
        name="lookup_order",
        description="Look up an order.",
        parameters={
            "type": "object",
            "properties": {
                "order_number": {"type": "string"},
                "qty": {"type": "integer"},
            },
            "required": [],
        },
        kind="webhook",
        config={**defaults, **config},
    )


def context(**variables) -> ToolContext:
    return ToolContext(session_id="test-session", variables=dict(variables))
