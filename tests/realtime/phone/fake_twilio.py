"""A fake Twilio REST API on 127.0.0.1 recording call updates (`Calls/{sid}.json`)."""

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


class FakeTwilioRest:
    """Answers POST /2010-04-01/Accounts/<sid>/Calls/<call>.json; `already_ended` → 404."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.already_ended = False
        self.updated = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                auth = self.headers.get("Authorization", "")
                user = ""
                if auth.startswith("Basic "):
                    user = base64.b64decode(auth[6:]).decode()
                fake.requests.append(
                    {
                        "path": self.path,
                        "auth": user,
                        "form": {k: v[0] for k, v in parse_qs(body.decode()).items()},
                    }
                )
                status, payload = 200, {"sid": self.path.rsplit("/", 1)[-1][:-5]}
                if fake.already_ended:
                    status = 404
                    payload = {"code": 20404, "message": "not found", "status": 404}
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                fake.updated.set()

            def log_message(self, *args) -> None:
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> "FakeTwilioRest":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
