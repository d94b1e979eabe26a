"""Stall benchmark: does a big session start pause the other live sessions on a worker?

One caller streams 20 ms frames through the relay (one `python -m botbuilder.serve`
worker, the echo upstream, as in bench/relay.py) for the whole run. Each trial then starts
a second session, of a bot with `--snippets` knowledge snippets (its own set per trial, so
no cached index helps), and measures the largest gap between the streaming caller's echoed
frames from the start's connect to its `session.started` (the "start window"), and in an
equally long window just before it with nothing else happening (the "quiet window").
Prints one JSON line per trial and a summary line:

  start_window_ms           connect → session.started of the big session
  largest_gap_start_ms      largest gap between echoed frames in the start window
  largest_gap_quiet_ms      the same in the quiet window before it
  gap_ratio                 start ÷ quiet (1.0: the start is not felt)
  late_over_100ms_start     streamed frames whose round trip took > 100 ms, start window

The issue's target (issue 13, defect 6): largest gap < 50 ms at 10,000 snippets.
Run from the project root: `python -m bench.session_start_stall [--trials 5]
[--snippets 10000] [--switch-interval-ms 1]` (the last: the worker's GIL switch interval,
an experiment; Python's default is 5 ms).
"""

import argparse
import asyncio
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from websockets.asyncio.client import connect

from bench import loadgen
from bench import relay_servers as relay
from bench.knowledge_search import SEED, make_snippets

# Between trials: the previous big session ends and the stream settles again.
SETTLE_S = 3.0
# Never measure a quiet window shorter than this (a start answered in 50 ms still gets
# a window of several frames to compare with).
MIN_WINDOW_S = 0.5
STREAM_LIMIT_S = 600.0  # the streaming caller's frames are allotted for this long


