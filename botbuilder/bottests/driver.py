"""One attempt of a scripted test: caller turns through the real SessionRunner.

Text mode types each turn (`on_caller_text`); audio mode speaks it in the offline voice and
streams it in 20 ms frames at real-time speed (`on_caller_audio`), as the browser does.
"""

import asyncio
import time
from dataclasses import dataclass, field

import numpy as np

from botbuilder.bottests import checks
from botbuilder.bottests.mocks import MockedTools
from botbuilder.bottests.prepare import PreparedBot
from botbuilder.bottests.spec import Turn
from botbuilder.bottests.transport import MemoryStore, TestTransport
from realtime.session.runner import SessionRunner

QUIET_S = (
    0.4  # no event for this long (and nothing pending): the bot has finished its turn
)
TURN_TIMEOUT_S = 30.0
FRAME_MS = 20  # the browser's frame size
SPEECH_LEAD_S, SPEECH_TAIL_S = (
    0.3,
    1.2,
)  # silence around a spoken turn (the VAD ends it)
SAMPLE_RATE_HZ = 24_000


@dataclass
class Attempt:
    outcome: str
    checks: list[dict[str, str]] = field(default_factory=list)
    transcript: list[dict[str, str]] = field(default_factory=list)
    latency_ms: list[int | None] = field(default_factory=list)
    message: str = ""


async def run_attempt(
    prepared: PreparedBot, turns: list[Turn], *, mocks: list, unmatched: str,
    judge: checks.Judge, mode: str = "text",
) -> Attempt:  # fmt: skip
    """Play `turns` to the bot once and check every turn."""
    tools = MockedTools(mocks, unmatched)
    setup = prepared.setup(tool_runner=tools)
    transport = TestTransport(setup.bytes_per_ms)
    runner = SessionRunner(setup, transport, MemoryStore())
    transport.on_flush = lambda item, ms: runner.tasks.spawn(
        runner.on_playback(item, ms), name="test-playback"
    )
    if not await runner.start():
        return Attempt("error", message=_ended_why(transport))
    try:
        marks = await _play(runner, transport, turns, mode)
    finally:
        await runner.end(reason="client_ended")
    results = turn_results(transport, turns, marks)
    return await _check(results, turns, tools, judge, transport, mode)


async def _play(runner, transport, turns, mode) -> list[int]:
    """Each turn's start index in the transport's events."""
    greets = runner.setup.greeting_mode in ("bot_greeting", "model_first")
    spoken = mode == "audio"
    await settled(runner, transport, 0, wants_reply=greets, hear_out=spoken)
    marks = []
    for n, turn in enumerate(turns):
        if transport.ended:
            break
        marks.append(len(transport.events))
        if mode == "audio":
            await _speak(runner, turn.say)
        else:
            await runner.on_caller_text(turn.say)
        following = turns[n + 1] if n + 1 < len(turns) else None
        if mode == "audio" and following and following.barge_in_ms is not None:
            await _into_reply(transport, marks[-1], following.barge_in_ms)
        else:
            await settled(
                runner, transport, marks[-1], wants_reply=True, hear_out=spoken
            )
    return marks


async def settled(
    runner, transport, since: int, *, wants_reply: bool, hear_out: bool = False
) -> None:
    """Wait until the bot has replied, its tool calls are answered and all is quiet
    (`hear_out`: and its audio has played, as a caller on the phone hears it)."""
    deadline = time.monotonic() + TURN_TIMEOUT_S
    while time.monotonic() < deadline and not transport.ended:
        await asyncio.sleep(0.02)
        new = transport.events[since:]
        replied = any(
            e["type"] == "transcript.done" and e["role"] == "assistant" for e in new
        )
        calls = {e["call_id"] for e in new if e["type"] == "tool.call"}
        answered = {e["call_id"] for e in new if e["type"] == "tool.result"}
        quiet = not transport.times or time.monotonic() - transport.times[-1] > QUIET_S
        busy = calls - answered or runner.tools.batch_pending()
        busy = busy or (hear_out and transport.playing())
        if (replied or not wants_reply) and quiet and not busy:
            return


async def _into_reply(transport: TestTransport, since: int, barge_in_ms: int) -> None:
    """Wait until the bot's reply has played for `barge_in_ms`."""
    started = await transport.first("response.audio.started", since, TURN_TIMEOUT_S)
    if started is None:
        return
    # response.audio.started precedes the item's first audio bytes by a moment.
    began = transport.audio_started_at(started["item_id"]) or time.monotonic()
    await asyncio.sleep(max(0.0, began + barge_in_ms / 1000 - time.monotonic()))


