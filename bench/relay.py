"""Relay benchmark: what the daphne + session consumer relay adds to each audio frame.

Starts the echo upstream (bench/echo_upstream.py) and one daphne worker, or `--workers K`
(subprocesses, on 127.0.0.1, a throw-away SQLite database), then for each N: N simulated
callers stream 20 ms PCM16 24 kHz frames in real time straight to the upstream (the floor),
then the same N through the relay (browser protocol, callers spread evenly over the
workers). Prints one JSON line per N:

  added_{rtt,up,down}_{p50,p99}_ms  relay minus direct, per percentile
  late_over_100ms                   relay frames whose round trip took > 100 ms, plus lost
  worker_cpu_percent, worker_rss_mb, worker_rss_per_session_kb

Run from the project root: `python -m bench.relay [--sessions 10,50,200] [--duration 10]
[--workers 1]`.
"""

import argparse
import asyncio
import json
import os
import platform
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench import loadgen
from bench.stats import ProcessMeter, summary

ROOT = Path(__file__).resolve().parent.parent
WORKER_START_TIMEOUT_S = 30.0
SETTLE_S = 2.0  # between rounds: let the worker end the last round's sessions


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


async def run_round(kind: str, n: int, frames: int, make, meters) -> tuple[list, float]:
    """Open n callers, stream, close; (callers, streaming seconds) with `meters` running."""
    callers = [make(i, frames) for i in range(n)]
    await loadgen.open_all(callers)
    for meter in meters:
        meter.start()
    sampler = asyncio.create_task(sample_forever(meters))
    began = time.monotonic()
    try:
        await loadgen.stream_all(callers)
        streaming_s = time.monotonic() - began
        for meter in meters:
            meter.stop()
        await loadgen.drain(callers)
    finally:
        sampler.cancel()
        await asyncio.gather(*(c.close() for c in callers), return_exceptions=True)
    errors = [e for c in callers for e in c.errors]
    if errors:
        print(
            f"# {kind} N={n}: {len(errors)} caller errors: {errors[:3]}",
            file=sys.stderr,
        )
    return callers, streaming_s


async def sample_forever(meters, every_s: float = 0.5) -> None:
    while True:
        for meter in meters:
            meter.sample()
        await asyncio.sleep(every_s)


async def measure(n: int, args, urls: dict, meters: dict[str, ProcessMeter]) -> dict:
    """One JSON line's figures for N sessions: the direct round, then the relay round."""
    frames = int(args.duration * 1000 / loadgen.FRAME_MS)

    def direct(i, f):
        return loadgen.DirectCaller(i, f, url=urls["direct"])

    def relay(i, f):
        worker = i % len(urls["relay"])  # callers spread evenly over the workers
        return loadgen.RelayCaller(
            i,
            f,
            url=urls["relay"][worker],
            origin=urls["origin"][worker],
            cookie=urls["cookie"],
        )

    all_meters = list(meters.values())
    direct_callers, direct_s = await run_round("direct", n, frames, direct, all_meters)
    direct_cpu = {name: m.cpu_used for name, m in meters.items()}
    await asyncio.sleep(SETTLE_S)
    rss_idle = meters["worker"].rss_bytes()
    relay_callers, relay_s = await run_round("relay", n, frames, relay, all_meters)
    await asyncio.sleep(SETTLE_S)

    floor, through = summary(direct_callers), summary(relay_callers)
    result = {
        "sessions": n,
        "workers": args.workers,
        "duration_s": args.duration,
        "server": "daphne" if args.plain_daphne else f"serve/{event_loop()}",
        "frames_sent": sum(c.timings.sent for c in relay_callers),
        "frames_lost": through["lost"],
        "late_over_100ms": through["late_over_100ms"],
    }
    for key in ("rtt", "up", "down"):
        for pct in ("p50", "p99"):
            name = f"{key}_{pct}_ms"
            result[f"added_{name}"] = round(through[name] - floor[name], 2)
    worker = meters["worker"]
    result["worker_cpu_percent"] = round(worker.cpu_used * 100 / relay_s, 1)
    # CPU per frame relayed (one frame in and its echo out): unlike latency, this hardly
    # depends on what else the machine is doing.
    result["worker_cpu_us_per_frame"] = round(
        worker.cpu_used * 1e6 / max(1, result["frames_sent"]), 1
    )
    result["worker_rss_mb"] = round(worker.peak_rss / 2**20, 1)
    result["worker_rss_per_session_kb"] = round(
        (worker.peak_rss - rss_idle) / n / 1024, 1
    )
    result["cpu_percent_relay_round"] = {
        name: round(m.cpu_used * 100 / relay_s, 1) for name, m in meters.items()
    }
    result["cpu_percent_direct_round"] = {
        name: round(cpu * 100 / direct_s, 1) for name, cpu in direct_cpu.items()
    }
    result["load_average_1m"] = round(os.getloadavg()[0], 2)
    result["relay"] = through
    result["direct"] = floor
    return result


