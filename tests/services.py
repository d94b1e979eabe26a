"""Tests marked `services`: the local Redis and PostgreSQL, and real daphne worker processes.

Loaded from tests/conftest.py. `make test` runs these tests in its PostgreSQL pass (see
scripts/test.sh). A run on SQLite deselects them and says so in the header; Redis not
answering is a test failure, never a skip.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
# One key prefix per test process: runs sharing the Redis never see or flush each other.
CHANNEL_PREFIX = f"test{os.getpid()}."
WORKER_START_TIMEOUT_S = 30.0
WORKER_STOP_TIMEOUT_S = 10.0
WORKER_NAMES = ("a", "b")


def database_is_postgresql() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def pytest_report_header(config) -> str:
    if database_is_postgresql():
        return f"services tests: on (PostgreSQL, Redis at {TEST_REDIS_URL})"
    return (
        "services tests: DESELECTED, the database is not PostgreSQL "
        "(make test runs them in its PostgreSQL pass)"
    )


def pytest_collection_modifyitems(config, items) -> None:
    if database_is_postgresql():
        return
    deselected = [item for item in items if item.get_closest_marker("services")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker("services")]


def _flush(client: redis.Redis) -> None:
    keys = list(client.scan_iter(match=f"{CHANNEL_PREFIX}*", count=1000))
    if keys:
        client.delete(*keys)


@pytest.fixture
def redis_url() -> Iterator[str]:
    """The test Redis (this run's keys flushed before and after the test)."""
    client = redis.Redis.from_url(TEST_REDIS_URL, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis at {TEST_REDIS_URL} does not answer: {exc}", pytrace=False)
    _flush(client)
    yield TEST_REDIS_URL
    _flush(client)
    client.close()


@pytest.fixture
def redis_channel_layer(settings, redis_url) -> dict:
    """This process's channel layer switched to channels-redis on the test Redis."""
    host = {"address": redis_url, "socket_timeout": settings.REDIS_SOCKET_TIMEOUT_S}
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [host], "prefix": CHANNEL_PREFIX},
        }
    }
    return settings.CHANNEL_LAYERS


@dataclass
class Worker:
    """One daphne process serving botbuilder.asgi on 127.0.0.1."""

    name: str
    port: int
    process: subprocess.Popen
    log_path: Path

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    @property
    def origin(self) -> str:
        return self.http_url

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    """URL of the database this test runs on (pytest-django's test database)."""
    db = connection.settings_dict
    user = urllib.parse.quote(db.get("USER") or "")
    password = urllib.parse.quote(db.get("PASSWORD") or "")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/{db['NAME']}"


def worker_env(redis_url: str, **extra: str) -> dict[str, str]:
    """Environment of a worker: this test's database, the test Redis, this run's prefix."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "botbuilder.settings",
        "DATABASE_URL": database_url(),
        "DATABASE_TEST_NAME": "",
        "REDIS_URL": redis_url,
        "CHANNEL_LAYER_PREFIX": CHANNEL_PREFIX,
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_DEBUG": "false",
        "LOG_LEVEL": "INFO",
        **extra,
    }


# Worker "a" runs as `make run` serves (botbuilder.serve: uvloop, eager writes), "b" as the
# stock `daphne` command: both ways of serving meet in every multi-worker test.
LAUNCHERS = {
    "a": [sys.executable, "-m", "botbuilder.serve"],
    "b": [str(Path(sys.executable).with_name("daphne"))],
}


def start_worker(name: str, env: dict[str, str], log_dir: Path) -> Worker:
    port = free_port()
    log_path = log_dir / f"daphne-{name}.log"
    command = [
        *LAUNCHERS.get(name, LAUNCHERS["b"]),
        "-b",
        "127.0.0.1",
        "-p",
        str(port),
        "botbuilder.asgi:application",
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    return Worker(name=name, port=port, process=process, log_path=log_path)


def wait_until_serving(
    worker: Worker, timeout_s: float = WORKER_START_TIMEOUT_S
) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if worker.process.poll() is not None:
            pytest.fail(f"worker {worker.name} exited:\n{worker.log()}", pytrace=False)
        try:
            with urllib.request.urlopen(f"{worker.http_url}/admin/login/", timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    pytest.fail(f"worker {worker.name} did not answer:\n{worker.log()}", pytrace=False)


def stop_worker(worker: Worker) -> None:
    worker.process.terminate()
    try:
        worker.process.wait(timeout=WORKER_STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        worker.process.kill()
        worker.process.wait()


@pytest.fixture
def worker_extra_env() -> dict[str, str]:
    """Extra environment for the daphne workers (override in a test module)."""
    return {}


@pytest.fixture
def daphne_workers(transactional_db, redis_url, worker_extra_env, tmp_path) -> Iterator:
    """Two daphne workers ("a", "b") sharing this test's PostgreSQL database and Redis."""
    if not database_is_postgresql():
        pytest.fail(
            "daphne_workers needs PostgreSQL: DATABASE_URL=postgres://... (make test does it)",
            pytrace=False,
        )
    env = worker_env(redis_url, **worker_extra_env)
    workers = [start_worker(name, env, tmp_path) for name in WORKER_NAMES]
    try:
        for worker in workers:
            wait_until_serving(worker)
        yield workers
    finally:
        for worker in workers:
            stop_worker(worker)
        for worker in workers:
            # Shown by pytest for a failing test only.
            print(f"--- daphne worker {worker.name} log ---\n{worker.log()}")


def login_cookie(user) -> str:
    """A `sessionid` cookie value for `user`, stored in the shared database."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


class HttpSession:
    """A tiny cookie-keeping HTTP client for talking to a real worker (urllib only)."""

    def __init__(self, base_url: str, session_cookie: str) -> None:
        self.base_url = base_url
        self.cookies = {settings.SESSION_COOKIE_NAME: session_cookie}

    def _request(self, method: str, path: str, data: dict | None = None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base_url + path, data=body, method=method)
        request.add_header(
            "Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        )
        if body is not None:
            request.add_header("Content-Type", "application/x-www-form-urlencoded")
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            response = opener.open(request, timeout=30)
        except urllib.error.HTTPError as exc:
            response = exc
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie(header)
            self.cookies.update({key: morsel.value for key, morsel in cookie.items()})
        return response.status, response.headers, response.read().decode()

    def get(self, path: str):
        return self._request("GET", path)

    def post(self, path: str, data: dict):
        token = self.cookies.get(settings.CSRF_COOKIE_NAME, "")
        return self._request("POST", path, {"csrfmiddlewaretoken": token, **data})


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
