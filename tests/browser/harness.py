"""Helpers of the browser tests: the daphne subprocess, its environment and database."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parents[2]
SCREENSHOT_DIR = REPO_DIR / "artifacts" / "screenshots"
CHROMIUM_PATH = "/usr/bin/chromium"
SERVER_START_TIMEOUT_S = 30.0
SERVER_STOP_TIMEOUT_S = 10.0
SETUP_TIMEOUT_S = 60.0
# Flags measured in /work/shared/reference/offline-speech.md §5 (the fake-UI flag, which
# accepts the microphone prompt, is added per launch).
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
    "--autoplay-policy=no-user-gesture-required",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    """A running daphne; `bot_id` greets first, `quiet_bot_id` waits for the caller."""

    url: str
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen | None = None
    bot_id: int = 0
    quiet_bot_id: int = 0
    cookie: str = ""

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
        """The stored Session row and its transcript items, read back from the database."""
        return self.manage("dump", session_id)

    def log_tail(self, chars: int = 6000) -> str:
        return (
            self.log_path.read_text(errors="replace")[-chars:]
            if self.log_path.exists()
            else ""
        )


def server_env(db_path: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The daphne process's environment: test settings, a file database, no API key."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "OPENAI_"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "botbuilder.settings",
            "DATABASE_URL": f"sqlite:///{db_path}",
            "PYTHONPATH": str(REPO_DIR),
            "LOG_LEVEL": "INFO",
        }
    )
    env.update(extra or {})
    return env


def migrate(db_path: Path) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=REPO_DIR,
        env=server_env(db_path),
        check=True,
        timeout=SETUP_TIMEOUT_S,
    )


@contextmanager
def running_server(
    template_db: Path, workdir: Path, engine_host: str, engine_port: int
) -> Iterator[LiveServer]:
    """Copy the migrated database, seed it, serve it with daphne; stop daphne on exit."""
    db_path = workdir / "db.sqlite3"
    shutil.copy(template_db, db_path)
    env = server_env(
        db_path,
        {"OFFLINE_ENGINE_HOST": engine_host, "OFFLINE_ENGINE_PORT": str(engine_port)},
    )
    port = free_port()
    server = LiveServer(
        url=f"http://127.0.0.1:{port}", env=env, log_path=workdir / "daphne.log"
    )
    seeded = server.manage("seed")
    server.bot_id, server.quiet_bot_id = seeded["bot_id"], seeded["quiet_bot_id"]
    server.cookie = seeded["cookie"]
    daphne = Path(sys.executable).with_name("daphne")
    with open(server.log_path, "wb") as log:
        server.process = subprocess.Popen(
            [
                str(daphne),
                "-b",
                "127.0.0.1",
                "-p",
                str(port),
                "botbuilder.asgi:application",
            ],
            cwd=REPO_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for_http(f"{server.url}/admin/login/", server)
        yield server
    finally:
        server.process.terminate()
        try:
            server.process.wait(timeout=SERVER_STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


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
