"""The caller's side as the components see it: events, audio and errors, mirrored to an
observer (e.g. the live monitor's group_send)."""

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from realtime.session.transport import Transport

logger = logging.getLogger(__name__)

# Sees every event sent to the caller (not audio).
Observer = Callable[[dict[str, Any]], Awaitable[None]]


class CallerOutbox:
    def __init__(self, transport: Transport, observer: Observer | None = None) -> None:
        self._transport = transport
        self._observer = observer

    async def event(self, event: dict[str, Any]) -> None:
        await self._transport.send_event(event)
        if self._observer is not None:
            try:
                await self._observer(event)
            except Exception:
                logger.exception("Session observer failed")

    async def audio(self, audio: bytes) -> None:
        await self._transport.send_audio(audio)

    async def error(self, reason: str, code: str, *, fatal: bool = False) -> None:
        """An `error` event: `reason` is for a person, `code` for the page's logic."""
        await self.event(
            {"type": "error", "reason": reason, "code": code, "fatal": fatal}
        )

    async def close(self, code: int) -> None:
        await self._transport.close(code)
