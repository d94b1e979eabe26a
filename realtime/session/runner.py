"""The live session: one caller, one upstream model connection, everything stored as it completes.

Transport independent: the runner talks to its caller through a `Transport` (the browser
consumer today, a phone transport later) and to the model through `UpstreamClient`. Upstream
events are handled in `handlers.py` and `assistant.py`, caller input and barge-in in
`caller.py`, tool calls in `toolcalls.py`, idle/duration limits in `limits.py`, the move to
a new connection in `reconnect.py`; this module owns the state and the start and the end.
"""

import asyncio
import logging
import os
import tempfile
import time
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

from botbuilder.pricing import Usage
from botbuilder.tools import ToolContext
from realtime import protocol
from realtime.session.assistant import AssistantOutput
from realtime.session.caller import CallerInput
from realtime.session.config import SessionSetup
from realtime.session.handlers import UpstreamHandlers
from realtime.session.limits import IdlePolicy, Timer, TurnLimits, cancel_tasks
from realtime.session.reconnect import UPSTREAM_RECONNECT_AFTER_S, Reconnection
from realtime.session.responses import ResponseQueue
from realtime.session.store import SessionStore
from realtime.session.toolcalls import ToolCalls
from realtime.session.transport import CLOSE_NORMAL, Recorder, Transport
from realtime.session.turns import AssistantTurn, Conversation, ToolTurn, UserTurn
from realtime.upstream import UpstreamClient, UpstreamConnectError

logger = logging.getLogger(__name__)

# Sees every event sent to the caller (not audio): e.g. a live monitor's group_send.
Observer = Callable[[dict[str, Any]], Awaitable[None]]
# Wait this long for a reconnect to finish before giving up on an outgoing event.
UPSTREAM_READY_TIMEOUT_S = 15.0
CLOSE_GOING_AWAY = 1001  # what the upstream sends when its 60-minute cap is reached


