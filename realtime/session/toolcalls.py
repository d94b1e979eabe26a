"""Tool calls: run each completed function call on the server, then answer the model once.

Calls start as soon as their arguments are complete (while the response may still be
running). When the response that contained them is done and every call has finished, all
`function_call_output` items are sent, then ONE `response.create` (protocol reference §4).
A built-in's action (`end_session`, `transfer_call`) makes that response the closing line.
"""

import json
import logging
from typing import Any

from botbuilder.tools import ToolOutcome, run_tool
from realtime import protocol
from realtime.session.limits import Timer
from realtime.session.turns import ToolTurn

logger = logging.getLogger(__name__)

# Speak the tool's "say while working" line if it has not finished after this long.
SAY_WHILE_WORKING_AFTER_S = 0.8
SESSION_ACTIONS = {"end_session": "end_session_tool", "transfer_call": "transferred"}


class ToolCalls:
    def _init_tool_state(self) -> None:
        self._tools_by_name = {t.name: t for t in self.setup.tools}
        self._tool_responses_done: set[str] = set()
        self._tool_batches_sent: set[str] = set()

    def _tool_batch_pending(self) -> bool:
        """Some response's tool calls still wait to be run or answered."""
        return any(
            t.response_id not in self._tool_batches_sent
            for t in self.conversation.tool_turns()
        )

    async def _start_tool_call_item(
        self, item: dict[str, Any], response_id: str
    ) -> None:
        """Start the call of a finished `function_call` output item (its arguments unless
        they were already streamed)."""
        turn = self.conversation.tool(
            item.get("id") or "",
            item.get("call_id") or "",
            item.get("name") or "",
            response_id,
        )
        turn.arguments = turn.arguments or item.get("arguments") or ""
        await self._start_tool_call(turn)

    async def _start_tool_call(self, turn: ToolTurn) -> None:
        if turn.started or not turn.call_id:
            return
        turn.started = True
        turn.started_ms = self.now_ms()
        await self._to_caller(
            {
                "type": "tool.call",
                "call_id": turn.call_id,
                "name": turn.name,
                "arguments": turn.parsed_arguments(),
            }
        )
        self._spawn(self._run_tool_call(turn), name=f"tool-{turn.name}")

    async def _run_tool_call(self, turn: ToolTurn) -> None:
        spec = self._tools_by_name.get(turn.name)
        say_timer = None
        if spec is not None and spec.say_while_working.strip():
            line = spec.say_while_working.strip()
            say_timer = Timer("say-while-working")
            say_timer.start(
                SAY_WHILE_WORKING_AFTER_S,
                lambda: self._request_response(
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
                outcome = await run_tool(
                    spec=spec, arguments=turn.arguments, context=self.tool_context
                )
        except Exception:
            logger.exception("Tool %s failed unexpectedly", turn.name)
            outcome = ToolOutcome(
                output=json.dumps({"error": "the tool failed"}), status="error"
            )
        finally:
            if say_timer is not None:
                say_timer.cancel()
        turn.output, turn.status, turn.duration_ms = (
            outcome.output,
            outcome.status,
            outcome.duration_ms,
        )
        turn.action, turn.closing_line = outcome.action, outcome.closing_line
        turn.finished, turn.ended_ms = True, self.now_ms()
        self._store_turn(turn)
        await self._to_caller(
            {
                "type": "tool.result",
                "call_id": turn.call_id,
                "name": turn.name,
                "status": turn.status,
                "output": turn.output,
                "duration_ms": turn.duration_ms,
            }
        )
        await self._maybe_answer_tools(turn.response_id)

    async def _tool_response_done(self, response_id: str) -> None:
        self._tool_responses_done.add(response_id)
        await self._maybe_answer_tools(response_id)

    async def _maybe_answer_tools(self, response_id: str) -> None:
        """Once the response is done and all its calls finished: outputs, then one reply."""
        if (
            response_id not in self._tool_responses_done
            or response_id in self._tool_batches_sent
        ):
            return
        calls = self.conversation.tool_turns(response_id)
        if not calls or not all(t.finished for t in calls):
            return
        self._tool_batches_sent.add(response_id)
        for turn in calls:
            await self._send_upstream(
                protocol.function_call_output(turn.call_id, turn.output)
            )
        action = next((t for t in calls if t.action in SESSION_ACTIONS), None)
        if action is None:
            await self._request_response(protocol.response_create())
            return
        if action.action == "transfer_call":
            self.transfer_requested = True
        reason = SESSION_ACTIONS[action.action]
        if action.closing_line.strip():
            await self._close_with_line(action.closing_line.strip(), reason)
        else:
            await self._close_with_model_reply(reason)
