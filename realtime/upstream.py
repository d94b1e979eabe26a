"""The upstream Realtime websocket client, one for every provider (OpenAI, Azure, compatible,
the offline engine).

`connect()`, `send()`, `close()`, and a receive loop kept as a task attribute that hands every
server event to `on_event` and reports the end of the connection to `on_close` (unless we
closed it ourselves). `ConnectionClosed` is a normal end, not an error.
"""

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from realtime.providers import UpstreamTarget

logger = logging.getLogger(__name__)

UPSTREAM_CONNECT_TIMEOUT_S = 10.0  # the handshake, including TLS
UPSTREAM_CLOSE_TIMEOUT_S = 2.0  # wait this long for the receive loop to end on close
UPSTREAM_MAX_MESSAGE_BYTES = (
    16 * 1024 * 1024
)  # session.updated echoes long instructions

EventHandler = Callable[[dict[str, Any]], Awaitable[None]]
CloseHandler = Callable[[int | None, str], Awaitable[None]]


class UpstreamConnectError(RuntimeError):
    """The upstream could not be reached; the message is readable and holds no secret."""


class _NoHeadersLogger(logging.LoggerAdapter):
    """websockets logs handshake headers at DEBUG; drop those lines (they carry the key)."""

    def log(self, level: int, msg: Any, *args: Any, **kwargs: Any) -> None:
        if isinstance(msg, str) and msg in ("> %s: %s", "< %s: %s"):
            return
        super().log(level, msg, *args, **kwargs)


_wire_logger = _NoHeadersLogger(logging.getLogger("realtime.upstream.wire"), {})


class UpstreamClient:
    """One websocket to the model; JSON text frames both ways."""

    def __init__(
        self, target: UpstreamTarget, *, on_event: EventHandler, on_close: CloseHandler
    ) -> None:
        self.target = target
        self._on_event = on_event
        self._on_close = on_close
        self._ws: ClientConnection | None = None
        self._receive_task: asyncio.Task | None = None
        self._closing = False
        self.connected_at: float | None = None  # time.monotonic() of the handshake

    @property
    def is_open(self) -> bool:
        return (
            self._ws is not None and not self._closing and self._ws.close_code is None
        )

    async def connect(self) -> None:
        """Open the websocket and start the receive loop."""
        logger.info("Connecting upstream to %s", self.target.url)
        try:
            self._ws = await connect(
                self.target.url,
                additional_headers=self.target.headers,
                open_timeout=UPSTREAM_CONNECT_TIMEOUT_S,
                max_size=UPSTREAM_MAX_MESSAGE_BYTES,
                logger=_wire_logger,
                compression=None,  # audio in base64 barely compresses; save the CPU
                # The SSRF guard's vetted address (websockets keeps the URL's name for TLS
                # and Host); none: resolve the URL's host.
                **(
                    {"host": self.target.connect_address}
                    if self.target.connect_address
                    else {}
                ),
            )
        except InvalidStatus as exc:
            status = exc.response.status_code
            raise UpstreamConnectError(
                f"The model server refused the connection (HTTP {status})."
                + (" Check the API key." if status in (401, 403) else "")
            ) from None
        except Exception as exc:  # unreachable, refused, timed out, not a websocket...
            # One message for all: it must not tell an open port from a closed one.
            logger.info("Upstream connect failed: %s", exc.__class__.__name__)
            raise UpstreamConnectError(
                f"Could not connect to the model server at {self.target.url}."
            ) from None
        self.connected_at = time.monotonic()
        self._receive_task = asyncio.create_task(
            self._receive_loop(), name="upstream-rx"
        )

    async def send(self, event: dict[str, Any]) -> bool:
        """Send one client event; False when the connection is gone (the event is dropped)."""
        return await self.send_json(json.dumps(event, separators=(",", ":")))

    async def send_json(self, text: str) -> bool:
        """Send one client event already serialized to JSON; see `send`."""
        if self._ws is None or self._closing:  # closed: send raises ConnectionClosed
            return False
        try:
            await self._ws.send(text)
        except ConnectionClosed:
            return False
        return True

    async def close(self) -> None:
        """Close the websocket and stop the receive loop (bounded by a timeout)."""
        self._closing = True
        if self._ws is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._ws.close(), UPSTREAM_CLOSE_TIMEOUT_S)
        task = self._receive_task
        if task is not None and task is not asyncio.current_task() and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, TimeoutError, Exception):
                await asyncio.wait_for(task, UPSTREAM_CLOSE_TIMEOUT_S)

    async def _receive_loop(self) -> None:
        ws = self._ws
        try:
            async for message in ws:
                try:
                    event = json.loads(message)
                except (TypeError, ValueError):
                    logger.warning(
                        "Ignoring a non-JSON upstream frame (%d chars)", len(message)
                    )
                    continue
                if not isinstance(event, dict):
                    logger.warning("Ignoring an upstream frame that is not an object")
                    continue
                try:
                    await self._on_event(event)
                except asyncio.CancelledError:
                    raise
                except Exception:
                    logger.exception(
                        "Handling upstream event %s failed", event.get("type")
                    )
                # Not held while waiting for the next one (the last event is often the
                # session.updated echo: instructions, tools, ~5 KiB a session).
                event = message = None
        except ConnectionClosed:
            pass
        if not self._closing:
            code, reason = ws.close_code, ws.close_reason or ""
            logger.info("Upstream closed: code %s %s", code, reason)
            await self._on_close(code, reason)
