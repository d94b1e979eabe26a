"""What the relay's append size adds to a turn: end of speech -> first audio, through the
product to the offline engine.

Starts the offline engine (`manage.py realtime_engine`) and, for each `RELAY_APPEND_MS`
value in turn (A B A B ...), a fresh product worker (`python -m botbuilder.serve`) with
that setting; seeds the demo bots into a throw-away SQLite database. Each turn is one
preview session of the demo bot: after the greeting has played, a caller speaks one of
the demo's questions (eSpeak, 24 kHz PCM16, 20 ms frames in real time, then silence) and
the time from its last voiced frame to the first audio frame of the answer is taken. That
includes the VAD's silence window (the bot's `silence_duration_ms`) and the engine's
work, the same for every setting: the difference between the settings is what the
append size adds.

    .venv/bin/python -m bench.turn_latency [--append-ms 20,40] [--rounds 3]
"""

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from websockets.asyncio.client import connect

from bench.relay_servers import (
    ROOT,
    bench_env,
    free_port,
    server_command,
    stop,
    wait_for_port,
)

FRAME_SAMPLES = 480  # 20 ms at 24 kHz
FRAME_S = 0.02
GREETING_QUIET_S = 1.2  # the greeting is over when no audio came for this long
TAIL_SILENCE_S = 2.0  # silence streamed after the question (the VAD needs it)
ANSWER_TIMEOUT_S = 15.0
QUESTIONS = [
    "what are your opening hours",
    "how much does shipping cost",
    "can i get a refund",
    "which payment methods do you accept",
]


def prepare() -> tuple[int, str]:
    """Migrate, seed the demo, log a superuser in: (demo bot id, session cookie)."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from botbuilder.demo import DEMO_BOT_SLUG
    from botbuilder.models import Bot

    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    user = get_user_model().objects.create_superuser("bench", "bench@example.com", "pw")
    client = Client()
    client.force_login(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies['sessionid'].value}"
    return Bot.objects.get(slug=DEMO_BOT_SLUG).pk, cookie


def speech(text: str) -> bytes:
    from realtime.engine.tts import synthesize

    samples = np.asarray(synthesize(text, voice="en-us+klatt3", rate_wpm=165), np.int16)
    voiced = np.flatnonzero(np.abs(samples) > 300)
    samples = samples[: voiced[-1] + 1] if voiced.size else samples
    pad = (-len(samples)) % FRAME_SAMPLES
    return np.concatenate([samples, np.zeros(pad, np.int16)]).tobytes()


async def one_turn(port: int, bot_id: int, cookie: str, audio: bytes) -> float:
    """Seconds from the last voiced frame sent to the first audio frame back."""
    async with connect(
        f"ws://127.0.0.1:{port}/ws/bots/{bot_id}/session/",
        origin=f"http://127.0.0.1:{port}",
        additional_headers={"Cookie": cookie},
    ) as ws:
        await ws.send(json.dumps({"type": "session.start"}))
        last_audio = time.monotonic()
        started = False
        while True:  # the greeting plays; wait for it to end
            try:
                message = await asyncio.wait_for(ws.recv(), GREETING_QUIET_S)
            except TimeoutError:
                if started:
                    break
                continue
            if isinstance(message, bytes):
                last_audio = time.monotonic()
            elif json.loads(message)["type"] == "session.started":
                started = True
            if started and time.monotonic() - last_audio > GREETING_QUIET_S:
                break
        frame_bytes = FRAME_SAMPLES * 2
        silence = bytes(frame_bytes)
        frames = [audio[i : i + frame_bytes] for i in range(0, len(audio), frame_bytes)]
        frames += [silence] * int(TAIL_SILENCE_S / FRAME_S)
        first_back: list[float] = []

        async def listen() -> None:
            async for message in ws:
                if isinstance(message, bytes) and not first_back:
                    first_back.append(time.monotonic())
                    return

        listener = asyncio.create_task(listen())
        loop = asyncio.get_running_loop()
        start = loop.time()
        voiced_count = len(frames) - int(TAIL_SILENCE_S / FRAME_S)
        last_voiced = 0.0
        for i, frame in enumerate(frames):
            delay = start + i * FRAME_S - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            await ws.send(frame)
            if i == voiced_count - 1:
                last_voiced = time.monotonic()
        await asyncio.wait_for(listener, ANSWER_TIMEOUT_S)
        return first_back[0] - last_voiced


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--append-ms", default="20,40")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    settings_ms = [int(x) for x in args.append_ms.split(",")]
    workdir = Path(tempfile.mkdtemp(prefix="bench-turn-"))
    engine_port = free_port()
    env = {**bench_env(workdir), "OFFLINE_ENGINE_PORT": str(engine_port)}
    env.pop("OPENAI_API_KEY", None)
    os.environ.update(env)
    bot_id, cookie = prepare()
    engine = subprocess.Popen(
        [sys.executable, "manage.py", "realtime_engine", "--port", str(engine_port)],
        cwd=ROOT,
        env=env,
        stdout=(workdir / "engine.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    audio = {q: speech(q) for q in QUESTIONS}
    figures: dict[int, list[float]] = {ms: [] for ms in settings_ms}
    try:
        wait_for_port(engine_port, engine, "offline engine")
        for round_no in range(args.rounds):
            order = settings_ms if round_no % 2 == 0 else settings_ms[::-1]
            for ms in order:
                port = free_port()
                worker = subprocess.Popen(
                    server_command("serve", port, ""),
                    cwd=ROOT,
                    env={**env, "RELAY_APPEND_MS": str(ms)},
                    stdout=(workdir / f"serve-{ms}.log").open("ab"),
                    stderr=subprocess.STDOUT,
                )
                try:
                    wait_for_port(port, worker, "worker")
                    for question in QUESTIONS:
                        seconds = asyncio.run(
                            one_turn(port, bot_id, cookie, audio[question])
                        )
                        figures[ms].append(seconds * 1000)
                        print(
                            json.dumps(
                                {
                                    "round": round_no,
                                    "append_ms": ms,
                                    "question": question,
                                    "speech_end_to_audio_ms": round(seconds * 1000, 1),
                                    "load_average_1m": os.getloadavg()[0],
                                }
                            ),
                            flush=True,
                        )
                finally:
                    stop([worker])
        base = statistics.median(figures[settings_ms[0]])
        for ms, values in figures.items():
            median = statistics.median(values)
            print(
                json.dumps(
                    {
                        "append_ms": ms,
                        "turns": len(values),
                        "median_ms": round(median, 1),
                        "p90_ms": round(float(np.percentile(values, 90)), 1),
                        "median_vs_first_setting_ms": round(median - base, 1),
                    }
                ),
                flush=True,
            )
    finally:
        stop([engine])
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
