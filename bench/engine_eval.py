"""Evaluate the offline engine on the demo bot: spoken questions in, answers out.

Runs the engine as its own process (`manage.py realtime_engine`), plays each demo question
(botbuilder/demo.py EVAL_QUESTIONS) synthesised with several eSpeak voices and rates, with
background noise, over a real websocket, and acts as the relay for tool calls
(search_knowledge is answered by BM25 over the bot's retrieved snippets). Prints recognition
word accuracy, answer accuracy, and latencies (p50/p95):
  - engine latency: VAD's speech_stopped -> first response.output_audio.delta
    (tool paths include the simulated relay's tool round trip);
  - caller latency: last voiced audio sent -> first audio delta, i.e. plus the
    silence_duration_ms the VAD waits before it decides the turn is over.

Run: /work/main/.venv/bin/python bench/engine_eval.py [--set eval|dev] [--voices N] [--snr-db 20]
("dev" asks other wordings in other voices: tune on it, report "eval"; see engine_eval_setup.py)
"""

import argparse
import asyncio
import base64
import json
import os
import signal
import sys
import time

import numpy as np
from engine_eval_setup import (
    CHUNK_MS,
    QUESTION_SETS,
    SAMPLE_RATE_HZ,
    Search,
    caller_audio,
    demo_assembly,
    free_port,
    start_engine,
    tool_output,
    word_errors,
)
from websockets.asyncio.client import connect

from realtime.audio import array_to_pcm16  # noqa: E402
from realtime.engine.arguments import digits_in  # noqa: E402


async def ask(
    url: str,
    session_update: dict,
    question: str,
    expected: str,
    audio: np.ndarray,
    speech_end: int,
    search: Search,
    snippets: dict[str, str],
) -> dict:
    """Play one question in real time; act as the relay; return what happened."""
    async with connect(url, max_size=None) as ws:
        await ws.send(json.dumps(session_update))
        while json.loads(await ws.recv())["type"] != "session.updated":
            pass
        result = {
            "question": question,
            "expected": expected,
            "transcript": "",
            "answer": "",
            "calls": [],
            "stopped_at": None,
            "first_audio_at": None,
        }
        chunk = SAMPLE_RATE_HZ * CHUNK_MS // 1000
        speech_end_at = None

        async def play():
            nonlocal speech_end_at
            start = time.perf_counter()
            for i in range(0, audio.size, chunk):
                if i >= speech_end and speech_end_at is None:
                    speech_end_at = time.perf_counter()
                piece = array_to_pcm16(audio[i : i + chunk])
                await ws.send(
                    json.dumps(
                        {
                            "type": "input_audio_buffer.append",
                            "audio": base64.b64encode(piece).decode(),
                        }
                    )
                )
                # real time: the caller cannot talk faster than they talk
                await asyncio.sleep(
                    max(0.0, start + (i + chunk) / SAMPLE_RATE_HZ - time.perf_counter())
                )

        player = asyncio.create_task(play())
        deadline = time.perf_counter() + 30
        while time.perf_counter() < deadline:
            msg = json.loads(await asyncio.wait_for(ws.recv(), 30))
            kind = msg["type"]
            if (
                kind == "input_audio_buffer.speech_stopped"
                and result["stopped_at"] is None
            ):
                result["stopped_at"] = time.perf_counter()
            elif kind == "conversation.item.input_audio_transcription.completed":
                result["transcript"] = msg["transcript"]
            elif (
                kind == "response.output_audio.delta"
                and result["first_audio_at"] is None
            ):
                result["first_audio_at"] = time.perf_counter()
            elif kind == "response.done":
                calls = [
                    o for o in msg["response"]["output"] if o["type"] == "function_call"
                ]
                speech = [
                    o for o in msg["response"]["output"] if o["type"] == "message"
                ]
                if speech:
                    result["answer"] = speech[0]["content"][0].get("transcript", "")
                for call in calls:
                    args = json.loads(call["arguments"])
                    result["calls"].append((call["name"], args))
                    out = tool_output(call["name"], args, search)
                    await ws.send(
                        json.dumps(
                            {
                                "type": "conversation.item.create",
                                "item": {
                                    "type": "function_call_output",
                                    "call_id": call["call_id"],
                                    "output": json.dumps(out),
                                },
                            }
                        )
                    )
                if calls and calls[0]["name"] in (
                    "search_knowledge",
                    "get_order_status",
                ):
                    await ws.send(json.dumps({"type": "response.create"}))
                    continue
                break
        await player
        result["speech_end_at"] = speech_end_at
    names = [c[0] for c in result["calls"]]
    if expected in snippets:
        result["correct"] = result["answer"].strip() == snippets[expected].strip()
    else:
        result["correct"] = bool(names) and names[0] == expected
    return result


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


