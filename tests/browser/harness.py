"""Helpers of the browser tests: the daphne subprocess and its environment."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parents[2]
SCREENSHOT_DIR = REPO_DIR / "artifacts" / "screenshots"
CHROMIUM_PATH = "/usr/bin/chromium"
SERVER_START_TIMEOUT_S = 30.0
SETUP_TIMEOUT_S = 60.0
# Flags measured in /work/shared/reference/offline-speech.md §5.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def engine_address(engine) -> tuple[str, int]:
    """(host, port) of the offline engine fixture's server."""
    for host_attr, port_attr in (("host", "port"), ("engine_host", "engine_port")):
        if hasattr(engine, port_attr):
            return getattr(engine, host_attr, "127.0.0.1"), int(
                getattr(engine, port_attr)
            )
    if isinstance(engine, dict):
        return engine.get("host", "127.0.0.1"), int(engine["port"])
    if isinstance(engine, tuple):
        return engine[0], int(engine[1])
    raise TypeError(
        f"cannot read host/port from the offline engine fixture: {engine!r}"
    )


@dataclass
class LiveServer:
    url: str
    env: dict[str, str]
    bot_id: int = 0
    cookie: str = ""
    log_path: Path | None = None
    process: subprocess.Popen | None = None

    def manage(self, *args: str) -> dict:
        """Run `server_setup` in the server's environment; returns its JSON output."""
        done = subprocess.run(
            [sys.executable, "-m", "tests.browser.server_setup", *args],
            cwd=REPO_DIR,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=SETUP_TIMEOUT_S,
        )
        if done.returncode != 0:
            raise RuntimeError(f"server_setup {args} failed:\n{done.stderr[-3000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    def stored(self, session_id: str) -> dict:
        return self.manage("dump", session_id)

    def log_tail(self, chars: int = 6000) -> str:
        return (
            self.log_path.read_text(errors="replace")[-chars:] if self.log_path else ""
        )


def server_env(db_path: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "tests.browser.server_settings",
            "DATABASE_URL": f"sqlite:///{db_path}",
            "OPENAI_API_KEY": "",
            "PYTHONPATH": str(REPO_DIR),
            "LOG_LEVEL": "INFO",
        }
    )
    env.update(extra or {})
    return env


def wait_for_http(url: str, server: LiveServer) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"daphne exited early:\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    raise RuntimeError(
        f"daphne did not answer {url} in {SERVER_START_TIMEOUT_S} s:\n{server.log_tail()}"
    )
