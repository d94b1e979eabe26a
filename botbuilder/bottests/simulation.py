"""Simulations: a model plays the caller (a text-only Realtime session of its own) against
the bot's real session; the success criteria are judged at the end."""

import asyncio
import contextlib
from typing import Any

from botbuilder.bottests import checks
from botbuilder.bottests.driver import Attempt, settled, turn_results
from botbuilder.bottests.mocks import MockedTools
from botbuilder.bottests.prepare import PreparedBot
from botbuilder.bottests.spec import Turn
from botbuilder.bottests.transport import MemoryStore, TestTransport
from realtime import protocol
from realtime.providers import UpstreamTarget
from realtime.session.runner import SessionRunner
from realtime.upstream import UpstreamClient

END_MARK = "[END_CALL]"
CALLER_REPLY_TIMEOUT_S = 30.0
INSTRUCTIONS = (
    "You play a caller phoning a company's voice bot, to test the bot. Stay in character.\n"
    "Persona: {persona}\nGoal: {goal}\n"
    "The bot's words reach you as user messages. Answer as the caller would say it on the "
    "phone: one or two short sentences, no stage directions. When your goal is reached, or "
    f"clearly cannot be, answer only {END_MARK}."
)
OPENING = "(The call has connected and the bot is silent. Say why you are calling.)"


class SimulatedCaller:
    """The caller's model session: each bot line in, the caller's next line out."""

    def __init__(self, target: UpstreamTarget, *, persona: str, goal: str) -> None:
        self._events: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
        self._client = UpstreamClient(
            target, on_event=self._events.put, on_close=self._closed
        )
        self._instructions = INSTRUCTIONS.format(persona=persona or "-", goal=goal)

    async def _closed(self, code, reason) -> None:
        await self._events.put(None)

    async def _send(self, event: dict[str, Any]) -> None:
        if not await self._client.send({**event, "event_id": protocol.new_event_id()}):
            raise ConnectionError("the simulated caller's model closed the connection")

    async def open(self) -> None:
        await self._client.connect()
        await self._send({"type": "session.update", "session": {
            "type": "realtime", "output_modalities": ["text"],
            "instructions": self._instructions,
        }})  # fmt: skip

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self._client.close()

    async def next_line(self, bot_said: str) -> str | None:
        """The caller's answer to `bot_said`; None when the caller ends the call."""
        await self._send({"type": "conversation.item.create", "item": {
            "type": "message", "role": "user",
            "content": [{"type": "input_text", "text": bot_said or OPENING}],
        }})  # fmt: skip
        await self._send({"type": "response.create"})
        response = await asyncio.wait_for(self._response_done(), CALLER_REPLY_TIMEOUT_S)
        text = " ".join(
            part.get("text") or part.get("transcript") or ""
            for item in response.get("output") or []
            if item.get("type") == "message"
            for part in item.get("content") or []
        ).strip()
        return None if not text or END_MARK in text else text

    async def _response_done(self) -> dict[str, Any]:
        while True:
            event = await self._events.get()
            if event is None:
                raise ConnectionError(
                    "the simulated caller's model closed the connection"
                )
            if event.get("type") == "error":
                raise ConnectionError(
                    (event.get("error") or {}).get("message") or "error"
                )
            if event.get("type") == "response.done":
                return event.get("response") or {}


async def run_simulation(
    prepared: PreparedBot, *, caller_target: UpstreamTarget, persona: str, goal: str,
    max_turns: int, criteria: list[str], mocks: list, unmatched: str,
    judge: checks.Judge,
) -> Attempt:  # fmt: skip
    """One simulated call, then each criterion judged over its transcript."""
    tools = MockedTools(mocks, unmatched)
    setup = prepared.setup(tool_runner=tools)
    transport = TestTransport(setup.bytes_per_ms)
    runner = SessionRunner(setup, transport, MemoryStore())
    caller = SimulatedCaller(caller_target, persona=persona, goal=goal)
    await caller.open()
    turns: list[Turn] = []
    marks: list[int] = []
    try:
        if not await runner.start():
            return Attempt(checks.FAILED, message="the bot's session did not start")
        greets = setup.greeting_mode in ("bot_greeting", "model_first")
        await settled(runner, transport, 0, wants_reply=greets)
        bot_said = " ".join(
            e["text"] for e in transport.events
            if e["type"] == "transcript.done" and e["role"] == "assistant"
        )  # fmt: skip
        for _ in range(max_turns):
            line = await caller.next_line(bot_said)
            if line is None or transport.ended:
                break
            turns.append(Turn(say=line))
            marks.append(len(transport.events))
            await runner.on_caller_text(line)
            await settled(runner, transport, marks[-1], wants_reply=True)
            bot_said = turn_results(transport, turns, marks)[-1].reply
    finally:
        await caller.close()
        await runner.end(reason="client_ended")
    attempt = Attempt(checks.PASSED)
    for got in turn_results(transport, turns, marks):
        attempt.transcript += [{"role": "user", "text": got.say},
                               {"role": "assistant", "text": got.reply}]  # fmt: skip
        attempt.latency_ms.append(got.response_ms)
    if not turns:
        attempt.checks.append(
            checks.result("the caller spoke", checks.FAILED, "no turn")
        )
    for criterion in criteria:
        outcome, why = await judge(transcript=attempt.transcript, criterion=criterion)
        attempt.checks.append(checks.result(f"judged: {criterion}", outcome, why))
    for name in tools.unmatched_calls:
        attempt.checks.append(checks.result(
            f"mocked tools only: {name}", checks.FAILED, "no mock matched this call"))  # fmt: skip
    attempt.outcome = checks.outcome_of(attempt.checks)
    return attempt
