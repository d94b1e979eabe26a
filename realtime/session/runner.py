"""The live session: one caller, one upstream model connection, everything stored as it
completes. See README.md beside this file for the phases and who owns what.

Transport independent: the runner talks to its caller through a `Transport` (the browser
consumer, a phone stream) and to the model through `UpstreamLink`. It composes the
components, routes every upstream event through one dispatch table, and owns the start and
the end; each concern's state lives in its component.
"""

import asyncio
import logging
from typing import Any

from realtime import protocol
from realtime.session.assistant import AssistantOutput
from realtime.session.caller import CallerInput
from realtime.session.config import SessionSetup
from realtime.session.events import IGNORED_EVENTS, upstream_handlers
from realtime.session.latency import TurnClock
from realtime.session.lifecycle import Lifecycle, Phase
from realtime.session.limits import Limits
from realtime.session.link import UpstreamLink
from realtime.session.listening import Listening
from realtime.session.outbox import CallerOutbox, Observer
from realtime.session.playback import CUT_DISCONNECT, Playback
from realtime.session.reconnect import (
    UPSTREAM_RECONNECT_AFTER_S,
    Reconnection,
    ReconnectParts,
)
from realtime.session.recording import finish_recording
from realtime.session.replies import ResponseEvents
from realtime.session.responder import Responder
from realtime.session.timers import TaskGroup
from realtime.session.toolcalls import ToolCalls
from realtime.session.transcript import Store, Transcript
from realtime.session.transport import Recorder, Transport, close_code_for
from realtime.session.usage import UsageMeter
from realtime.session.watchdog import UpstreamWatchdog
from realtime.upstream import UpstreamConnectError

logger = logging.getLogger(__name__)


