"""Websocket serving: one Session per connection at /v1/realtime?model=... (no Django)."""

import asyncio
import json
import logging
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from realtime.engine import semantic
from realtime.engine.events import error_event
from realtime.engine.recognisers import Pocketsphinx, Recogniser
from realtime.engine.session import Session
from realtime.engine.voices import voice_from_query

logger = logging.getLogger(__name__)
# websockets logs every connection at INFO; the engine logs one line per session itself.
protocol_logger = logging.getLogger("realtime.engine.websockets")
protocol_logger.setLevel(logging.WARNING)

REALTIME_PATH = "/v1/realtime"
DEFAULT_MODEL = "gpt-realtime-mini"
MAX_FRAME_BYTES = 16 * 1024 * 1024  # 15 MiB of base64 audio per append, plus JSON
CLOSE_GOING_AWAY = 1001
WORKER_THREADS = max(
    2, os.cpu_count() or 2
)  # speech work runs here, off the event loop


class EngineServer:
    """The engine: `await start()`, then serve until `close()`."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 8765,
        max_session_s: float | None = None,
        tap: Callable[[str, Any], None] | None = None,
        recogniser: Recogniser | None = None,
    ):
        self.host = host
        self.port = port
        self.max_session_s = max_session_s or None
        # Sees every frame: ("client", raw frame) in, ("server", event) out (test oracles).
        self.tap = tap
        self.recogniser = recogniser or Pocketsphinx()
        self.executor = ThreadPoolExecutor(WORKER_THREADS, thread_name_prefix="engine")
        self.server: Server | None = None

    async def start(self) -> None:
        # Load the embedding model (about a second) in a worker thread while the first
        # client connects, not on its first turn.
        self.executor.submit(semantic.model)
        self.executor.submit(self.recogniser.warm_up)
        self.server = await serve(
            self._connection,
            self.host,
            self.port,
            process_request=self._check_path,
            max_size=MAX_FRAME_BYTES,
            logger=protocol_logger,
            ping_interval=None,
        )
        self.port = self.server.sockets[0].getsockname()[1]
        logger.info(
            "offline realtime engine listening on ws://%s:%s%s",
            self.host,
            self.port,
            REALTIME_PATH,
        )

    async def close(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()
        self.executor.shutdown(wait=False, cancel_futures=True)

    def _check_path(
        self, connection: ServerConnection, request: Request
    ) -> Response | None:
        if urlsplit(request.path).path.rstrip("/") != REALTIME_PATH:
            return connection.respond(
                404, f"Not found: use {REALTIME_PATH}?model=...\n"
            )
        return None

    async def _connection(self, ws: ServerConnection) -> None:
        query = urlsplit(ws.request.path).query
        model = parse_qs(query).get("model", [DEFAULT_MODEL])[0] or DEFAULT_MODEL

        async def send(message: dict[str, Any]) -> None:
            if self.tap is not None:
                self.tap("server", message)
            try:
                await ws.send(json.dumps(message))
            except ConnectionClosed:
                pass  # the client left; the receive loop ends the session

        session = Session(
            send,
            model=model,
            executor=self.executor,
            recogniser=self.recogniser,
            voice_override=voice_from_query(query),
        )
        logger.info(
            "session %s started (model %s, recogniser %s)",
            session.config["id"],
            model,
            self.recogniser.name,
        )
        expiry = (
            asyncio.create_task(self._expire(ws, session))
            if self.max_session_s
            else None
        )
        try:
            await session.start()
            async for frame in ws:
                if self.tap is not None:
                    self.tap("client", frame)
                await session.handle(frame)
        except ConnectionClosed:
            pass
        finally:
            if expiry is not None:
                expiry.cancel()
            await session.close()
            logger.info("session %s ended", session.config["id"])

    async def _expire(self, ws: ServerConnection, session: Session) -> None:
        await asyncio.sleep(self.max_session_s)
        minutes = self.max_session_s / 60
        shown = f"{minutes:g}" if minutes >= 1 else f"{minutes:.2f}"
        await session.send(
            error_event(
                f"Your session hit the maximum duration of {shown} minutes.",
                code="session_expired",
            )
        )
        await ws.close(CLOSE_GOING_AWAY, "session expired")


async def run(
    host: str,
    port: int,
    max_session_s: float | None = None,
    recogniser: Recogniser | None = None,
) -> None:
    """Serve forever (until cancelled)."""
    server = EngineServer(host, port, max_session_s, recogniser=recogniser)
    await server.start()
    try:
        await asyncio.Future()
    finally:
        await server.close()
