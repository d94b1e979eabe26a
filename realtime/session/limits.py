"""Session limits: idle reminders, the maximum duration, closing lines; a restartable timer."""

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from realtime import protocol
from realtime.session.bargein import audio_ms, playback_remaining_s
from realtime.session.turns import AssistantTurn

logger = logging.getLogger(__name__)

# After the wrap-up line is requested, end the session anyway after this long.
WRAP_UP_TIMEOUT_S = 30.0
# Never wait longer than this for buffered bot audio to finish playing before ending.
PLAYBACK_DRAIN_MAX_S = 15.0
TAG_CLOSING = "closing"  # a response after which the session ends


class Timer:
    """Runs a coroutine after a delay; restarting or cancelling drops the pending run."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._task: asyncio.Task | None = None

    @property
    def pending(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self, delay_s: float, callback: Callable[[], Awaitable[None]]) -> None:
        self.cancel()
        self._task = asyncio.create_task(self._run(delay_s, callback), name=self.name)

    def cancel(self) -> None:
        task, self._task = self._task, None
        if task is not None and task is not asyncio.current_task() and not task.done():
            task.cancel()

    async def _run(
        self, delay_s: float, callback: Callable[[], Awaitable[None]]
    ) -> None:
        await asyncio.sleep(max(0.0, delay_s))
        try:
            await callback()
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("Timer %s failed", self.name)


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


async def cancel_tasks(tasks: list[asyncio.Task], timeout_s: float = 2.0) -> None:
    """Cancel `tasks` (except the current one) and wait for them, bounded."""
    current = asyncio.current_task()
    todo = [t for t in tasks if t is not current and not t.done()]
    for task in todo:
        task.cancel()
    if todo:
        with contextlib.suppress(Exception):
            await asyncio.wait(todo, timeout=timeout_s)


class TurnLimits:
    """Idle reminders, the maximum duration, and closing lines that end the session."""

    async def _on_max_duration(self) -> None:
        self.idle_timer.cancel()
        text = self.setup.wrap_up_message.strip()
        if not text:
            self.request_end(reason="max_duration")
            return
        await self._close_with_line(text, "max_duration")
        self.wrap_up_timer.start(WRAP_UP_TIMEOUT_S, self._wrap_up_timeout)

    async def _wrap_up_timeout(self) -> None:
        self.request_end(reason=self.closing_reason or "max_duration")

    async def _close_with_line(self, text: str, reason: str) -> None:
        """Speak `text` verbatim, then end the session with `reason`."""
        await self._close_after(protocol.exact_line_response(text), reason)

    async def _close_with_model_reply(self, reason: str) -> None:
        """Let the model answer once more, then end the session with `reason`."""
        await self._close_after(protocol.response_create(), reason)

    async def _close_after(self, response_create: dict[str, Any], reason: str) -> None:
        if self.closing_reason is not None:
            return
        self.closing_reason = reason
        self.idle_timer.cancel()
        await self._request_response(response_create, tag=TAG_CLOSING)

    async def _end_after_playback(self, reason: str) -> None:
        turn = self.conversation.last_audio_turn()
        wait_s = self._playback_remaining_s(turn) if turn else 0.0
        await asyncio.sleep(min(wait_s, PLAYBACK_DRAIN_MAX_S))
        self.request_end(reason=reason)

    def _settled(self) -> bool:
        """Nothing running or queued: the bot has finished its turn."""
        return (
            not self.responses.busy
            and not self.responses.pending
            and not self._tool_batch_pending()
            and self.closing_reason is None
            and not self.ended
        )

    def _playback_remaining_s(self, turn: AssistantTurn) -> float:
        sent_ms = audio_ms(turn.audio_bytes, self.setup.bytes_per_ms)
        return playback_remaining_s(time.monotonic(), turn.first_audio_at, sent_ms)

    def _start_idle_timer(self) -> None:
        if not self.idle.enabled or self.ended or self.closing_reason is not None:
            return
        turn = self.conversation.last_audio_turn()
        drain_s = self._playback_remaining_s(turn) if turn else 0.0
        self.idle_timer.start(drain_s + self.idle.after_s, self._on_idle)

    async def _on_idle(self) -> None:
        if not self._settled():
            return
        if self.idle.next_action() == "remind":
            await self._request_response(protocol.exact_line_response(self.idle.text))
        else:
            self.request_end(reason="idle")
