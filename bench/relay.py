"""Relay benchmark: what each relay server adds to a 20 ms audio frame, against the floor.

Starts the echo upstream (bench/echo_upstream.py) once, then for each N and each round,
for each server in turn (`--servers`, alternated A B C, C B A, ...; see
bench/relay_servers.py): fresh worker processes, a warm-up session, then N simulated
callers through the relay with direct callers (straight to the upstream, doing the base64
and JSON work themselves) interleaved in the same window, all streaming real-time 20 ms
PCM16 24 kHz frames. Prints one JSON line per server and round:

  added_{rtt,up,down}_{p50,p99}_ms  relay minus direct callers of the same window
  late_over_100ms                   relay frames whose round trip took > 100 ms, plus lost
  worker_cpu_us_per_frame           worker CPU from the first frame until the last echo
                                    (or the drain timeout) ÷ frames echoed to the callers
  worker_rss_per_session_kb         (RSS with the N sessions open − RSS after the warm-up)
                                    ÷ N, fresh worker; `_peak_` the same at the peak
  other_work_cores                  the machine's busy cores minus this benchmark's own
  steal_cores, load_average_1m

and per server and N a summary line with each round's figures as a ratio to the floor's
(`floor`, the `websockets` relay) of the same round.

Run from the project root: `python -m bench.relay [--sessions 50] [--duration 10]
[--rounds 2] [--servers serve,floor,uvicorn] [--workers 1]`.
"""

import argparse
import asyncio
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench import loadgen
from bench.relay_servers import (
    SERVERS,
    bench_env,
    prepare_database,
    start_echo,
    start_workers,
    stop,
    wait_for_port,
)
from bench.stats import MachineMeter, ProcessMeter, summary

SETTLE_S = 1.0  # after the warm-up session: let the worker end it
WARMUP_FRAMES = 60  # one caller, 1.2 s: imports, caches and pools warm before measuring
DIRECT_SHARE = 0.5  # direct callers per relayed caller in the same window


def interleave(first: list, second: list) -> list:
    """first[0], second[0], first[1], ...; the rest of the longer list at the end."""
    mixed = [x for pair in zip(first, second, strict=False) for x in pair]
    shorter = min(len(first), len(second))
    return mixed + first[shorter:] + second[shorter:]


def ratio(value: float, floor: float) -> float | None:
    return round(value / floor, 2) if floor else None


async def sample_forever(meters, every_s: float = 0.5) -> None:
    while True:
        for meter in meters:
            meter.sample()
        await asyncio.sleep(every_s)


async def warm_up(make) -> None:
    caller = make(0, WARMUP_FRAMES)
    await loadgen.open_all([caller])
    await loadgen.stream_all([caller])
    await loadgen.drain([caller])
    await caller.close()


async def measure(n: int, kind: str, args, urls: dict, pids: dict) -> dict:
    """One server's figures for N sessions, direct callers in the same window."""
    frames = int(args.duration * 1000 / loadgen.FRAME_MS)

    def relayed(i, f):
        worker = i % len(urls["relay"])  # callers spread evenly over the workers
        return loadgen.RelayCaller(
            i,
            f,
            url=urls["relay"][worker],
            origin=urls["origin"][worker],
            cookie=urls["cookie"],
        )

    worker = ProcessMeter(*pids["worker"])
    await warm_up(relayed)
    await asyncio.sleep(SETTLE_S)
    rss_idle = worker.rss_bytes()

    direct_n = max(1, round(n * args.direct_share))
    relay_callers = [relayed(i, frames) for i in range(n)]
    direct_callers = [
        loadgen.DirectCaller(n + i, frames, url=urls["direct"]) for i in range(direct_n)
    ]
    everyone = interleave(relay_callers, direct_callers)
    own = {
        "worker": worker,
        "echo_upstream": ProcessMeter(pids["echo"]),
        "callers": ProcessMeter(os.getpid()),
    }
    machine = MachineMeter()
    await loadgen.open_all(everyone)
    rss_open = worker.rss_bytes()  # the sessions' own state, before any backlog
    for meter in [*own.values(), machine]:
        meter.start()
    sampler = asyncio.create_task(sample_forever(own.values()))
    began = time.monotonic()
    try:
        await loadgen.stream_all(everyone)
        sent_at = time.monotonic()
        # CPU until the last echo is back: a worker that fell behind is still working.
        await loadgen.drain(everyone)
        wall_s = time.monotonic() - began
        for meter in [*own.values(), machine]:
            meter.stop()
    finally:
        sampler.cancel()
        await asyncio.gather(*(c.close() for c in everyone), return_exceptions=True)
    errors = [e for c in everyone for e in c.errors]
    if errors:
        print(
            f"# {kind} N={n}: {len(errors)} caller errors: {errors[:3]}",
            file=sys.stderr,
        )

    through, floor = summary(relay_callers), summary(direct_callers)
    relayed_frames = sum(c.timings.received for c in relay_callers)
    result = {
        "server": kind,
        "sessions": n,
        "direct_callers": direct_n,
        "workers": args.workers,
        "duration_s": args.duration,
        "frames_relayed": relayed_frames,
        "frames_lost": through["lost"],
        "late_over_100ms": through["late_over_100ms"],
        "direct_late_over_100ms": floor["late_over_100ms"],
        "drain_ms": round((began + wall_s - sent_at) * 1000),
    }
    for key in ("rtt", "up", "down"):
        for pct in ("p50", "p99"):
            name = f"{key}_{pct}_ms"
            result[f"added_{name}"] = round(through[name] - floor[name], 2)
    result["relay_rtt_p99_ms"] = through["rtt_p99_ms"]
    result["direct_rtt_p99_ms"] = floor["rtt_p99_ms"]
    result["worker_cpu_us_per_frame"] = round(
        worker.cpu_used * 1e6 / max(1, relayed_frames), 1
    )
    result["worker_cpu_percent"] = round(worker.cpu_used * 100 / wall_s, 1)
    result["worker_rss_mb"] = round(worker.peak_rss / 2**20, 1)
    result["worker_rss_per_session_kb"] = round((rss_open - rss_idle) / n / 1024, 1)
    # The peak also holds frames queued while the worker was behind: it grows with load.
    result["worker_rss_peak_per_session_kb"] = round(
        (worker.peak_rss - rss_idle) / n / 1024, 1
    )
    ours = {name: m.cpu_used / wall_s for name, m in own.items()}
    result["own_cores"] = {name: round(v, 2) for name, v in ours.items()}
    result["other_work_cores"] = round(machine.busy_cores - sum(ours.values()), 2)
    result["steal_cores"] = round(machine.steal_cores, 2)
    result["load_average_1m"] = round(os.getloadavg()[0], 2)
    return result


