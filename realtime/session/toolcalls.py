"""Tool calls: run each completed function call on the server, then answer the model once.

Calls start as soon as their arguments are complete (while the response may still be
running) and run concurrently (parallel calls of one response). When the response that
contained them is done and every call has finished, all `function_call_output` items are
sent, then ONE `response.create` (protocol reference §4). A slow tool holds nothing: the
caller may speak meanwhile and the output is delivered when ready. A built-in's action
(`end_session`, `transfer_call`) makes that response the closing line.
"""

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from botbuilder.tools import ToolContext, ToolOutcome, run_tool
from realtime import protocol
from realtime.session.config import SessionSetup
from realtime.session.link import UpstreamLink
from realtime.session.outbox import CallerOutbox
from realtime.session.responder import Responder
from realtime.session.timers import TaskGroup, Timer
from realtime.session.transcript import Transcript
from realtime.session.turns import ToolTurn

logger = logging.getLogger(__name__)

# Speak the tool's "say while working" line if it has not finished after this long.
SAY_WHILE_WORKING_AFTER_S = 0.8
SESSION_ACTIONS = {"end_session": "end_session_tool", "transfer_call": "transferred"}
# (end reason, closing line or "" to let the model say goodbye)
ActionHandler = Callable[[str, str], Awaitable[None]]


class ToolCalls:
    def __init__(
        self,
        setup: SessionSetup,
        transcript: Transcript,
        outbox: CallerOutbox,
        link: UpstreamLink,
        responder: Responder,
        tasks: TaskGroup,
        now_ms: Callable[[], int],
        *,
        on_action: ActionHandler,
    ) -> None:
        self._transcript, self._outbox, self._link = transcript, outbox, link
        self._responder, self._tasks, self._now_ms = responder, tasks, now_ms
        self._on_action = on_action
        self._by_name = {t.name: t for t in setup.tools}
        self._run_tool = setup.tool_runner or run_tool  # bottests: tool mocks
        self.context = ToolContext(
            session_id=setup.session_id,
            bot_id=setup.bot_id,
            variables=dict(setup.variables),
            knowledge=setup.knowledge,
        )
        self._responses_done: set[str] = set()
        self._answered: set[str] = set()  # responses whose outputs went to the model

    def note_keypad(self, last: str, digits: str) -> None:
        """Keypad digits of a phone call, for tool templates: {{dtmf_last}}, {{dtmf_digits}}."""
        self.context.variables["dtmf_last"] = last
        self.context.variables["dtmf_digits"] = digits

    def batch_pending(self) -> bool:
        """Some response's tool calls still wait to be run or answered."""
        return any(
            t.response_id not in self._answered
            for t in self._transcript.conversation.tool_turns()
        )

    def abandon_unanswered(self) -> None:
        """A new connection: calls of the old one cannot be answered there."""
        self._answered.update(
            t.response_id for t in self._transcript.conversation.tool_turns()
        )

    async def start_item(self, item: dict[str, Any], response_id: str) -> None:
        """Start the call of a finished `function_call` output item."""
        turn = self._transcript.conversation.tool(
            item.get("id") or "",
            item.get("call_id") or "",
            item.get("name") or "",
            response_id,
        )
        turn.arguments = turn.arguments or item.get("arguments") or ""
        await self.start(turn)

    async def start(self, turn: ToolTurn) -> None:
        if turn.started or not turn.call_id:
            return
        turn.started = True
        turn.started_ms = self._now_ms()
        await self._outbox.event(
            {
                "type": "tool.call",
                "call_id": turn.call_id,
                "name": turn.name,
                "arguments": turn.parsed_arguments(),
            }
        )
        self._tasks.spawn(self._run(turn), name=f"tool-{turn.name}")

    async def _run(self, turn: ToolTurn) -> None:
        spec = self._by_name.get(turn.name)
        say_timer = None
        if spec is not None and spec.say_while_working.strip():
            line = spec.say_while_working.strip()
            say_timer = Timer("say-while-working")
            say_timer.start(
                SAY_WHILE_WORKING_AFTER_S,
                lambda: self._responder.request(
                    protocol.exact_line_response(line, out_of_band=True)
                ),
            )
        try:
            if spec is None:
                message = f"There is no tool called {turn.name!r}."
                outcome = ToolOutcome(
                    output=json.dumps({"error": message}), status="error", error=message
                )
            else:
                outcome = await self._run_tool(
                    spec=spec, arguments=turn.arguments, context=self.context
                )
        except Exception:
            logger.exception("Tool %s failed unexpectedly", turn.name)
            outcome = ToolOutcome(
                output=json.dumps({"error": "the tool failed"}), status="error"
            )
        finally:
            if say_timer is not None:
                say_timer.cancel()
        turn.output, turn.status = outcome.output, outcome.status
        turn.duration_ms = outcome.duration_ms
        turn.action, turn.closing_line = outcome.action, outcome.closing_line
        turn.finished, turn.ended_ms = True, self._now_ms()
        self._transcript.store(turn)
        await self._outbox.event(
            {
                "type": "tool.result",
                "call_id": turn.call_id,
                "name": turn.name,
                "status": turn.status,
                "output": turn.output,
                "duration_ms": turn.duration_ms,
            }
        )
        await self._maybe_answer(turn.response_id)

    async def response_done(self, response_id: str) -> None:
        self._responses_done.add(response_id)
        await self._maybe_answer(response_id)

    async def _maybe_answer(self, response_id: str) -> None:
        """Once the response is done and all its calls finished: outputs, then one reply."""
        if response_id not in self._responses_done or response_id in self._answered:
            return
        calls = self._transcript.conversation.tool_turns(response_id)
        if not calls or not all(t.finished for t in calls):
            return
        self._answered.add(response_id)
        for turn in calls:
            await self._link.send(
                protocol.function_call_output(turn.call_id, turn.output)
            )
        action = next((t for t in calls if t.action in SESSION_ACTIONS), None)
        if action is None:
            await self._responder.request(protocol.response_create())
        else:
            await self._on_action(
                SESSION_ACTIONS[action.action], action.closing_line.strip()
            )
