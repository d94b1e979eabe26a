"""Session limits: idle reminders, the maximum duration, and closing lines that end it.

Owns the closing state: once a closing line is requested (wrap-up at the maximum duration,
a tool's end or transfer action) the session ends after that line has played.
"""

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from realtime import protocol
from realtime.session.config import SessionSetup
from realtime.session.lifecycle import Lifecycle
from realtime.session.playback import Playback
from realtime.session.responder import Responder
from realtime.session.timers import TaskGroup, Timer
from realtime.session.transcript import Transcript

logger = logging.getLogger(__name__)

# After the wrap-up line is requested, end the session anyway after this long.
WRAP_UP_TIMEOUT_S = 30.0
# Never wait longer than this for buffered bot audio to finish playing before ending.
PLAYBACK_DRAIN_MAX_S = 15.0
TAG_CLOSING = "closing"  # a response after which the session ends


class IdlePolicy:
    """Remind a silent caller up to `max_reminders` times, then end the session."""

    def __init__(self, after_s: float | None, max_reminders: int, text: str) -> None:
        self.after_s = after_s
        self.max_reminders = max_reminders
        self.text = text.strip()
        self.reminders_sent = 0

    @property
    def enabled(self) -> bool:
        return bool(self.after_s)

    def caller_active(self) -> None:
        self.reminders_sent = 0

    def next_action(self) -> str:
        """ "remind" (and count it) or "end" when the reminders are used up."""
        if self.reminders_sent < self.max_reminders and self.text:
            self.reminders_sent += 1
            return "remind"
        return "end"


class Limits:
    def __init__(
        self,
        setup: SessionSetup,
        lifecycle: Lifecycle,
        responder: Responder,
        playback: Playback,
        transcript: Transcript,
        tasks: TaskGroup,
        *,
        tools_pending: Callable[[], bool],
        request_end: Callable[..., Any],
    ) -> None:
        self._setup, self._lifecycle, self._responder = setup, lifecycle, responder
        self._playback, self._transcript, self._tasks = playback, transcript, tasks
        self._tools_pending, self._request_end = tools_pending, request_end
        self.idle = IdlePolicy(
            setup.idle_reminder_after_s,
            setup.idle_reminder_max,
            setup.idle_reminder_text,
        )
        # The service's own idle timeout (server VAD `idle_timeout_ms`) replaces ours.
        self._service_idle = bool((setup.turn_detection or {}).get("idle_timeout_ms"))
        self.closing_reason: str | None = None
        self._idle_timer = Timer("idle-reminder")
        self._max_timer = Timer("max-duration")
        self._wrap_up_timer = Timer("wrap-up")

    def start(self, *, wait_for_caller: bool) -> None:
        self._max_timer.start(self._setup.max_session_s, self._on_max_duration)
        if wait_for_caller:
            self._start_idle_timer()

    def stop(self) -> None:
        for timer in (self._idle_timer, self._max_timer, self._wrap_up_timer):
            timer.cancel()

    def caller_active(self) -> None:
        self.idle.caller_active()
        self._idle_timer.cancel()

    def response_started(self) -> None:
        self._idle_timer.cancel()

    def settled(self) -> bool:
        """Nothing running or queued: the bot has finished its turn."""
        return (
            not self._responder.busy
            and not self._responder.pending
            and not self._tools_pending()
            and self.closing_reason is None
            and not self._lifecycle.ending
        )

    def after_response(self, tag: str | None) -> bool:
        """A response is done; True when the bot's turn is over (nothing else pending)."""
        if tag == TAG_CLOSING:
            self._wrap_up_timer.cancel()
            self._tasks.spawn(
                self._end_after_playback(self.closing_reason or "client_ended"),
                name="end-after-playback",
            )
            return False
        if not self.settled():
            return False
        self._start_idle_timer()
        return True

    async def closing_line_lost(self) -> None:
        """The closing line will not be spoken (rejected, or cut by a reconnect): end now."""
        self._request_end(reason=self.closing_reason or "client_ended")

    async def on_service_idle_timeout(self, event: dict[str, Any]) -> None:
        """`input_audio_buffer.timeout_triggered`: the service reminds the caller itself."""
        if self.idle.next_action() == "end":
            self._request_end(reason="idle")

    async def close_with_line(self, text: str, reason: str) -> None:
        """Speak `text` verbatim, then end the session with `reason`."""
        await self._close_after(protocol.exact_line_response(text), reason)

    async def close_with_model_reply(self, reason: str) -> None:
        """Let the model answer once more, then end the session with `reason`."""
        await self._close_after(protocol.response_create(), reason)

    async def on_action(self, reason: str, closing_line: str) -> None:
        """A tool ended the call (`end_session`, `transfer_call`)."""
        if closing_line:
            await self.close_with_line(closing_line, reason)
        else:
            await self.close_with_model_reply(reason)

    async def _close_after(self, response_create: dict[str, Any], reason: str) -> None:
        if self.closing_reason is not None:
            return
        self.closing_reason = reason
        self._idle_timer.cancel()
        await self._responder.request(response_create, tag=TAG_CLOSING)

    async def _on_max_duration(self) -> None:
        self._idle_timer.cancel()
        text = self._setup.wrap_up_message.strip()
        if not text:
            self._request_end(reason="max_duration")
            return
        await self.close_with_line(text, "max_duration")
        self._wrap_up_timer.start(WRAP_UP_TIMEOUT_S, self._wrap_up_timeout)

    async def _wrap_up_timeout(self) -> None:
        self._request_end(reason=self.closing_reason or "max_duration")

    async def _end_after_playback(self, reason: str) -> None:
        turn = self._transcript.conversation.last_audio_turn()
        await asyncio.sleep(min(self._playback.remaining_s(turn), PLAYBACK_DRAIN_MAX_S))
        self._request_end(reason=reason)

    def _start_idle_timer(self) -> None:
        if self._service_idle or not self.idle.enabled or self.closing_reason:
            return
        if self._lifecycle.ending:
            return
        turn = self._transcript.conversation.last_audio_turn()
        drain_s = self._playback.remaining_s(turn)
        self._idle_timer.start(drain_s + self.idle.after_s, self._on_idle)

    async def _on_idle(self) -> None:
        if not self.settled():
            return
        if self.idle.next_action() == "remind":
            await self._responder.request(protocol.exact_line_response(self.idle.text))
        else:
            self._request_end(reason="idle")