def run_server(kind: str, n: int, args, env: dict, workdir: Path, base: dict) -> dict:
    """Fresh workers of `kind`, one measurement, workers stopped."""
    workers = start_workers(
        args.workers, env, workdir, kind=kind, upstream_url=base["direct"]
    )
    try:
        for port, process in workers:
            wait_for_port(port, process, f"{kind} worker")
        urls = {
            **base,
            "relay": [
                f"ws://127.0.0.1:{p}/ws/bots/{base['bot_id']}/session/"
                for p, _ in workers
            ],
            "origin": [f"http://127.0.0.1:{p}" for p, _ in workers],
        }
        pids = {"worker": [p.pid for _, p in workers], "echo": base["echo_pid"]}
        print(f"# {kind} N={n}: worker pids {pids['worker']}", file=sys.stderr)
        return asyncio.run(measure(n, kind, args, urls, pids))
    finally:
        stop([process for _, process in workers])


def summarise(n: int, results: list[dict], servers: list[str]) -> list[dict]:
    """Per server: each round's figures, and their ratio to the floor's of that round."""
    lines = []
    floors = [r for r in results if r["server"] == "floor"]
    for kind in servers:
        mine = [r for r in results if r["server"] == kind]
        line = {
            "summary": kind,
            "sessions": n,
            "rounds": len(mine),
            "cpu_us_per_frame": [r["worker_cpu_us_per_frame"] for r in mine],
            "rss_per_session_kb": [r["worker_rss_per_session_kb"] for r in mine],
            "added_rtt_p99_ms": [r["added_rtt_p99_ms"] for r in mine],
            "late_over_100ms": [r["late_over_100ms"] for r in mine],
            "other_work_cores": [r["other_work_cores"] for r in mine],
            "load_average_1m": [r["load_average_1m"] for r in mine],
        }
        if floors:
            for name, key in (
                ("cpu_per_frame_vs_floor", "worker_cpu_us_per_frame"),
                ("rss_per_session_vs_floor", "worker_rss_per_session_kb"),
            ):
                ratios = [
                    ratio(r[key], f[key]) for r, f in zip(mine, floors, strict=True)
                ]
                line[name] = ratios
                known = [x for x in ratios if x is not None]
                line[f"{name}_median"] = (
                    round(statistics.median(known), 2) if known else None
                )
        lines.append(line)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", default="50", help="N values, e.g. 10,50")
    parser.add_argument("--duration", type=float, default=10.0, help="s per round")
    parser.add_argument("--rounds", type=int, default=2, help="rounds per server and N")
    parser.add_argument(
        "--servers",
        default="serve,floor,uvicorn",
        help=f"comma-separated, of {', '.join(SERVERS)}",
    )
    parser.add_argument(
        "--direct-share",
        type=float,
        default=DIRECT_SHARE,
        help="direct callers per relayed caller, in the same window",
    )
    parser.add_argument("--workers", type=int, default=1, help="workers per server")
    parser.add_argument("--keep", action="store_true", help="keep the work dir, logs")
    args = parser.parse_args()
    servers = args.servers.split(",")
    if unknown := set(servers) - set(SERVERS):
        parser.error(f"unknown servers: {', '.join(sorted(unknown))}")

    workdir = Path(tempfile.mkdtemp(prefix="bench-relay-"))
    env = bench_env(workdir)
    os.environ.update(env)
    echo_port, echo = start_echo(workdir)
    bot_id, cookie = prepare_database(echo_port)
    try:
        wait_for_port(echo_port, echo, "echo upstream")
        base = {
            "direct": f"ws://127.0.0.1:{echo_port}/v1/realtime?model=gpt-realtime-mini",
            "bot_id": bot_id,
            "cookie": cookie,
            "echo_pid": echo.pid,
        }
        machine = platform.processor() or platform.machine()
        print(
            f"# {machine}, {os.cpu_count()} cores, python {platform.python_version()}, "
            f"{args.workers} worker(s) per server, work dir {workdir}",
            file=sys.stderr,
        )
        for n in (int(x) for x in args.sessions.split(",")):
            results = []
            for round_no in range(args.rounds):
                order = servers if round_no % 2 == 0 else servers[::-1]
                for kind in order:
                    result = run_server(kind, n, args, env, workdir, base)
                    result["round"] = round_no
                    results.append(result)
                    print(json.dumps(result), flush=True)
            for line in summarise(n, results, servers):
                print(json.dumps(line), flush=True)
    finally:
        stop([echo])
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
