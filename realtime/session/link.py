"""The session's connection to the model: connect with retries, send with event ids, and
remember what each id asked for, so an `error` can be tied to the request it refuses.

Owns the current `UpstreamClient`. Events and the close of a connection the link has
replaced are dropped here, so the rest of the session only ever sees the current one.
"""

import asyncio
import logging
import random
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from realtime import protocol
from realtime.providers import UpstreamTarget
from realtime.session.lifecycle import Lifecycle
from realtime.session.outbox import CallerOutbox
from realtime.upstream import UpstreamClient, UpstreamConnectError

logger = logging.getLogger(__name__)

# Wait this long for a reconnect to finish before giving up on an outgoing event.
UPSTREAM_READY_TIMEOUT_S = 15.0
# Requests remembered for error correlation (errors come within a second or two).
SENT_REQUESTS_REMEMBERED = 256
# Connecting again after a drop: this many tries, waiting base * 2^n (+ jitter) between.
CONNECT_TRIES = 3
CONNECT_BACKOFF_BASE_S = 0.5

EventHandler = Callable[[dict[str, Any]], Awaitable[None]]
CloseHandler = Callable[[int | None, str], Awaitable[None]]


class UpstreamLink:
    def __init__(
        self,
        target: UpstreamTarget,
        lifecycle: Lifecycle,
        outbox: CallerOutbox,
        *,
        on_event: EventHandler,
        on_close: CloseHandler,
        debug: bool = False,
    ) -> None:
        self._target = target
        self._lifecycle = lifecycle
        self._outbox = outbox
        self._on_event, self._on_close = on_event, on_close
        self._debug = debug
        self._client: UpstreamClient | None = None
        self._sent: OrderedDict[str, str] = OrderedDict()  # event_id -> event type
        self.connects = 0

    @property
    def connected_at(self) -> float | None:
        return self._client.connected_at if self._client is not None else None

    async def connect(self) -> None:
        """Open a new connection (closing the old one first); UpstreamConnectError if not."""
        await self.drop()
        client: UpstreamClient | None = None

        async def on_event(event: dict[str, Any]) -> None:
            if client is self._client:
                if self._debug:
                    await self._mirror("in", event)
                await self._on_event(event)

        async def on_close(code: int | None, reason: str) -> None:
            if client is self._client:
                await self._on_close(code, reason)

        client = UpstreamClient(self._target, on_event=on_event, on_close=on_close)
        await client.connect()
        self._client = client
        self.connects += 1

    async def connect_with_retries(
        self, tries: int = CONNECT_TRIES, base_s: float = CONNECT_BACKOFF_BASE_S
    ) -> None:
        """`connect`, retried with jittered exponential backoff; the last error if all fail."""
        for attempt in range(tries):
            try:
                await self.connect()
                return
            except UpstreamConnectError as exc:
                if attempt == tries - 1:
                    raise
                delay_s = base_s * 2**attempt * random.uniform(0.8, 1.2)
                logger.warning(
                    "Upstream connect %d of %d failed (%s); again in %.1f s",
                    attempt + 1,
                    tries,
                    exc,
                    delay_s,
                )
                await asyncio.sleep(delay_s)

    async def drop(self) -> None:
        """Close the current connection (its close is not reported)."""
        client, self._client = self._client, None
        if client is not None:
            await client.close()

    def stamp(self, event: dict[str, Any]) -> dict[str, Any]:
        """`event` with an `event_id` (kept if it has one)."""
        if not event.get("event_id"):
            event["event_id"] = protocol.new_event_id()
        return event

    def request_type(self, event_id: str | None) -> str | None:
        """The type of the client event sent with `event_id` (None if unknown)."""
        if not event_id:
            return None
        if event_id.startswith(protocol.APPEND_EVENT_ID_PREFIX):
            return "input_audio_buffer.append"
        return self._sent.get(event_id)

    async def send(self, event: dict[str, Any]) -> bool:
        """Send once the session is live (waiting out a reconnect); False if it could not go."""
        if not self._lifecycle.is_live and not await self._lifecycle.wait_live(
            UPSTREAM_READY_TIMEOUT_S
        ):
            return False
        return await self.send_now(event)

    async def send_now(self, event: dict[str, Any]) -> bool:
        """Send on the current connection whatever the phase (setting a new one up)."""
        client = self._client
        if client is None:
            return False
        self._remember(self.stamp(event))
        if self._debug:
            await self._mirror("out", event)
        return await client.send(event)

    async def send_audio(self, audio: bytes) -> bool:
        """`input_audio_buffer.append` on the live connection (the per-frame path)."""
        client = self._client
        if client is None:
            return False
        if self._debug:  # the caller's debug view shows the event (not its audio)
            return await self.send_now(protocol.audio_append(audio))
        # The id says it is an append (request_type): nothing remembered per frame.
        event_id = protocol.new_append_event_id()
        return await client.send_json(protocol.audio_append_json(audio, event_id))

    def _remember(self, event: dict[str, Any]) -> None:
        self._remember_id(event["event_id"], event.get("type", ""))

    def _remember_id(self, event_id: str, etype: str) -> None:
        self._sent[event_id] = etype
        if len(self._sent) > SENT_REQUESTS_REMEMBERED:
            self._sent.popitem(last=False)

    async def _mirror(self, direction: str, event: dict[str, Any]) -> None:
        await self._outbox.event(
            {
                "type": "upstream.event",
                "direction": direction,
                "event": protocol.strip_audio(event),
            }
        )
