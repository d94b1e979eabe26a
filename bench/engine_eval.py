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

Run: /work/main/.venv/bin/python bench/engine_eval.py [--voices N] [--snr-db 20]
"""

import argparse
import asyncio
import base64
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from websockets.asyncio.client import connect  # noqa: E402

from botbuilder import demo  # noqa: E402
from botbuilder.assembly import (  # noqa: E402
    BotSpec,
    Snapshot,
    SnippetSpec,
    ToolSpec,
    VoiceSpec,
    assemble,
)
from realtime.audio import array_to_pcm16  # noqa: E402
from realtime.engine.arguments import digits_in  # noqa: E402
from realtime.engine.tts import synthesize  # noqa: E402

# Caller voices (eSpeak variant, words per minute, pitch): deliberately not only the
# engine's own default voice.
CALLER_VOICES = [
    ("en-us+klatt3", 165, 50),
    ("en-us+klatt5", 145, 40),
    ("en-us+f2", 180, 60),
    ("en-us+klatt", 155, 45),
    ("en-us+klatt4", 175, 55),
]
CHUNK_MS = 20
SAMPLE_RATE_HZ = 24000
LEAD_SILENCE_S = 0.4
TAIL_SILENCE_S = 1.2
SEED = 20261121


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def demo_assembly():
    """The demo bot's session, assembled from botbuilder/demo.py without a database."""
    bot_fields = {
        k: v for k, v in demo.BOT.items() if k in BotSpec.__dataclass_fields__
    }
    voice_data = next(v for v in demo.VOICES if v["name"] == demo.BOT_VOICE)
    voice = VoiceSpec(
        **{k: v for k, v in voice_data.items() if k in VoiceSpec.__dataclass_fields__}
    )
    snippets = tuple(
        SnippetSpec(
            id=i + 1,
            **{k: v for k, v in s.items() if k in SnippetSpec.__dataclass_fields__},
        )
        for i, s in enumerate(demo.SNIPPETS)
    )
    tool_keys = (
        "name",
        "description",
        "parameters",
        "kind",
        "builtin",
        "say_while_working",
    )
    tools = tuple(
        ToolSpec(**{k: v for k, v in t.items() if k in tool_keys}) for t in demo.TOOLS
    )
    snapshot = Snapshot(
        bot=BotSpec(**bot_fields), voice=voice, snippets=snippets, tools=tools
    )
    return assemble(snapshot), snapshot


class Search:
    """The relay's side of search_knowledge, simulated with BM25 over retrieved snippets."""

    def __init__(self, snapshot: Snapshot, retrievable_ids: list[int]):
        import bm25s

        self.docs = [s for s in snapshot.snippets if s.id in retrievable_ids]
        corpus = [f"{s.title}. {s.title}. {s.content}" for s in self.docs]
        self.index = bm25s.BM25()
        self.index.index([self.tokens(text) for text in corpus], show_progress=False)

    @staticmethod
    def tokens(text: str) -> list[str]:
        """Lower-case words without stopwords, light suffix stemming (like the relay's)."""
        stop = set(
            "a an and are as at be by can could do does for from have how i in is it "
            "me my of on or our please the to was we what when where which who why "
            "will with would you your".split()
        )
        out = []
        for word in re.findall(r"[a-z0-9]+", text.lower()):
            if word in stop:
                continue
            for suffix in ("ings", "ing", "ies", "ied", "es", "ed", "s"):
                if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                    word = word[: -len(suffix)]
                    break
            out.append(word.rstrip("e") if len(word) > 3 else word)
        return out

    def __call__(self, query: str) -> dict:
        tokens = [t for t in self.tokens(query) if t in self.index.vocab_dict]
        if not tokens:
            return {"results": []}
        tokens = [tokens]
        ids, scores = self.index.retrieve(
            tokens, k=min(3, len(self.docs)), show_progress=False
        )
        return {
            "results": [
                {"title": self.docs[i].title, "content": self.docs[i].content}
                for i, score in zip(ids[0], scores[0], strict=True)
                if score > 0
            ]
        }


def tool_output(name: str, arguments: dict, search: Search) -> dict:
    if name == "search_knowledge":
        return search(str(arguments.get("query", "")))
    if name == "get_order_status":
        number = arguments.get("order_number", "")
        return {
            "order_number": number,
            "status": "shipped",
            "expected_delivery": "in two working days",
        }
    if name == "transfer_to_human":
        return {"status": "transferred"}
    return {"status": "ended"}


def caller_audio(
    text: str, voice: tuple[str, int, int], snr_db: float, rng: np.random.Generator
) -> tuple[np.ndarray, int]:
    """(int16 24 kHz audio with noise, index where the speech ends)."""
    name, rate, pitch = voice
    speech = synthesize(text, voice=name, rate_wpm=rate, pitch=pitch).astype(np.float32)
    voiced = np.nonzero(np.abs(speech) > 300)[0]
    end = int(voiced[-1]) + 1 if voiced.size else speech.size
    lead = int(LEAD_SILENCE_S * SAMPLE_RATE_HZ)
    pcm = np.concatenate(
        [np.zeros(lead), speech[:end], np.zeros(int(TAIL_SILENCE_S * SAMPLE_RATE_HZ))]
    )
    speech_rms = float(np.sqrt(np.mean(speech[:end] ** 2)))
    noise = rng.normal(0, speech_rms / 10 ** (snr_db / 20), pcm.size)
    hum = (
        0.3
        * noise.std()
        * np.sin(2 * np.pi * 50 * np.arange(pcm.size) / SAMPLE_RATE_HZ)
    )
    mixed = np.clip(pcm + noise + hum, -32768, 32767).astype(np.int16)
    return mixed, lead + end


def word_errors(ref: str, hyp: str) -> int:
    r, h = ref.split(), hyp.split()
    d = list(range(len(h) + 1))
    for i in range(1, len(r) + 1):
        prev, d[0] = d[0], i
        for j in range(1, len(h) + 1):
            cur = min(d[j] + 1, d[j - 1] + 1, prev + (r[i - 1] != h[j - 1]))
            prev, d[j] = d[j], cur
    return d[len(h)]


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
    voices,
    snr_db: float,
    session_update: dict,
    snippets: dict[str, str],
    search: Search,
) -> list[dict]:
    """Ask every question in every caller voice; print one line per utterance."""
    rng = np.random.default_rng(SEED)
    results = []
    for voice in voices:
        for question, expected in demo.EVAL_QUESTIONS:
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


def start_engine(port: int) -> subprocess.Popen:
    """`manage.py realtime_engine` on `port`, once it accepts connections."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "botbuilder.settings",
        "LOG_LEVEL": "WARNING",
    }
    command = [
        sys.executable,
        "manage.py",
        "realtime_engine",
        "--port",
        str(port),
        "--max-session-s",
        "0",
    ]
    engine = subprocess.Popen(command, cwd=ROOT, env=env)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), 0.1).close()
            break
        except OSError:
            time.sleep(0.1)
    return engine


def report(results: list[dict], voices: int, snr_db: float, silence_ms: int) -> None:
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
        f"{len(results)} utterances ({len(demo.EVAL_QUESTIONS)} questions x {voices} "
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
    parser.add_argument("--voices", type=int, default=len(CALLER_VOICES))
    parser.add_argument("--snr-db", type=float, default=20.0)
    args = parser.parse_args()
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
                CALLER_VOICES[: args.voices],
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
    report(results, args.voices, args.snr_db, silence_ms)


if __name__ == "__main__":
    main()
