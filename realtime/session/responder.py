"""Asking the model for responses: the queue (`responses.py`) on the live link, with the
silence watchdog armed while a response is expected or running."""

from typing import Any

from realtime.session.link import UpstreamLink
from realtime.session.responses import ResponseQueue
from realtime.session.watchdog import UpstreamWatchdog


class Responder:
    def __init__(self, link: UpstreamLink, watchdog: UpstreamWatchdog) -> None:
        self._link = link
        self._watchdog = watchdog
        self._queue = ResponseQueue()

    @property
    def busy(self) -> bool:
        return self._queue.busy

    @property
    def pending(self) -> int:
        return self._queue.pending

    @property
    def active_id(self) -> str | None:
        return self._queue.active_id

    async def request(
        self,
        event: dict[str, Any],
        tag: str | None = None,
        *,
        before: list[dict[str, Any]] | None = None,
    ) -> None:
        """Send `response.create` now, or after the active response is done; `before`
        (conversation items) goes out just ahead of it."""
        await self._send(self._queue.request(self._link.stamp(event), tag, before))

    def on_created(self, response_id: str) -> str | None:
        tag = self._queue.on_created(response_id)
        self._watch()
        return tag

    async def on_done(self, response_id: str) -> str | None:
        """The response is done: its request's tag; the next queued request goes out."""
        tag, next_event = self._queue.on_done(response_id)
        await self._send(next_event)
        return tag

    async def on_rejected(self, event_id: str | None) -> None:
        """Refused because another response is active: it goes out again after that one."""
        await self._send(self._queue.on_rejected(event_id))

    async def on_failed(self, event_id: str | None) -> tuple[bool, str | None]:
        """Refused outright: (was it a queued create of ours, its tag); the queue moves on."""
        ours, tag, next_event = self._queue.on_failed(event_id)
        await self._send(next_event)
        return ours, tag

    def reset(self) -> bool:
        """A new connection: forget what was active; True if a response was lost."""
        lost = self._queue.reset()
        self._watch()
        return lost

    async def resume(self) -> bool:
        """On a new connection, send the next queued request; True if one went out."""
        next_event = self._queue.take_next()
        await self._send(next_event)
        return next_event is not None

    async def _send(self, event: dict[str, Any] | None) -> None:
        if event is not None:
            for item in self._queue.take_before(event):
                await self._link.send(item)
            await self._link.send(event)
        self._watch()

    def _watch(self) -> None:
        if self._queue.busy:
            self._watchdog.arm()
        else:
            self._watchdog.disarm()
