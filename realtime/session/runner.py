"""The live session: one caller, one upstream model connection, everything stored as it
completes. See README.md beside this file for the phases and who owns what.

Transport independent: the runner talks to its caller through a `Transport` (the browser
consumer, a phone stream) and to the model through `UpstreamLink`. It composes the
components, routes every upstream event through one dispatch table, and owns the start and
the end; each concern's state lives in its component.
"""

import asyncio
import logging
import os
import tempfile
from typing import Any

from realtime import protocol
from realtime.session.assistant import AssistantOutput
from realtime.session.caller import CallerInput
from realtime.session.config import SessionSetup
from realtime.session.latency import TurnClock
from realtime.session.lifecycle import Lifecycle, Phase
from realtime.session.limits import TAG_CLOSING, Limits
from realtime.session.link import UpstreamLink
from realtime.session.listening import Listening
from realtime.session.outbox import CallerOutbox, Observer
from realtime.session.playback import CUT_DISCONNECT, Playback
from realtime.session.reconnect import (
    UPSTREAM_RECONNECT_AFTER_S,
    Reconnection,
    ReconnectParts,
)
from realtime.session.responder import Responder
from realtime.session.timers import TaskGroup
from realtime.session.toolcalls import ToolCalls
from realtime.session.transcript import Store, Transcript
from realtime.session.transport import Recorder, Transport, close_code_for
from realtime.session.usage import UsageMeter
from realtime.session.watchdog import UpstreamWatchdog
from realtime.upstream import UpstreamConnectError

logger = logging.getLogger(__name__)

CLOSE_GOING_AWAY = 1001  # what the upstream sends when its 60-minute cap is reached

