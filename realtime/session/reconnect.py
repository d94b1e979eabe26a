"""Carrying a conversation over to a new upstream connection.

The upstream caps a session at 60 minutes (`session_expired`, then close 1001). The relay opens
a new connection, sends the same `session.update`, and re-creates the history as text items:
caller turns as `input_text`, bot turns as `output_text` (assistant audio cannot be created,
protocol reference §3.3, §7), tool calls as a short system note.
"""

import logging
import time
from typing import Any

from realtime import protocol
from realtime.session.turns import AssistantTurn, ToolTurn, Turn, UserTurn
from realtime.upstream import UpstreamConnectError

logger = logging.getLogger(__name__)

# Proactively move to a fresh connection between turns after this long (the cap is 60 min).
UPSTREAM_RECONNECT_AFTER_S = 55 * 60
# Keep at most this much caller audio while the new connection is being set up.
RECONNECT_AUDIO_BUFFER_MS = 5000
# Re-seed at most this many recent turns (older context is dropped to stay in the window).
RESEED_MAX_TURNS = 200
TOOL_NOTE_MAX_CHARS = 1000


def seed_events(turns: list[Turn]) -> list[dict[str, Any]]:
    """`conversation.item.create` events re-creating `turns` (in seq order) as text."""
    events = []
    for turn in sorted(turns, key=lambda t: t.seq)[-RESEED_MAX_TURNS:]:
        if isinstance(turn, UserTurn) and turn.text.strip():
            events.append(protocol.user_text_item(turn.text))
        elif isinstance(turn, AssistantTurn):
            text = turn.heard_text if turn.interrupted else turn.text
            if text.strip():
                events.append(protocol.assistant_text_item(text))
        elif isinstance(turn, ToolTurn) and turn.finished:
            note = (
                f"Earlier in this call the tool {turn.name} was called with "
                f"{turn.arguments or '{}'} and returned: {turn.output}"
            )
            events.append(protocol.system_text_item(note[:TOOL_NOTE_MAX_CHARS]))
    return events


class Reconnection:
    """Moving a live session to a new upstream connection (cap reached or proactively)."""

    def _schedule_reconnect(self, why: str) -> None:
        if self._reconnect_task is None or self._reconnect_task.done():
            self._reconnect_task = self._spawn(
                self._reconnect(why), name="upstream-reconnect"
            )

    async def _reconnect(self, why: str) -> None:
        """Move the conversation to a new upstream connection; the Session row stays the same."""
        logger.info(
            "Session %s: reconnecting upstream (%s)", self.setup.session_id, why
        )
        self._ready.clear()
        old, self.upstream = self.upstream, None
        if old is not None:
            await old.close()
        self._settle_for_reconnect()
        lost_response = self.responses.reset()
        try:
            client = await self._connect()
        except UpstreamConnectError as exc:
            detail = f"Reconnecting to the model failed: {exc}"
            self.request_end(
                status="failed", reason="upstream_error", detail=detail, error=detail
            )
            return
        self.upstream, self._expiring = client, False
        self.reconnects += 1
        self._reset_connection_state()
        await self._send_on(client, protocol.session_update(self.setup.session))
        for event in seed_events(self.conversation.turns):
            await self._send_on(client, event)
        self._ready.set()
        await self._flush_audio_backlog()
        next_event = self.responses.take_next()
        if next_event is not None:
            await self._send_on(client, next_event)
        elif lost_response and self.closing_reason is None:
            await self._request_response(
                protocol.response_create()
            )  # answer the caller
        elif lost_response:
            self.request_end(reason=self.closing_reason)  # the closing line was cut off

    def _maybe_reconnect_between_turns(self) -> None:
        """Move to a fresh connection before the upstream's hard cap, while nobody speaks."""
        client = self.upstream
        if client is None or client.connected_at is None or self.closing_reason:
            return
        if time.monotonic() - client.connected_at >= self.reconnect_after_s:
            self._schedule_reconnect("proactive, before the model's session cap")

    def _settle_for_reconnect(self) -> None:
        """Before a new connection: nothing more will come for items in flight."""
        self._abandon_truncations()
        # Calls of an unfinished response cannot be answered on the new connection.
        self._tool_batches_sent.update(
            t.response_id for t in self.conversation.tool_turns()
        )
        for turn in self.conversation.turns:
            if isinstance(turn, AssistantTurn):
                turn.previous_connection = True
            if isinstance(turn, UserTurn) and not turn.stored:
                turn.complete = True
                self._store_turn(turn)
            elif isinstance(turn, AssistantTurn) and not turn.done:
                if turn.text or turn.audio_bytes:
                    turn.interrupted = True
                    turn.heard_text = turn.heard_text or turn.text
                    self._complete_assistant(turn)
            elif isinstance(turn, AssistantTurn) and not turn.stored:
                self._store_turn(turn)
