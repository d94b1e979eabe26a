"""What one relay session holds in the product worker, by allocation site (tracemalloc).

Starts the echo upstream and one `python -m botbuilder.serve` worker with tracemalloc on
(`--frames` deep tracebacks) and a SIGUSR1 handler that writes a snapshot; after a warm-up
session takes snapshot A, opens N sessions through the relay (snapshot B: the sessions'
own state, what bench/relay.py's `worker_rss_per_session_kb` counts), streams
`--stream-s` seconds of 20 ms frames (snapshot C: with the per-frame state) and prints the
largest differences B − A and C − A per session, grouped by traceback:

    .venv/bin/python -m bench.session_memory --sessions 50 [--top 25] [--frames 12]
"""

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from bench import loadgen, relay_servers
from bench.relay import warm_up
from bench.relay_servers import (
    ROOT,
    bench_env,
    free_port,
    prepare_database,
    server_command,
    start_echo,
    stop,
    wait_for_port,
)

SNAPSHOT_WAIT_S = 60.0
HOOK = (
    "import os, runpy, signal, sys, tracemalloc\n"
    "tracemalloc.start({frames})\n"
    "_n = [0]\n"
    "def _dump(signum, frame):\n"
    "    path = os.path.join({out!r}, f'snap{{_n[0]}}.tracemalloc')\n"
    "    tracemalloc.take_snapshot().dump(path + '.part')\n"
    "    os.rename(path + '.part', path)\n"
    "    _n[0] += 1\n"
    "signal.signal(signal.SIGUSR1, _dump)\n"
    "runpy.run_module('botbuilder.serve', run_name='__main__', alter_sys=True)\n"
)


def snapshot(process: subprocess.Popen, out: Path, index: int) -> tracemalloc.Snapshot:
    path = out / f"snap{index}.tracemalloc"
    process.send_signal(signal.SIGUSR1)
    deadline = time.monotonic() + SNAPSHOT_WAIT_S
    while not path.exists():
        if time.monotonic() > deadline:
            sys.exit("the worker wrote no snapshot")
        time.sleep(0.1)
    return tracemalloc.Snapshot.load(str(path))


def report(title: str, after, before, n: int, top: int, frames: int) -> None:
    stats = after.compare_to(before, "traceback")
    total = sum(s.size_diff for s in stats)
    print(f"\n## {title}: {total / n / 1024:.1f} KiB per session (Python heap)")
    for stat in stats[:top]:
        if stat.size_diff <= 0:
            break
        print(
            f"\n{stat.size_diff / n / 1024:7.2f} KiB/session "
            f"{stat.count_diff / n:7.1f} blocks/session"
        )
        for line in stat.traceback.format(limit=frames, most_recent_first=True)[::2]:
            print("    " + line.strip())


async def drive(args, urls: dict, process, out: Path) -> None:
    def relayed(i, frames):
        return loadgen.RelayCaller(
            i, frames, url=urls["relay"], origin=urls["origin"], cookie=urls["cookie"]
        )

    await warm_up(relayed)
    await asyncio.sleep(1.0)
    a = await asyncio.to_thread(snapshot, process, out, 0)
    frames = int(args.stream_s * 1000 / loadgen.FRAME_MS)
    callers = [relayed(i + 1, frames) for i in range(args.sessions)]
    await loadgen.open_all(callers)
    await asyncio.sleep(0.5)
    b = await asyncio.to_thread(snapshot, process, out, 1)
    await loadgen.stream_all(callers)
    c = await asyncio.to_thread(snapshot, process, out, 2)
    await loadgen.drain(callers)
    await asyncio.gather(*(c.close() for c in callers), return_exceptions=True)
    n = args.sessions
    report("sessions open, before the first frame", b, a, n, args.top, args.frames)
    report(f"after {args.stream_s:g} s of streaming", c, a, n, args.top, args.frames)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--stream-s", type=float, default=3.0)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--frames", type=int, default=12, help="traceback depth")
    args = parser.parse_args()
    relay_servers.WORKER_START_TIMEOUT_S = 180.0  # imports under tracemalloc are slow
    workdir = Path(tempfile.mkdtemp(prefix="bench-memory-"))
    env = bench_env(workdir)
    os.environ.update(env)
    echo_port, echo = start_echo(workdir)
    bot_id, cookie = prepare_database(echo_port)
    port = free_port()
    direct = f"ws://127.0.0.1:{echo_port}/v1/realtime?model=gpt-realtime-mini"
    command = server_command("serve", port, direct)
    hook = HOOK.format(frames=args.frames, out=str(workdir))
    worker = subprocess.Popen(
        [sys.executable, "-c", hook, *command[3:]],
        cwd=ROOT,
        env=env,
        stdout=(workdir / "worker.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(echo_port, echo, "echo upstream")
        wait_for_port(port, worker, "worker")
        urls = {
            "relay": f"ws://127.0.0.1:{port}/ws/bots/{bot_id}/session/",
            "origin": f"http://127.0.0.1:{port}",
            "cookie": cookie,
        }
        asyncio.run(drive(args, urls, worker, workdir))
    finally:
        stop([worker, echo])


if __name__ == "__main__":
    main()