class TimedCaller(loadgen.RelayCaller):
    """A relay caller that also keeps the arrival time of each echoed frame."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.arrivals_ns: list[int] = []
        self.rtt_at_ns: list[tuple[int, int]] = []  # (arrival, round trip) per frame

    def on_frame(self, frame: bytes, now_ns: int) -> None:
        received = self.timings.received
        super().on_frame(frame, now_ns)
        if self.timings.received > received:
            self.arrivals_ns.append(now_ns)
            seq = loadgen.frame_tag(frame)[1]
            self.rtt_at_ns.append((now_ns, now_ns - self.sent_ns[seq]))


def largest_gap_ms(arrivals_ns: list[int], start_ns: int, end_ns: int) -> float:
    """The largest interval between consecutive arrivals that overlaps [start, end].

    The gap that spans the window's start or end counts too: a stall that began just
    before the window is still felt inside it.
    """
    largest = 0
    for before, after in zip(arrivals_ns, arrivals_ns[1:], strict=False):
        if after >= start_ns and before <= end_ns:
            largest = max(largest, after - before)
    return round(largest / 1e6, 2)


def add_big_bots(base_bot_id: int, trials: int, snippets: int) -> list[int]:
    """One bot per trial, each with its own `snippets` retrieved snippets; their ids."""
    from botbuilder.models import Bot, KnowledgeSnippet

    through = Bot.knowledge.through
    ids = []
    for trial in range(trials):
        bot = Bot.objects.get(pk=base_bot_id)
        bot.pk = None
        bot.id = None
        bot.name, bot.slug = f"Big bot {trial}", f"big-bot-{trial}"
        bot.save()
        specs = make_snippets(snippets, random.Random(SEED + trial))
        rows = KnowledgeSnippet.objects.bulk_create(
            KnowledgeSnippet(title=s.title, content=s.content, mode="retrieved")
            for s in specs
        )
        through.objects.bulk_create(
            through(bot_id=bot.pk, knowledgesnippet_id=row.pk) for row in rows
        )
        ids.append(bot.pk)
    return ids


async def start_big_session(url: str, origin: str, cookie: str) -> tuple[int, int]:
    """Connect, session.start, wait for session.started, end; (connect ns, started ns)."""
    began = time.monotonic_ns()
    async with connect(
        url,
        origin=origin,
        additional_headers={"Cookie": cookie},
        compression=None,
        open_timeout=loadgen.CONNECT_TIMEOUT_S,
        max_size=None,
    ) as ws:
        await ws.send(json.dumps({"type": "session.start"}))
        while True:
            # Undecoded: the announce of a big bot is large; only its type matters here.
            message = await asyncio.wait_for(
                ws.recv(decode=False), loadgen.CONNECT_TIMEOUT_S
            )
            if isinstance(message, bytes) and message.startswith(b"{"):
                kind = json.loads(message)["type"]
                if kind == "session.started":
                    started = time.monotonic_ns()
                    break
                if kind in ("error", "session.ended"):
                    raise RuntimeError(f"big session did not start: {message[:300]!r}")
        await ws.send(json.dumps({"type": "session.end"}))
    return began, started


async def run_trials(args, urls: dict, big_bot_ids: list[int]) -> list[dict]:
    frames = int(STREAM_LIMIT_S * 1000 / loadgen.FRAME_MS)
    streamer = TimedCaller(
        0, frames, url=urls["stream"], origin=urls["origin"], cookie=urls["cookie"]
    )
    await streamer.open()
    stream = asyncio.create_task(streamer.stream(asyncio.get_running_loop().time()))
    results = []
    window_ns = 0
    try:
        for trial, bot_id in enumerate(big_bot_ids):
            # The quiet window (as long as the last start window) must not reach back
            # into the previous trial's session.
            await asyncio.sleep(SETTLE_S + window_ns / 1e9)
            url = urls["big"].format(bot_id=bot_id)
            began, started = await start_big_session(
                url, urls["origin"], urls["cookie"]
            )
            window_ns = max(started - began, int(MIN_WINDOW_S * 1e9))
            # Let frames of the window's end arrive before reading the arrivals.
            await asyncio.sleep(0.5)
            arrivals = list(streamer.arrivals_ns)
            start_gap = largest_gap_ms(arrivals, began, began + window_ns)
            quiet_gap = largest_gap_ms(arrivals, began - window_ns, began)
            late = sum(
                1
                for at, rtt in streamer.rtt_at_ns
                if began <= at <= began + window_ns and rtt > 100_000_000
            )
            results.append(
                {
                    "trial": trial,
                    "switch_interval_ms": args.switch_interval_ms,
                    "snippets": args.snippets,
                    "start_window_ms": round((started - began) / 1e6, 1),
                    "window_ms": round(window_ns / 1e6, 1),
                    "largest_gap_start_ms": start_gap,
                    "largest_gap_quiet_ms": quiet_gap,
                    "gap_ratio": round(start_gap / quiet_gap, 2) if quiet_gap else None,
                    "late_over_100ms_start": late,
                    "load_average_1m": round(os.getloadavg()[0], 2),
                }
            )
            print(json.dumps(results[-1]), flush=True)
    finally:
        stream.cancel()
        await streamer.close()
    if streamer.errors:
        print(f"# streaming caller errors: {streamer.errors[:3]}", file=sys.stderr)
    return results


def median(values: list[float]) -> float:
    return round(statistics.median(values), 2)


def summarise(results: list[dict]) -> dict:
    starts = [r["largest_gap_start_ms"] for r in results]
    quiets = [r["largest_gap_quiet_ms"] for r in results]
    ratios = [r["gap_ratio"] for r in results if r["gap_ratio"] is not None]
    return {
        "summary": "session_start_stall",
        "trials": len(results),
        "largest_gap_start_ms": {
            "median": statistics.median(starts),
            "max": max(starts),
        },
        "largest_gap_quiet_ms": {
            "median": statistics.median(quiets),
            "max": max(quiets),
        },
        "gap_ratio_median": statistics.median(ratios) if ratios else None,
        "start_window_ms_median": median([r["start_window_ms"] for r in results]),
        "trials_under_50ms": sum(1 for s in starts if s < 50),
        "target_largest_gap_ms": 50,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=5)
    parser.add_argument("--snippets", type=int, default=10_000)
    parser.add_argument(
        "--switch-interval-ms",
        type=float,
        help="the worker's sys.setswitchinterval (Python's default: 5 ms)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the work dir")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-stall-"))
    env = relay.bench_env(workdir)
    os.environ.update(env)
    echo_port = relay.free_port()
    echo = subprocess.Popen(
        [sys.executable, "-m", "bench.echo_upstream", "--port", str(echo_port)],
        cwd=relay.ROOT,
        stdout=(workdir / "echo.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    bot_id, cookie = relay.prepare_database(echo_port)
    big_bot_ids = add_big_bots(bot_id, args.trials, args.snippets)
    interval = args.switch_interval_ms
    [(port, worker)] = relay.start_workers(
        1, env, workdir, switch_interval_s=None if interval is None else interval / 1000
    )
    try:
        relay.wait_for_port(echo_port, echo, "echo upstream")
        relay.wait_for_port(port, worker, "daphne worker")
        base = f"ws://127.0.0.1:{port}/ws/bots"
        urls = {
            "stream": f"{base}/{bot_id}/session/",
            "big": base + "/{bot_id}/session/",
            "origin": f"http://127.0.0.1:{port}",
            "cookie": cookie,
        }
        print(
            f"# work dir {workdir}, code at {relay.ROOT}, worker pid {worker.pid}",
            file=sys.stderr,
        )
        results = asyncio.run(run_trials(args, urls, big_bot_ids))
        print(json.dumps(summarise(results)), flush=True)
    finally:
        for process in (echo, worker):
            process.terminate()
            process.wait(timeout=10)
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