def event_loop() -> str:
    from django.conf import settings

    return settings.EVENT_LOOP


def start_workers(
    count: int, env: dict, workdir: Path, *, plain_daphne: bool = False
) -> list[tuple[int, subprocess.Popen]]:
    """`count` daphne workers on free ports: [(port, process)].

    Started with `python -m botbuilder.serve` (the event loop of `EVENT_LOOP`, eager
    writes), or with the stock `daphne` command if `plain_daphne`.
    """
    if plain_daphne:
        launcher = [str(Path(sys.executable).with_name("daphne"))]
    else:
        launcher = [sys.executable, "-m", "botbuilder.serve"]
    workers = []
    for i in range(count):
        port = free_port()
        log = (workdir / f"daphne-{i}.log").open("wb")
        command = [
            *launcher,
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "botbuilder.asgi:application",
        ]
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        workers.append((port, process))
    return workers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", default="10,50,200", help="N values, e.g. 10,50")
    parser.add_argument(
        "--duration", type=float, default=10.0, help="seconds per round"
    )
    parser.add_argument(
        "--workers", type=int, default=1, help="daphne workers (callers spread evenly)"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the work dir and logs"
    )
    parser.add_argument(
        "--plain-daphne",
        action="store_true",
        help="start workers with the stock daphne command, not botbuilder.serve",
    )
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-relay-"))
    env = bench_env(workdir)
    os.environ.update(env)
    echo_port = free_port()
    echo = subprocess.Popen(
        [sys.executable, "-m", "bench.echo_upstream", "--port", str(echo_port)],
        cwd=ROOT,
        stdout=(workdir / "echo.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    bot_id, cookie = prepare_database(echo_port)
    workers = start_workers(args.workers, env, workdir, plain_daphne=args.plain_daphne)
    try:
        wait_for_port(echo_port, echo, "echo upstream")
        for port, process in workers:
            wait_for_port(port, process, "daphne worker")
        urls = {
            "direct": f"ws://127.0.0.1:{echo_port}/v1/realtime?model=gpt-realtime-mini",
            "relay": [
                f"ws://127.0.0.1:{p}/ws/bots/{bot_id}/session/" for p, _ in workers
            ],
            "origin": [f"http://127.0.0.1:{p}" for p, _ in workers],
            "cookie": cookie,
        }
        machine = platform.processor() or platform.machine()
        print(
            f"# {machine}, {os.cpu_count()} cores, python {platform.python_version()}, "
            f"{args.workers} worker(s), work dir {workdir}",
            file=sys.stderr,
        )
        for n in (int(x) for x in args.sessions.split(",")):
            meters = {
                "worker": ProcessMeter(*(process.pid for _, process in workers)),
                "echo_upstream": ProcessMeter(echo.pid),
                "callers": ProcessMeter(os.getpid()),
            }
            result = asyncio.run(measure(n, args, urls, meters))
            print(json.dumps(result), flush=True)
    finally:
        for process in [echo, *(process for _, process in workers)]:
            process.terminate()
            process.wait(timeout=10)
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