class SessionRunner(
    UpstreamHandlers, AssistantOutput, CallerInput, ToolCalls, TurnLimits, Reconnection
):
    """One live session. Mixins hold the event handlers; state lives here."""

    def __init__(
        self,
        setup: SessionSetup,
        transport: Transport,
        store: SessionStore,
        *,
        recorder: Recorder | None = None,
        ended_extra: dict[str, Any] | None = None,  # more fields for `session.ended`
        observer: Observer | None = None,
    ) -> None:
        self.setup = setup
        self.transport = transport
        self.store = store
        self.recorder = recorder
        self.ended_extra = ended_extra or {}
        self.observer = observer
        self.conversation = Conversation()
        self.responses = ResponseQueue()
        self.idle = IdlePolicy(
            setup.idle_reminder_after_s,
            setup.idle_reminder_max,
            setup.idle_reminder_text,
        )
        self.idle_timer = Timer("idle-reminder")
        self.max_timer = Timer("max-duration")
        self.wrap_up_timer = Timer("wrap-up")
        self.upstream: UpstreamClient | None = None
        self.reconnect_after_s: float = UPSTREAM_RECONNECT_AFTER_S
        self.reconnects = 0
        self.usage = Usage()
        self.cost_usd = Decimal(0)
        self.turn_count = 0
        self.ended = False
        self.end_status = ""
        self.end_reason = ""
        self.closing_reason: str | None = None
        self.transfer_requested = False
        self.tool_context = ToolContext(
            session_id=setup.session_id,
            bot_id=setup.bot_id,
            variables=dict(setup.variables),
            knowledge=setup.knowledge,
        )
        self._t0 = time.monotonic()
        self._ready = asyncio.Event()
        self._tasks: set[asyncio.Task] = set()
        self._end_task: asyncio.Task | None = None
        self._reconnect_task: asyncio.Task | None = None
        self._expiring = False
        self._init_caller_state()
        self._init_handler_state()
        self._init_tool_state()

    # --- clock & helpers -----------------------------------------------------------------

    def now_ms(self) -> int:
        """Milliseconds since the session started."""
        return int((time.monotonic() - self._t0) * 1000)

    def _spawn(self, coro, name: str = "session-task") -> asyncio.Task:
        task = asyncio.create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _to_caller(self, event: dict[str, Any]) -> None:
        await self.transport.send_event(event)
        if self.observer is not None:
            try:
                await self.observer(event)
            except Exception:
                logger.exception("Session observer failed")

    async def _error_to_caller(
        self, reason: str, code: str, fatal: bool = False
    ) -> None:
        await self._to_caller(
            {"type": "error", "reason": reason, "code": code, "fatal": fatal}
        )

    def _store_turn(self, turn: UserTurn | AssistantTurn | ToolTurn) -> None:
        turn.stored = True
        self.store.append_item(turn.record())

    async def _send_upstream(self, event: dict[str, Any]) -> bool:
        """Send to the model, waiting out a reconnect; False if the event could not go."""
        if not self._ready.is_set():
            try:
                await asyncio.wait_for(self._ready.wait(), UPSTREAM_READY_TIMEOUT_S)
            except TimeoutError:
                return False
        if self.ended or self.upstream is None:
            return False
        return await self._send_on(self.upstream, event)

    async def _send_on(self, client: UpstreamClient, event: dict[str, Any]) -> bool:
        if self.setup.debug:
            await self._to_caller(
                {
                    "type": "upstream.event",
                    "direction": "out",
                    "event": protocol.strip_audio(event),
                }
            )
        return await client.send(event)

    async def _request_response(
        self, event: dict[str, Any], tag: str | None = None
    ) -> None:
        """Send `response.create` now, or after the active response is done."""
        to_send = self.responses.request(event, tag)
        if to_send is not None:
            await self._send_upstream(to_send)

    # --- lifecycle -----------------------------------------------------------------------

    async def start(self, announce: dict[str, Any] | None = None) -> bool:
        """Connect, configure the model, send `announce` to the caller, greet.

        False (and the session ended as failed) if the model cannot be reached.
        """
        try:
            self.upstream = await self._connect()
        except UpstreamConnectError as exc:
            await self.end(
                status="failed",
                reason="upstream_error",
                detail=str(exc),
                error=str(exc),
            )
            return False
        await self._send_on(self.upstream, protocol.session_update(self.setup.session))
        if announce is not None:
            await self._to_caller(announce)
        self._ready.set()
        self.max_timer.start(self.setup.max_session_s, self._on_max_duration)
        mode, greeting = self.setup.greeting_mode, self.setup.greeting
        if mode == "bot_greeting" and greeting:
            await self._request_response(protocol.exact_line_response(greeting))
        elif mode == "model_first":
            await self._request_response(protocol.response_create())
        else:
            self._start_idle_timer()
        return True

    async def _connect(self) -> UpstreamClient:
        client: UpstreamClient | None = None

        async def on_event(event: dict[str, Any]) -> None:
            await self._on_upstream_event(client, event)

        async def on_close(code: int | None, reason: str) -> None:
            await self._on_upstream_close(client, code, reason)

        client = UpstreamClient(self.setup.target, on_event=on_event, on_close=on_close)
        await client.connect()
        return client

    async def _on_upstream_close(
        self, client: UpstreamClient, code: int | None, reason: str
    ) -> None:
        if client is not self.upstream or self.ended:
            return
        if self._expiring or code == CLOSE_GOING_AWAY:
            self._schedule_reconnect("the model session reached its time limit")
            return
        detail = f"The connection to the model closed unexpectedly (code {code}{', ' + reason if reason else ''})."
        self.request_end(
            status="failed", reason="upstream_error", detail=detail, error=detail
        )

    def request_end(self, **kwargs: Any) -> asyncio.Task:
        """Start ending the session (idempotent); see `end`."""
        if self._end_task is None:
            self._end_task = asyncio.create_task(
                self._end(**kwargs), name="session-end"
            )
        return self._end_task

    async def end(self, **kwargs: Any) -> None:
        """End the session: status/reason stored, `session.ended` sent, transport closed."""
        await asyncio.shield(self.request_end(**kwargs))

    async def _end(
        self,
        *,
        reason: str,
        status: str = "completed",
        detail: str = "",
        error: str | None = None,
        close_code: int = CLOSE_NORMAL,
    ) -> None:
        self.ended, self.end_status, self.end_reason = True, status, reason
        self._ready.set()  # release anyone waiting to send; they will see `ended`
        for timer in (self.idle_timer, self.max_timer, self.wrap_up_timer):
            timer.cancel()
        self._abandon_truncations()
        await cancel_tasks(list(self._tasks))
        if self.upstream is not None:
            await self.upstream.close()
        self._flush_unstored_turns()
        if error:
            await self._error_to_caller(error, reason, fatal=True)
        await self._finish_recording()
        await self.store.close(status=status, reason=reason, detail=detail)
        logger.info("Session %s ended: %s (%s)", self.setup.session_id, status, reason)
        await self._to_caller(
            {
                "type": "session.ended",
                "session_id": self.setup.session_id,
                "status": status,
                "reason": reason,
                **self.ended_extra,
            }
        )
        await self.transport.close(close_code)

    def _flush_unstored_turns(self) -> None:
        """Store what completed partly: caller turns whose transcript never came (empty
        text), replies cut off mid-stream, tool calls that never finished."""
        for turn in self.conversation.ordered():
            if turn.stored:
                continue
            if isinstance(turn, AssistantTurn):
                if not turn.done:
                    turn.done = turn.interrupted = True
                    turn.heard_text = turn.heard_text or turn.text
                    turn.ended_ms = self.now_ms()
                if not turn.text and not turn.audio_bytes:
                    continue
            elif isinstance(turn, ToolTurn) and not turn.finished:
                turn.status, turn.output = (
                    "error",
                    '{"error": "the session ended first"}',
                )
            self._store_turn(turn)

    async def _finish_recording(self) -> None:
        """Write the recording to a temporary WAV and have it stored with the session."""
        if self.recorder is None:
            return
        try:
            path = await asyncio.to_thread(_temporary_wav_path)
            await asyncio.to_thread(self.recorder.finish, path)
        except Exception:
            logger.exception(
                "Session %s: writing the recording failed", self.setup.session_id
            )
            return
        self.store.save_recording(path)


def _temporary_wav_path() -> str:
    fd, path = tempfile.mkstemp(prefix="session-", suffix=".wav")
    os.close(fd)
    return path