# Known events the relay has no use for (not logged).
IGNORED_EVENTS = frozenset(
    {
        "session.created",
        "session.updated",
        "conversation.created",
        "conversation.item.truncated",
        "conversation.item.deleted",
        "conversation.item.retrieved",
        "response.content_part.added",
        "response.content_part.done",
        "response.output_audio.done",
        "response.function_call_arguments.delta",
        "input_audio_buffer.cleared",
        "input_audio_buffer.dtmf_event_received",
    }
)


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
        self.watchdog = UpstreamWatchdog(
            on_slow=self._model_slow, on_silent=self._model_silent
        )
        self.link = UpstreamLink(
            setup.target,
            self.lifecycle,
            self.outbox,
            on_event=self._dispatch,
            on_close=self._on_upstream_close,
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
        )
        self.listening = Listening(
            setup,
            self.transcript,
            self.outbox,
            self.clock,
            self.playback,
            on_caller_active=self.limits.caller_active,
            on_committed=self.caller.committed,
        )
        self.assistant = AssistantOutput(
            setup,
            self.transcript,
            self.outbox,
            self.playback,
            self.tools,
            self.clock.now_ms,
        )
        self.meter = UsageMeter(setup.model, setup.prices, store, self.outbox)
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
        )
        self._handlers = self._dispatch_table()
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

    def _dispatch_table(self) -> dict[str, Any]:
        listen, out = self.listening, self.assistant
        return {
            "error": self._on_error,
            "input_audio_buffer.speech_started": listen.on_speech_started,
            "input_audio_buffer.speech_stopped": listen.on_speech_stopped,
            "input_audio_buffer.committed": listen.on_committed,
            "input_audio_buffer.timeout_triggered": self.limits.on_service_idle_timeout,
            "conversation.item.added": listen.on_item_added,
            "conversation.item.created": listen.on_item_added,
            "conversation.item.done": listen.on_item_added,
            "conversation.item.input_audio_transcription.delta": (
                listen.on_transcription_delta
            ),
            "conversation.item.input_audio_transcription.completed": (
                listen.on_transcription_completed
            ),
            "conversation.item.input_audio_transcription.failed": (
                listen.on_transcription_failed
            ),
            "response.created": self._on_response_created,
            "response.done": self._on_response_done,
            "response.output_item.added": out.on_item_added,
            "response.output_item.done": out.on_item_done,
            "response.output_audio.delta": self.playback.on_audio_delta,
            "response.output_audio_transcript.delta": out.on_text_delta,
            "response.output_audio_transcript.done": out.on_audio_transcript_done,
            "response.output_text.delta": out.on_text_delta,
            "response.output_text.done": out.on_text_done,
            "response.function_call_arguments.done": out.on_arguments_done,
            "rate_limits.updated": self._on_rate_limits,
        }

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

    async def _on_error(self, event: dict[str, Any]) -> None:
        code, event_id = protocol.error_code(event), protocol.error_event_id(event)
        if code == protocol.ERROR_CANCEL_NOT_ACTIVE:
            logger.debug("response.cancel raced the end of the response; harmless")
            return
        if code == protocol.ERROR_ACTIVE_RESPONSE:
            await self.responder.on_rejected(event_id)
            return
        if code == protocol.ERROR_SESSION_EXPIRED:
            self.reconnection.schedule("session_expired")
            return
        message = protocol.error_message(event)
        request = self.link.request_type(event_id)
        logger.warning(
            "Session %s: upstream error %s on %s: %s",
            self.setup.session_id,
            code,
            request or "an unknown request",
            message,
        )
        if request == "response.create":
            ours, tag = await self.responder.on_failed(event_id)
            if ours:
                await self.outbox.error(
                    f"The model could not answer ({message}). Please say it again.",
                    code or "response_rejected",
                )
                if tag == TAG_CLOSING:
                    await self.limits.closing_line_lost()
                else:
                    self.limits.after_response(tag)
                return
        await self.outbox.error(
            f"The model reported an error: {message}", code or "upstream_error"
        )

    async def _on_response_created(self, event: dict[str, Any]) -> None:
        response_id = (event.get("response") or {}).get("id") or ""
        self.responder.on_created(response_id)
        self.clock.response_created(response_id)
        self.limits.response_started()

    async def _on_response_done(self, event: dict[str, Any]) -> None:
        response = event.get("response") or {}
        response_id = response.get("id") or ""
        self.clock.response_done(response_id)
        await self.assistant.on_response_done(response)
        await self.meter.add_response(response)
        await self._report_unfinished(response)
        tag = await self.responder.on_done(response_id)
        await self.tools.response_done(response_id)
        if self.limits.after_response(tag):
            self.reconnection.between_turns()

    async def _report_unfinished(self, response: dict[str, Any]) -> None:
        """Tell the caller why a response failed or stopped short (not when cancelled)."""
        status = response.get("status")
        details = response.get("status_details") or {}
        if status == "failed":
            error = details.get("error") or {}
            what = error.get("message") or error.get("code") or "unknown error"
            await self.outbox.error(
                f"The model's reply failed: {what}",
                error.get("code") or "response_failed",
            )
        elif status == "incomplete":
            reason = details.get("reason") or "unknown"
            await self.outbox.error(
                f"The model's reply stopped short ({reason.replace('_', ' ')}).",
                f"response_incomplete_{reason}",
            )

    async def _on_rate_limits(self, event: dict[str, Any]) -> None:
        await self.outbox.event(
            {"type": "rate_limits", "rate_limits": event.get("rate_limits") or []}
        )

    async def _on_upstream_close(self, code: int | None, reason: str) -> None:
        if self.lifecycle.phase is not Phase.LIVE:
            return  # ending, or a reconnect already replaces this connection
        if code == CLOSE_GOING_AWAY:
            self.reconnection.schedule("the model session reached its time limit")
            return
        detail = (
            f"The connection to the model closed unexpectedly (code {code}"
            f"{', ' + reason if reason else ''})."
        )
        self.request_end(
            status="failed", reason="upstream_error", detail=detail, error=detail
        )

    async def _model_slow(self) -> None:
        await self.outbox.error(
            "The model is taking longer than usual to answer.", "model_slow"
        )

    async def _model_silent(self) -> None:
        detail = "The model stopped answering."
        self.request_end(
            status="failed", reason="upstream_timeout", detail=detail, error=detail
        )

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
        await self.link.drop()
        self.transcript.flush_unstored(self.clock.now_ms())
        if error:
            await self.outbox.error(error, reason, fatal=True)
        await self._finish_recording()
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
        self.transcript.store_backend.save_recording(path)


def _temporary_wav_path() -> str:
    fd, path = tempfile.mkstemp(prefix="session-", suffix=".wav")
    os.close(fd)
    return path