def spoken_pcm(text: str) -> bytes:
    """The turn in the offline voice, with silence around it: PCM16 24 kHz."""
    from realtime.engine.tts import synthesize  # eSpeak: loaded only for audio runs

    speech = synthesize(text)
    lead = np.zeros(int(SPEECH_LEAD_S * SAMPLE_RATE_HZ), np.int16)
    tail = np.zeros(int(SPEECH_TAIL_S * SAMPLE_RATE_HZ), np.int16)
    return np.concatenate([lead, speech, tail]).astype("<i2").tobytes()


async def _speak(runner: SessionRunner, text: str) -> None:
    pcm = await asyncio.to_thread(spoken_pcm, text)
    frame = FRAME_MS * runner.setup.bytes_per_ms
    began = time.monotonic()
    for n, start in enumerate(range(0, len(pcm), frame)):
        await runner.on_caller_audio(pcm[start : start + frame])
        await asyncio.sleep(
            max(0.0, began + (n + 1) * FRAME_MS / 1000 - time.monotonic())
        )


def turn_results(transport, turns, marks) -> list[checks.TurnResult]:
    """Events between one turn's start and the next's, attributed to that turn."""
    events = transport.events
    bounds = [*marks, len(events)]
    owner: dict[str, int] = {}  # assistant item id → the turn it answered
    for n in range(len(marks)):
        for e in events[bounds[n] : bounds[n + 1]]:
            if e.get("role") == "assistant" or e["type"] == "response.audio.started":
                owner.setdefault(e["item_id"], n)
    texts = {
        e["item_id"]: e["text"]
        for e in events
        if e["type"] == "transcript.done" and e["role"] == "assistant"
    }
    truncated = {e["item_id"]: e for e in events if e["type"] == "item.truncated"}
    results = []
    for n in range(len(marks)):
        window = events[bounds[n] : bounds[n + 1]]
        items = [i for i, t in owner.items() if t == n]
        result = checks.TurnResult(say=turns[n].say)
        result.reply = " ".join(texts.get(i, "") for i in items).strip()
        result.heard = " ".join(
            e["text"] for e in window
            if e["type"] == "transcript.done" and e["role"] == "user" and e["item_id"]
        )  # fmt: skip
        result.tool_calls = [
            {"name": e["name"], "arguments": e["arguments"]}
            for e in window if e["type"] == "tool.call"
        ]  # fmt: skip
        latency = [e["response_ms"] for e in window if e["type"] == "turn.latency"]
        result.response_ms = latency[0] if latency else None
        if n > 0:
            previous = [
                truncated[i] for i, t in owner.items() if t == n - 1 and i in truncated
            ]
            if previous:
                result.interrupted_at_ms = previous[0]["audio_end_ms"]
        results.append(result)
    return results


async def _check(results, turns, tools, judge, transport, mode) -> Attempt:
    attempt = Attempt(checks.PASSED)
    for n, turn in enumerate(turns):
        if n >= len(results):
            if turn.checked:
                attempt.checks.append(checks.result(
                    f"turn {n + 1}", checks.FAILED, _ended_why(transport)))  # fmt: skip
            continue
        got = results[n]
        attempt.transcript += [
            {
                "role": "user",
                "text": got.heard if mode == "audio" and got.heard else got.say,
            },
            {"role": "assistant", "text": got.reply},
        ]
        attempt.latency_ms.append(got.response_ms)
        if not turn.checked:
            continue
        found = await checks.evaluate(turn.checks, got, judge, attempt.transcript)
        found += checks.timing_checks(
            got, latency_budget_ms=turn.latency_budget_ms,
            barge_in_ms=turn.barge_in_ms, audio=mode == "audio",
            speech_lead_ms=int(SPEECH_LEAD_S * 1000),
        )  # fmt: skip
        for item in found:
            item["turn"] = n + 1
        attempt.checks += found
    for name in tools.unmatched_calls:
        attempt.checks.append(checks.result(
            f"mocked tools only: {name}", checks.FAILED, "no mock matched this call"))  # fmt: skip
    attempt.outcome = checks.outcome_of(attempt.checks)
    return attempt


def _ended_why(transport: TestTransport) -> str:
    errors = [e["reason"] for e in transport.events if e["type"] == "error"]
    ended = transport.ended
    why = (
        f"the session ended ({ended['reason']})"
        if ended
        else "the session did not start"
    )
    return why + (f": {errors[-1]}" if errors else "")
