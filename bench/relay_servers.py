"""The relay benchmark's processes: a throw-away database, the servers under test.

Servers (`SERVERS`), each answering the browser protocol on /ws/bots/<id>/session/:
`serve` (the product: `python -m botbuilder.serve`, daphne on the event loop of
`EVENT_LOOP`), `daphne` (the product under the stock daphne command), `uvicorn-app` (the
product's ASGI application under uvicorn on uvloop, no code changed), and the two peer
relays of bench/peer_relay.py, `floor` (`websockets` on uvloop) and `uvicorn` (Starlette).
"""

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKER_START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 10.0
SERVERS = ("serve", "daphne", "uvicorn-app", "floor", "uvicorn")
PRODUCT_SERVERS = ("serve", "daphne")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_env(workdir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "botbuilder.settings",
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "DATABASE_TEST_NAME": "",
        "REDIS_URL": "",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_DEBUG": "false",
        "MEDIA_ROOT": str(workdir / "media"),
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
        # The echo upstream runs on loopback, which connection URLs may not name unless
        # allowed (the SSRF guard for connections).
        "CONNECTION_ALLOWED_HOSTS": "127.0.0.1",
    }


def prepare_database(echo_port: int) -> tuple[int, str]:
    """Migrate, create a superuser and a bot on the echo upstream; (bot id, cookie)."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from botbuilder.models import Bot, Connection

    call_command("migrate", verbosity=0)
    user = get_user_model().objects.create_superuser("bench", "bench@example.com", "pw")
    connection = Connection.objects.create(
        name="Echo upstream",
        kind="compatible",
        base_url=f"ws://127.0.0.1:{echo_port}/v1",
    )
    bot = Bot.objects.create(
        name="Bench bot",
        slug="bench-bot",
        instructions="Echo.",
        greeting_mode="wait",
        connection=connection,
        record_audio=False,
        idle_reminder_after_s=None,
    )
    client = Client()
    client.force_login(user)
    return bot.pk, f"{settings.SESSION_COOKIE_NAME}={client.cookies['sessionid'].value}"


def wait_for_port(port: int, process: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + WORKER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"{what} exited with {process.returncode}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
            return
        except urllib.error.HTTPError:
            return  # answering (the echo peer refuses plain HTTP)
        except OSError:
            time.sleep(0.1)
    sys.exit(f"{what} did not start on port {port}")


def server_command(kind: str, port: int, upstream_url: str) -> list[str]:
    """The command line of one `kind` server on 127.0.0.1:`port`."""
    if kind == "daphne":
        launcher = [str(Path(sys.executable).with_name("daphne"))]
    elif kind == "serve":
        launcher = [sys.executable, "-m", "botbuilder.serve"]
    elif kind == "uvicorn-app":
        return [
            *(sys.executable, "-m", "uvicorn", "botbuilder.asgi:application"),
            *("--host", "127.0.0.1", "--port", str(port), "--loop", "uvloop"),
            *("--ws", "websockets", "--ws-per-message-deflate", "false"),
            *("--no-access-log", "--log-level", "warning"),
        ]
    else:
        server = "websockets" if kind == "floor" else "uvicorn"
        return [
            *(sys.executable, "-m", "bench.peer_relay", "--server", server),
            *("--port", str(port), "--upstream", upstream_url),
        ]
    return [
        *launcher,
        "-b",
        "127.0.0.1",
        "-p",
        str(port),
        "botbuilder.asgi:application",
    ]


def with_switch_interval(command: list[str], interval_s: float) -> list[str]:
    """`python -m module args` as `python -c ...` that sets the switch interval first."""
    python, flag, module, *args = command
    if flag != "-m":
        raise ValueError(f"not a `python -m` command: {command[:3]}")
    code = (
        f"import runpy, sys; sys.setswitchinterval({interval_s!r}); "
        f"runpy.run_module({module!r}, run_name='__main__', alter_sys=True)"
    )
    return [python, "-c", code, *args]


def start_echo(workdir: Path) -> tuple[int, subprocess.Popen]:
    """The echo upstream on a free port (its log in `workdir`): (port, process)."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.echo_upstream", "--port", str(port)],
        cwd=ROOT,
        stdout=(workdir / "echo.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    return port, process


def start_workers(
    count: int,
    env: dict,
    workdir: Path,
    *,
    kind: str = "serve",
    upstream_url: str = "",
    switch_interval_s: float | None = None,
) -> list[tuple[int, subprocess.Popen]]:
    """`count` workers of server `kind` on free ports: [(port, process)].

    `switch_interval_s`: the workers' `sys.setswitchinterval` (how long a thread may keep
    the GIL while another waits; Python's default 5 ms), for experiments.
    """
    workers = []
    for _ in range(count):
        port = free_port()
        log = (workdir / f"{kind}-{port}.log").open("wb")
        command = server_command(kind, port, upstream_url)
        if switch_interval_s is not None:
            command = with_switch_interval(command, switch_interval_s)
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        workers.append((port, process))
    return workers


def stop(processes) -> None:
    """Terminate processes and wait for them."""
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:  # e.g. uvicorn draining on a saturated box
            process.kill()
            process.wait(timeout=STOP_TIMEOUT_S)