async def evaluate(
    url: str,
    questions: list[tuple[str, str]],
    voices,
    seed: int,
    snr_db: float,
    session_update: dict,
    snippets: dict[str, str],
    search: Search,
) -> list[dict]:
    """Ask every question in every caller voice; print one line per utterance."""
    rng = np.random.default_rng(seed)
    results = []
    for voice in voices:
        for question, expected in questions:
            audio, speech_end = caller_audio(question, voice, snr_db, rng)
            r = await ask(
                url,
                session_update,
                question,
                expected,
                audio,
                speech_end,
                search,
                snippets,
            )
            r["voice"] = f"{voice[0]}@{voice[1]}"
            results.append(r)
            mark = "ok " if r["correct"] else "BAD"
            first = r["calls"][0][0] if r["calls"] else ""
            got = first if first and first != "search_knowledge" else r["answer"][:40]
            print(
                f"{mark} {r['voice']:18} {question!r:46} heard {r['transcript']!r} "
                f"-> {got!r}",
                flush=True,
            )
    return results


def report(
    results: list[dict], name: str, voices: int, snr_db: float, silence_ms: int
) -> None:
    errors = sum(word_errors(r["question"], r["transcript"]) for r in results)
    ref_words = sum(len(r["question"].split()) for r in results)
    timed = [r for r in results if r["first_audio_at"] and r["stopped_at"]]
    engine_ms = [(r["first_audio_at"] - r["stopped_at"]) * 1000 for r in timed]
    direct = [
        (r["first_audio_at"] - r["stopped_at"]) * 1000 for r in timed if not r["calls"]
    ]
    caller_ms = [
        (r["first_audio_at"] - r["speech_end_at"]) * 1000
        for r in timed
        if r["speech_end_at"]
    ]
    orders = [r for r in results if r["expected"] == "get_order_status"]
    right_numbers = sum(
        1
        for r in orders
        if any(c[1].get("order_number") == digits_in(r["question"]) for c in r["calls"])
    )
    print()
    print(
        f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end; "
        f"{len(results)} utterances ({len(results) // voices} {name} questions x {voices} "
        f"voices), white noise + hum at {snr_db:g} dB SNR"
    )
    print(f"recognition word accuracy: {1 - errors / ref_words:.3f}")
    print(
        "answer accuracy (right snippet or tool): "
        f"{np.mean([r['correct'] for r in results]):.3f}"
    )
    for voice in dict.fromkeys(r["voice"] for r in results):
        mine = [r["correct"] for r in results if r["voice"] == voice]
        print(f"  {voice:18} {np.mean(mine):.3f}")
    print(f"order numbers extracted right: {right_numbers}/{len(orders)}")
    print(
        "engine latency, speech_stopped -> first audio delta: "
        f"p50 {pct(engine_ms, 50):.0f} ms, p95 {pct(engine_ms, 95):.0f} ms (all turns; "
        "tool turns include the simulated relay's round trip)"
    )
    print(
        f"  answered without a tool: p50 {pct(direct, 50):.0f} ms, "
        f"p95 {pct(direct, 95):.0f} ms"
    )
    print(
        f"caller latency, end of speech -> first audio delta (incl. {silence_ms} ms VAD "
        f"silence): p50 {pct(caller_ms, 50):.0f} ms, p95 {pct(caller_ms, 95):.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", choices=sorted(QUESTION_SETS), default="eval")
    parser.add_argument("--voices", type=int, default=0, help="first N voices (0: all)")
    parser.add_argument("--snr-db", type=float, default=20.0)
    args = parser.parse_args()
    questions, voices, seed = QUESTION_SETS[args.set]
    voices = voices[: args.voices or len(voices)]
    assembly, snapshot = demo_assembly()
    session_update = assembly.session_update()
    snippets = {s.title: s.content for s in snapshot.snippets}
    search = Search(snapshot, assembly.report.retrievable_snippet_ids)
    port = free_port()
    url = f"ws://127.0.0.1:{port}/v1/realtime?model={assembly.session['model']}"
    engine = start_engine(port)
    # A plain `kill` of this script must not leave the engine process behind.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    try:
        results = asyncio.run(
            evaluate(
                url,
                questions,
                voices,
                seed,
                args.snr_db,
                session_update,
                snippets,
                search,
            )
        )
    finally:
        engine.terminate()
        engine.wait(10)
    silence_ms = session_update["session"]["audio"]["input"]["turn_detection"][
        "silence_duration_ms"
    ]
    report(results, args.set, len(voices), args.snr_db, silence_ms)


if __name__ == "__main__":
    main()
