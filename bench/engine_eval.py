"""Evaluate the offline engine on the demo bot: typed and spoken questions in, answers out.

Runs the engine as its own process (`manage.py realtime_engine`) and asks every question
of each set (engine_eval_setup.QUESTION_SETS: tune, dev, dev2, heldout) typed and spoken
(eSpeak voices and rates, white noise and hum) over a real websocket, acting as the relay
for tool calls (search_knowledge is answered by BM25 over the bot's retrieved snippets).
Reports per set and mode:
  - answer accuracy (right snippet, tool, order number, question back or fallback);
  - wrong-answer rate (another snippet or tool: worse than "I don't know");
  - recognition word accuracy (spoken);
  - latency p50/p95: end of speech (VAD's speech_stopped) or response.create (typed) ->
    first response.output_audio.delta; tool turns include the simulated relay's round
    trip. "caller p95" adds the silence_duration_ms the VAD waits for.

Run: .venv/bin/python bench/engine_eval.py [--set heldout|dev2|dev|tune|all]
         [--mode typed|spoken|both] [--json out.json]
Tune on "tune", "dev" and "dev2"; "heldout" only measures (bench/engine_heldout.py).
"""

import argparse
import asyncio
import json
import os
import signal
import sys

import numpy as np
from engine_eval_client import converse
from engine_eval_judge import judge, summary
from engine_eval_setup import (
    QUESTION_SETS,
    Search,
    caller_audio,
    demo_assembly,
    free_port,
    start_engine,
)


async def run_set(
    url: str, name: str, modes: list[str], session_update: dict, search, snippets
) -> list[dict]:
    """Every question of set `name` in every mode; one printed line per conversation."""
    cases, seed, snr_db = QUESTION_SETS[name]
    rng = np.random.default_rng(seed)
    results = []
    for mode in modes:
        for case in cases:
            if mode == "typed":
                asked = [(case.typed, "typed", None)]
            else:
                asked = [
                    (
                        case.spoken,
                        f"{v[0]}@{v[1]}",
                        caller_audio(case.spoken, v, snr_db, rng),
                    )
                    for v in case.voices
                ]
            for question, voice, audio in asked:
                r = await converse(
                    url,
                    session_update,
                    expected=case.expected,
                    search=search,
                    question=question,
                    typed=question if audio is None else None,
                    audio=audio,
                )
                r.update(set=name, mode=mode, voice=voice, question=question)
                r["expected"] = case.expected
                r["verdict"] = judge(case.expected, r, snippets)
                results.append(r)
                mark = {"right": "ok   ", "wrong": "WRONG", "fallback": "miss "}
                got = r["calls"][0] if r["calls"] else (r["answers"] or [""])[-1][:50]
                print(
                    f"{mark[r['verdict']]} {name:7} {voice:18} {question!r:52} "
                    f"heard {r['transcript']!r} -> {got!r}",
                    flush=True,
                )
    return results


def report(results: list[dict], silence_ms: int) -> dict:
    """Print and return the figures per set and mode."""
    figures = {}
    print()
    print(
        f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the "
        f"end (other work on the box disturbs the latencies); VAD silence {silence_ms} ms"
    )
    header = "set      mode    n    answer  wrong  words  p50 ms  p95 ms  caller p95"
    print(header)
    for name in dict.fromkeys(r["set"] for r in results):
        for mode in ("typed", "spoken"):
            mine = [r for r in results if r["set"] == name and r["mode"] == mode]
            if not mine:
                continue
            s = summary(mine)
            figures[f"{name}/{mode}"] = s
            words = (
                f"{s['word_accuracy']:.3f}"
                if s["word_accuracy"] is not None
                else "  -  "
            )
            caller = (
                f"{s['caller_latency_p95_ms']:.0f}"
                if s["caller_latency_p95_ms"]
                else "-"
            )
            print(
                f"{name:8} {mode:7} {s['n']:<4} {s['answer_accuracy']:.3f}   "
                f"{s['wrong_answer_rate']:.3f}  {words}  {s['latency_p50_ms']:6.0f}  "
                f"{s['latency_p95_ms']:6.0f}  {caller}"
            )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", choices=[*QUESTION_SETS, "all"], default="heldout")
    parser.add_argument("--mode", choices=["typed", "spoken", "both"], default="both")
    parser.add_argument("--json", help="also write the figures and every answer here")
    args = parser.parse_args()
    names = list(QUESTION_SETS) if args.set == "all" else [args.set]
    modes = ["typed", "spoken"] if args.mode == "both" else [args.mode]
    assembly, snapshot = demo_assembly()
    session_update = assembly.session_update()
    snippets = {s.title: s.content for s in snapshot.snippets}
    search = Search(snapshot, assembly.report.retrievable_snippet_ids)
    port = free_port()
    url = f"ws://127.0.0.1:{port}/v1/realtime?model={assembly.session['model']}"
    engine = start_engine(port)
    # A plain `kill` of this script must not leave the engine process behind.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))

    async def run_all() -> list[dict]:
        results = []
        for name in names:
            results += await run_set(url, name, modes, session_update, search, snippets)
        return results

    try:
        results = asyncio.run(run_all())
    finally:
        engine.terminate()
        engine.wait(10)
    silence_ms = session_update["session"]["audio"]["input"]["turn_detection"][
        "silence_duration_ms"
    ]
    figures = report(results, silence_ms)
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"figures": figures, "results": results}, out, indent=1)


if __name__ == "__main__":
    main()
