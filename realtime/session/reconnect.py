"""Carrying a conversation over to a new upstream connection.

The upstream caps a session at 60 minutes (`session_expired`, then close 1001). The relay
opens a new connection (retried with jittered backoff while the caller's audio is held),
sends the same `session.update`, and re-creates the history as text items: caller turns as
`input_text`, bot turns as `output_text` (assistant audio cannot be created, protocol
reference §3.3, §7), tool calls as a short system note.
"""

import logging
import time
from collections.abc import Callable
from typing import Any

from realtime import protocol
from realtime.session.caller import CallerInput
from realtime.session.latency import TurnClock
from realtime.session.lifecycle import Lifecycle, Phase
from realtime.session.limits import Limits
from realtime.session.link import UpstreamLink
from realtime.session.playback import CUT_RECONNECT, Playback
from realtime.session.responder import Responder
from realtime.session.timers import TaskGroup
from realtime.session.toolcalls import ToolCalls
from realtime.session.transcript import Transcript
from realtime.session.transport import CLOSE_NORMAL
from realtime.session.turns import AssistantTurn, ToolTurn, Turn, UserTurn
from realtime.upstream import UpstreamConnectError

logger = logging.getLogger(__name__)

# Proactively move to a fresh connection between turns after this long (the cap is 60 min).
UPSTREAM_RECONNECT_AFTER_S = 55 * 60
CLOSE_GOING_AWAY = 1001  # what the upstream sends when its 60-minute cap is reached
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
    def __init__(
        self,
        session: dict[str, Any],
        lifecycle: Lifecycle,
        link: UpstreamLink,
        parts: "ReconnectParts",
        tasks: TaskGroup,
        *,
        after_s: float,
        request_end: Callable[..., Any],
        media_relayed: bool = True,
    ) -> None:
        self._session, self._lifecycle, self._link = session, lifecycle, link
        self._parts, self._tasks = parts, tasks
        self.after_s = after_s
        self._request_end = request_end
        self._media_relayed = media_relayed
        self.count = 0

    def schedule(self, why: str) -> None:
        """Move to a new connection (once; a reconnect already under way covers it)."""
        if self._lifecycle.is_live:
            self._lifecycle.transition(Phase.RECONNECTING, why)
            self._tasks.spawn(self._reconnect(), name="upstream-reconnect")

    async def connection_closed(self, code: int | None, reason: str) -> None:
        """The model's connection closed on its own: its cap (reconnect), a SIP caller
        hanging up (a normal close of a sideband), or a failure."""
        if self._lifecycle.phase is not Phase.LIVE:
            return  # ending, or a reconnect already replaces this connection
        if code == CLOSE_GOING_AWAY:
            self.schedule("the model session reached its time limit")
            return
        if code == CLOSE_NORMAL and not self._media_relayed:
            self._request_end(reason="client_closed")  # a SIP caller hung up
            return
        detail = (
            f"The connection to the model closed unexpectedly (code {code}"
            f"{', ' + reason if reason else ''})."
        )
        self._request_end(
            status="failed", reason="upstream_error", detail=detail, error=detail
        )

    def between_turns(self) -> None:
        """Move to a fresh connection before the upstream's hard cap, while nobody speaks."""
        connected_at = self._link.connected_at
        if connected_at is not None and time.monotonic() - connected_at >= self.after_s:
            self.schedule("proactive, before the model's session cap")

    async def _reconnect(self) -> None:
        """Move the conversation to a new upstream connection; the Session row stays."""
        parts = self._parts
        await self._link.drop()
        parts.settle_for_reconnect()
        lost_response = parts.responder.reset()
        try:
            await self._link.connect_with_retries()
        except UpstreamConnectError as exc:
            detail = f"Reconnecting to the model failed: {exc}"
            self._request_end(
                status="failed", reason="upstream_error", detail=detail, error=detail
            )
            return
        if self._lifecycle.ending:
            return
        self.count += 1
        parts.clock.reset()
        parts.caller.connection_lost()
        await self._link.send_now(protocol.session_update(self._session))
        for event in seed_events(parts.transcript.conversation.turns):
            await self._link.send_now(event)
        self._lifecycle.transition(Phase.LIVE, "reconnected")
        await parts.caller.send_held_audio()
        if await parts.responder.resume():
            return
        if lost_response and parts.limits.closing_reason is None:
            await parts.responder.request(
                protocol.response_create()
            )  # answer the caller
        elif lost_response:
            await parts.limits.closing_line_lost()


class ReconnectParts:
    """The components a reconnect settles and resumes (each through its own methods)."""

    def __init__(
        self,
        *,
        transcript: Transcript,
        playback: Playback,
        tools: ToolCalls,
        responder: Responder,
        caller: CallerInput,
        clock: TurnClock,
        limits: Limits,
        complete: Callable[[AssistantTurn], None],
    ) -> None:
        self.transcript, self.playback, self.tools = transcript, playback, tools
        self.responder, self.caller, self.clock = responder, caller, clock
        self.limits, self._complete = limits, complete

    def settle_for_reconnect(self) -> None:
        """Before a new connection: nothing more will come for items in flight."""
        self.playback.abandon(CUT_RECONNECT)
        self.tools.abandon_unanswered()
        for turn in self.transcript.conversation.turns:
            if isinstance(turn, AssistantTurn):
                turn.previous_connection = True
            if isinstance(turn, UserTurn) and not turn.stored:
                turn.complete = True
                self.transcript.store(turn)
            elif isinstance(turn, AssistantTurn) and not turn.done:
                if turn.text or turn.audio_bytes:
                    if not turn.interrupted:  # text only: it was shown whole
                        turn.interrupted, turn.cut_reason = True, CUT_RECONNECT
                        turn.heard_text = turn.text
                    self._complete(turn)
            elif isinstance(turn, AssistantTurn) and not turn.stored:
                self.transcript.store(turn)
