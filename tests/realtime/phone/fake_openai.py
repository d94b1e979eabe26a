"""A fake OpenAI on one 127.0.0.1 port: call-control POSTs are recorded and answered here;
websocket upgrades (the sideband) are relayed byte for byte to a scripted FakeUpstream."""

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

RELAY_CHUNK_BYTES = 65536


def _pipe(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(RELAY_CHUNK_BYTES):
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for sock in (source, sink):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class FakeOpenAI:
    """`calls`: (action, call id, JSON body, Authorization) of every call-control POST."""

    def __init__(self, sideband_port: int) -> None:
        self.calls: list[tuple[str, str, dict | None, str]] = []
        self.accepted = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = self.path.strip("/").split(
                    "/"
                )  # v1/realtime/calls/<id>/<action>
                fake.calls.append(
                    (
                        parts[-1],
                        parts[-2],
                        json.loads(body) if body else None,
                        self.headers.get("Authorization", ""),
                    )
                )
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()
                if parts[-1] == "accept":
                    fake.accepted.set()

            def do_GET(self) -> None:  # websocket upgrade: relay to the sideband script
                upstream = socket.create_connection(("127.0.0.1", sideband_port))
                lines = [self.requestline]
                lines += [f"{k}: {v}" for k, v in self.headers.items()]
                head = "\r\n".join(lines) + "\r\n\r\n"
                upstream.sendall(head.encode("latin-1"))
                client = self.connection
                back = threading.Thread(target=_pipe, args=(upstream, client))
                back.start()
                _pipe(client, upstream)
                back.join()
                self.close_connection = True

            def log_message(self, *args) -> None:
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def start(self) -> "FakeOpenAI":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
