"""One active response at a time: `response.create` waits while a response is running.

Pure bookkeeping. A response is "busy" from the moment we send `response.create` until its
`response.done` (server VAD may also start responses on its own; those count too). A
rejected create (`conversation_already_has_active_response`) goes back to the queue front; a
create refused for any other reason (`invalid_value`, ...) is dropped and frees the queue, so
the next request goes out. Requests are told apart by their `event_id`.
Each request may carry a tag (e.g. "closing") that comes back when its response is done.
"""

from collections import deque
from dataclasses import dataclass
from typing import Any

Event = dict[str, Any]


@dataclass
class _Request:
    event: Event
    tag: str | None = None
    # Items that go into the conversation right before this create (a typed message
    # sent during a response joins the conversation after that response, not inside it).
    before: list[Event] | None = None


class ResponseQueue:
    def __init__(self) -> None:
        self._queue: deque[_Request] = deque()
        self._in_flight: _Request | None = None  # sent, no response.created yet
        self._last_sent: _Request | None = None
        self._answers: dict[
            str, _Request | None
        ] = {}  # response id -> request it answers
        self.active_id: str | None = None

    @property
    def busy(self) -> bool:
        return self.active_id is not None or self._in_flight is not None

    @property
    def pending(self) -> int:
        return len(self._queue)

    def request(
        self, event: Event, tag: str | None = None, before: list[Event] | None = None
    ) -> Event | None:
        """The event to send now, or None when it was queued behind the active response.

        `before`: events to send just ahead of it (see `take_before`)."""
        req = _Request(event, tag, before)
        if self.busy:
            self._queue.append(req)
            return None
        return self._send(req)

    def take_before(self, event: Event) -> list[Event]:
        """The events to send ahead of `event` (just returned to be sent), once."""
        req = self._in_flight
        if req is None or req.event is not event or not req.before:
            return []
        before, req.before = req.before, None
        return before

    def _send(self, req: _Request) -> Event:
        self._in_flight = self._last_sent = req
        return req.event

    def on_created(self, response_id: str) -> str | None:
        """A response started; returns the tag of the request it answers (None for VAD's)."""
        req, self._in_flight = self._in_flight, None
        self.active_id = response_id
        self._answers[response_id] = req
        return req.tag if req else None

    def on_done(self, response_id: str) -> tuple[str | None, Event | None]:
        """(tag of the finished response, next queued event to send or None)."""
        req = self._answers.pop(response_id, None)
        if req is not None and req is self._last_sent:
            self._last_sent = None
        if self.active_id == response_id or self.active_id is None:
            self.active_id = None
        return (req.tag if req else None), self._next()

    def on_rejected(self, event_id: str | None) -> Event | None:
        """A create was refused as another response is active: requeue it at the front.

        Returns an event to send right away if nothing is active any more (rare race).
        """
        req = self._in_flight or self._last_sent
        if req is None or (event_id and req.event.get("event_id") != event_id):
            return None
        if self._in_flight is req:
            self._in_flight = None
        else:
            # A VAD-started response was taken for this request in on_created; undo that.
            for rid, answered in list(self._answers.items()):
                if answered is req:
                    self._answers[rid] = None
        self._last_sent = None
        self._queue.appendleft(req)
        return None if self.busy else self._next()

    def on_failed(self, event_id: str | None) -> tuple[bool, str | None, Event | None]:
        """A create was refused outright: (was it ours, its tag, next event to send)."""
        req = self._in_flight
        if req is None or not event_id or req.event.get("event_id") != event_id:
            return False, None, None
        self._in_flight = None
        if self._last_sent is req:
            self._last_sent = None
        return True, req.tag, self._next()

    def reset(self) -> bool:
        """Forget the active/in-flight response (new connection); True if one was lost."""
        lost = self.busy
        self.active_id, self._in_flight, self._last_sent = None, None, None
        self._answers.clear()
        return lost

    def take_next(self) -> Event | None:
        """The next queued event if nothing is busy (after a reconnect)."""
        return None if self.busy else self._next()

    def _next(self) -> Event | None:
        if self.busy or not self._queue:
            return None
        return self._send(self._queue.popleft())