class SessionRunner:
    """One live session, composed of components that own their state."""

    def __init__(
        self,
        setup: SessionSetup,
        transport: Transport,
        store: Store,
        *,
        recorder: Recorder | None = None,
        ended_extra: dict[str, Any] | None = None,  # more fields for `session.ended`
        observer: Observer | None = None,
    ) -> None:
        self.setup = setup
        self.ended_extra = ended_extra or {}
        self.recorder = recorder
        self.lifecycle = Lifecycle(setup.session_id)
        self.outbox = CallerOutbox(transport, observer)
        self.tasks = TaskGroup()
        self.clock = TurnClock(self.outbox, setup.endpointing_ms)
        self.transcript = Transcript(store)
        self.watchdog = UpstreamWatchdog(self.outbox, request_end=self.request_end)
        self.link = UpstreamLink(
            setup.target,
            self.lifecycle,
            self.outbox,
            on_event=self._dispatch,
            on_close=lambda code, reason: self.reconnection.connection_closed(
                code, reason
            ),
            debug=setup.debug,
        )
        self.responder = Responder(self.link, self.watchdog)
        self.playback = Playback(
            setup, self.transcript, self.outbox, self.link, self.clock, recorder
        )
        self.tools = ToolCalls(
            setup,
            self.transcript,
            self.outbox,
            self.link,
            self.responder,
            self.tasks,
            self.clock.now_ms,
            on_action=lambda reason, line: self.limits.on_action(reason, line),
        )
        self.limits = Limits(
            setup,
            self.lifecycle,
            self.responder,
            self.playback,
            self.transcript,
            self.tasks,
            tools_pending=self.tools.batch_pending,
            request_end=self.request_end,
        )
        self.caller = CallerInput(
            setup,
            self.lifecycle,
            self.link,
            self.responder,
            self.transcript,
            self.outbox,
            self.clock,
            recorder,
            on_caller_active=self.limits.caller_active,
            on_keypad=self.tools.note_keypad,
        )
        self.meter = UsageMeter(
            setup.model, setup.session, setup.prices, store, self.outbox
        )
        self.listening = Listening(
            setup,
            self.transcript,
            self.outbox,
            self.clock,
            self.playback,
            on_caller_active=self.limits.caller_active,
            on_committed=self.caller.committed,
            on_transcription_usage=self.meter.add_transcription,
        )
        self.assistant = AssistantOutput(
            setup,
            self.transcript,
            self.outbox,
            self.playback,
            self.tools,
            self.clock.now_ms,
        )
        self.reconnection = Reconnection(
            setup.session,
            self.lifecycle,
            self.link,
            ReconnectParts(
                transcript=self.transcript,
                playback=self.playback,
                tools=self.tools,
                responder=self.responder,
                caller=self.caller,
                clock=self.clock,
                limits=self.limits,
                complete=self.assistant.complete,
            ),
            self.tasks,
            after_s=UPSTREAM_RECONNECT_AFTER_S,
            request_end=self.request_end,
            media_relayed=setup.media_relayed,
        )
        self.replies = ResponseEvents(
            setup.session_id,
            self.link,
            self.responder,
            self.outbox,
            self.clock,
            self.assistant,
            self.meter,
            self.tools,
            self.limits,
            self.reconnection,
        )
        self._handlers = upstream_handlers(
            listening=self.listening,
            assistant=self.assistant,
            replies=self.replies,
            playback=self.playback,
            limits=self.limits,
            caller=self.caller,
        )
        self._unknown_types: set[str] = set()
        self._end_task: asyncio.Task | None = None

    # --- what the caller's transport calls -----------------------------------------------

    async def on_caller_audio(self, audio: bytes) -> None:
        await self.caller.on_audio(audio)

    async def on_caller_text(self, text: str) -> None:
        await self.caller.on_text(text)

    async def on_caller_dtmf(self, digits: str) -> None:
        await self.caller.on_dtmf(digits)

    async def on_commit(self) -> None:
        await self.caller.on_commit()

    async def on_clear(self) -> None:
        await self.caller.on_clear()

    async def on_playback(
        self, item_id: str, played_ms: int, *, interrupted: bool = False
    ) -> None:
        await self.playback.caller_cut(item_id, played_ms, interrupted)

    # --- start ---------------------------------------------------------------------------

    async def start(self, announce: dict[str, Any] | None = None) -> bool:
        """Connect, configure the model, send `announce` to the caller, greet.

        False (and the session ended as failed) if the model cannot be reached.
        """
        try:
            await self.link.connect()
        except UpstreamConnectError as exc:
            await self.end(
                status="failed",
                reason="upstream_error",
                detail=str(exc),
                error=str(exc),
            )
            return False
        if self.lifecycle.ending:  # ended while connecting
            await self.link.drop()
            return False
        await self.link.send_now(protocol.session_update(self.setup.session))
        if announce is not None:
            await self.outbox.event(announce)
        self.lifecycle.transition(Phase.LIVE, "connected")
        mode, greeting = self.setup.greeting_mode, self.setup.greeting
        self.limits.start(wait_for_caller=mode not in ("bot_greeting", "model_first"))
        if mode == "bot_greeting" and greeting:
            await self.responder.request(protocol.exact_line_response(greeting))
        elif mode == "model_first":
            await self.responder.request(protocol.response_create())
        await self.caller.send_held_audio()
        return True

    # --- upstream events -----------------------------------------------------------------

    async def _dispatch(self, event: dict[str, Any]) -> None:
        if self.lifecycle.ending:
            return
        self.watchdog.kick()
        etype = event.get("type")
        handler = self._handlers.get(etype) if isinstance(etype, str) else None
        if handler is not None:
            await handler(event)
        elif etype not in IGNORED_EVENTS and etype not in self._unknown_types:
            self._unknown_types.add(etype)
            logger.info("Ignoring upstream event type %r", etype)

    # --- the end -------------------------------------------------------------------------

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
    ) -> None:
        self.lifecycle.transition(Phase.CLOSING, reason)
        self.limits.stop()
        self.watchdog.disarm()
        self.playback.abandon(CUT_DISCONNECT)
        await self.tasks.cancel_all()
        await self.caller.send_pending_audio()
        await self.link.drop()
        self.transcript.flush_unstored(self.clock.now_ms())
        if error:
            await self.outbox.error(error, reason, fatal=True)
        if self.recorder is not None:
            await finish_recording(self.recorder, self.transcript.store_backend)
        await self.transcript.store_backend.close(
            status=status, reason=reason, detail=detail
        )
        logger.info("Session %s ended: %s (%s)", self.setup.session_id, status, reason)
        await self.outbox.event(
            {
                "type": "session.ended",
                "session_id": self.setup.session_id,
                "status": status,
                "reason": reason,
                **self.ended_extra,
            }
        )
        self.lifecycle.transition(Phase.ENDED, reason)
        await self.outbox.close(close_code_for(status, reason))
