"""Ordered, non-blocking persistence for a live session.

Writes are queued and run one after another by a writer task through the session services
(wrapped with `database_sync_to_async`), so the upstream receive loop never waits for the
database and items land in the order they completed. `close()` drains the queue.
"""

import asyncio
import logging
from decimal import Decimal
from typing import Any

from channels.db import database_sync_to_async

from botbuilder.pricing import Usage
from botbuilder.services import sessions as services

logger = logging.getLogger(__name__)

STORE_DRAIN_TIMEOUT_S = 10.0

_append = database_sync_to_async(services.transcript_append)
_usage = database_sync_to_async(services.session_usage_set)
_end = database_sync_to_async(services.session_end)
_recording = database_sync_to_async(services.session_recording_store)


class SessionStore:
    def __init__(self, session_id: Any) -> None:
        self.session_id = session_id
        self._queue: asyncio.Queue = asyncio.Queue()
        self._writer: asyncio.Task | None = None

    def _put(self, job) -> None:
        if self._writer is None:
            self._writer = asyncio.create_task(self._write_loop(), name="session-store")
        self._queue.put_nowait(job)

    def append_item(self, record: dict[str, Any]) -> None:
        """Store (or update, same seq) a completed transcript item."""
        self._put(lambda: _append(session_id=self.session_id, item=record))

    def set_usage(
        self,
        usage: Usage,
        cost_usd: Decimal,
        turn_count: int,
        lines: list[dict[str, Any]] | None = None,
    ) -> None:
        self._put(
            lambda: _usage(
                session_id=self.session_id,
                usage=usage,
                cost_usd=cost_usd,
                turn_count=turn_count,
                lines=lines,
            )
        )

    def save_recording(self, path: str) -> None:
        """Store the WAV file at `path` as the session's recording (the file is removed)."""
        self._put(lambda: _recording(session_id=self.session_id, path=path))

    async def close(self, *, status: str, reason: str, detail: str = "") -> None:
        """Write everything queued, then the end of the session."""
        self._put(
            lambda: _end(
                session_id=self.session_id, status=status, reason=reason, detail=detail
            )
        )
        self._queue.put_nowait(None)
        try:
            await asyncio.wait_for(asyncio.shield(self._writer), STORE_DRAIN_TIMEOUT_S)
        except TimeoutError:
            logger.error(
                "Session %s: storing the last items timed out", self.session_id
            )

    async def _write_loop(self) -> None:
        while True:
            job = await self._queue.get()
            if job is None:
                return
            try:
                await job()
            except Exception:
                logger.exception("Session %s: a write failed", self.session_id)
