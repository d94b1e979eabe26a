"""The caller and relay side of bench/engine_eval.py: one conversation per question.

A conversation starts with the caller's question, spoken (real-time audio over the
websocket, server VAD) or typed (a user text item and `response.create`). The client
then acts as the relay: it answers tool calls (engine_eval_setup.tool_output) and, when
the engine asks "Did you say ...?", replies "yes" or "no" in text, once.
"""

import asyncio
import base64
import json
import re
import time

import numpy as np
from engine_eval_setup import CHUNK_MS, SAMPLE_RATE_HZ, Search, tool_output
from websockets.asyncio.client import connect

from realtime.audio import array_to_pcm16
from realtime.engine.arguments import digits_in

REPLY_TIMEOUT_S = 30.0
CONFIRM_RE = re.compile(r"^did you say\b", re.IGNORECASE)
# Tools whose output the relay answers with a new response (the others end the turn).
FOLLOWED_TOOLS = ("search_knowledge", "get_order_status")


async def _send(ws, type_: str, **fields) -> None:
    await ws.send(json.dumps({"type": type_, **fields}))


async def _user_text(ws, text: str) -> None:
    await _send(
        ws,
        "conversation.item.create",
        item={
            "type": "message",
            "role": "user",
            "content": [{"type": "input_text", "text": text}],
        },
    )
    await _send(ws, "response.create")


async def _play(ws, audio: np.ndarray, speech_end: int, marks: dict) -> None:
    """Stream `audio` in real time; note when the voiced part ended."""
    chunk = SAMPLE_RATE_HZ * CHUNK_MS // 1000
    start = time.perf_counter()
    for i in range(0, audio.size, chunk):
        if i >= speech_end and "speech_end_at" not in marks:
            marks["speech_end_at"] = time.perf_counter()
        piece = array_to_pcm16(audio[i : i + chunk])
        await _send(
            ws, "input_audio_buffer.append", audio=base64.b64encode(piece).decode()
        )
        # real time: the caller cannot talk faster than they talk
        await asyncio.sleep(
            max(0.0, start + (i + chunk) / SAMPLE_RATE_HZ - time.perf_counter())
        )


async def converse(
    url: str,
    session_update: dict,
    *,
    expected: str,
    search: Search,
    question: str,
    typed: str | None = None,
    audio: tuple[np.ndarray, int] | None = None,
) -> dict:
    """One question, typed or spoken, to the end of the engine's answer."""
    result = {
        "question": question,
        "transcript": typed or "",
        "answers": [],
        "calls": [],
        "confirmed": None,
    }
    marks: dict[str, float] = {}
    async with connect(url, max_size=None) as ws:
        await _send(ws, "session.update", session=session_update["session"])
        while json.loads(await ws.recv())["type"] != "session.updated":
            pass
        player = None
        if typed is not None:
            marks["asked_at"] = time.perf_counter()
            await _user_text(ws, typed)
        else:
            player = asyncio.create_task(_play(ws, *audio, marks))
        deadline = time.perf_counter() + REPLY_TIMEOUT_S
        while time.perf_counter() < deadline:
            msg = json.loads(await asyncio.wait_for(ws.recv(), REPLY_TIMEOUT_S))
            kind = msg["type"]
            if kind == "input_audio_buffer.speech_stopped":
                marks.setdefault("asked_at", time.perf_counter())
            elif kind == "conversation.item.input_audio_transcription.completed":
                result["transcript"] = result["transcript"] or msg["transcript"]
            elif kind == "response.output_audio.delta":
                marks.setdefault("first_audio_at", time.perf_counter())
            elif kind == "response.done":
                if not await _relay(ws, msg["response"], result, expected, search):
                    break
        if player is not None:
            await player
    if "first_audio_at" in marks and "asked_at" in marks:
        result["latency_ms"] = (marks["first_audio_at"] - marks["asked_at"]) * 1000
        if "speech_end_at" in marks:
            result["caller_latency_ms"] = (
                marks["first_audio_at"] - marks["speech_end_at"]
            ) * 1000
    return result


async def _relay(ws, response: dict, result: dict, expected: str, search) -> bool:
    """Act on one finished response; True when the conversation goes on."""
    output = response["output"]
    calls = [o for o in output if o["type"] == "function_call"]
    for message in (o for o in output if o["type"] == "message"):
        part = (message.get("content") or [{}])[0]
        result["answers"].append(part.get("transcript") or part.get("text") or "")
    for call in calls:
        args = json.loads(call["arguments"])
        result["calls"].append((call["name"], args))
        out = tool_output(call["name"], args, search)
        await _send(
            ws,
            "conversation.item.create",
            item={
                "type": "function_call_output",
                "call_id": call["call_id"],
                "output": json.dumps(out),
            },
        )
    if calls and calls[0]["name"] in FOLLOWED_TOOLS:
        await _send(ws, "response.create")
        return True
    last = result["answers"][-1] if result["answers"] else ""
    if not calls and CONFIRM_RE.match(last) and result["confirmed"] is None:
        wanted = expected.partition(":")[2] or digits_in(result["question"])
        result["confirmed"] = bool(wanted) and digits_in(last) == wanted
        await _user_text(ws, "yes" if result["confirmed"] else "no")
        return True
    return False
