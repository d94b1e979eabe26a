"""This worker's heartbeat: one task beats for all its live sessions and sweeps lost ones.

Consumers call `register(session_id)` when a session starts and `unregister(session_id)`
when it ends. One asyncio task per process writes one UPDATE for all registered sessions
every SESSION_HEARTBEAT_INTERVAL_S (not one write per session), and every
SESSION_SWEEP_INTERVAL_S ends sessions whose worker stopped beating for
SESSION_LOST_AFTER_S (botbuilder/services/heartbeats.py). A new registration beats at once,
so a worker killed seconds after a session started still leaves a beat to sweep by.
"""

import asyncio
import logging
import os
import secrets
import socket
import time
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings

from botbuilder.services.heartbeats import (
    lost_after_s,
    sessions_heartbeat,
    sessions_sweep_lost,
)

logger = logging.getLogger(__name__)

DEFAULT_INTERVAL_S = 10.0  # between beats
DEFAULT_SWEEP_INTERVAL_S = 30.0
# This process, as written into Session.worker_id.
WORKER_ID = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def interval_s() -> float:
    return float(getattr(settings, "SESSION_HEARTBEAT_INTERVAL_S", DEFAULT_INTERVAL_S))


def sweep_interval_s() -> float:
    return float(
        getattr(settings, "SESSION_SWEEP_INTERVAL_S", DEFAULT_SWEEP_INTERVAL_S)
    )


class Heartbeat:
    """The registry of this process's live sessions and the one task beating for them."""

    def __init__(self, worker_id: str = WORKER_ID) -> None:
        self.worker_id = worker_id
        self._sessions: set[str] = set()
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._last_sweep = 0.0

    @property
    def sessions(self) -> frozenset[str]:
        return frozenset(self._sessions)

    def register(self, session_id: Any) -> None:
        """Beat for `session_id` from now on (at once, then every interval)."""
        self._sessions.add(str(session_id))
        loop = asyncio.get_running_loop()
        task = self._task
        if task is None or task.done() or task.get_loop() is not loop:
            self._wake = asyncio.Event()  # an Event belongs to one loop
            self._task = loop.create_task(self._run(), name="session-heartbeat")
        self._wake.set()

    def unregister(self, session_id: Any) -> None:
        """Stop beating for `session_id` (it ended); the task ends with the last one."""
        self._sessions.discard(str(session_id))
        if not self._sessions:
            self._wake.set()  # let the task see it has nothing left and end now

    async def _run(self) -> None:
        while self._sessions:
            self._wake.clear()
            try:
                await self.beat()
            except asyncio.CancelledError:
                raise
            except Exception:  # the database may be briefly away: beat again next time
                logger.exception("Session heartbeat failed")
            try:
                await asyncio.wait_for(self._wake.wait(), interval_s())
            except TimeoutError:
                pass

    async def beat(self) -> None:
        """One beat for every registered session; a sweep when one is due."""
        await database_sync_to_async(sessions_heartbeat)(
            session_ids=list(self._sessions), worker_id=self.worker_id
        )
        now = time.monotonic()
        if now - self._last_sweep >= sweep_interval_s():
            self._last_sweep = now
            await database_sync_to_async(sessions_sweep_lost)(
                stale_after_s=lost_after_s()
            )

    async def stop(self) -> None:
        """Cancel the task (tests, shutdown)."""
        self._sessions.clear()
        if self._task is not None and not self._task.done():
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass


heartbeat = Heartbeat()


def register(session_id: Any) -> None:
    """Module-level entry point for consumers: see Heartbeat.register."""
    heartbeat.register(session_id)


def unregister(session_id: Any) -> None:
    """Module-level entry point for consumers: see Heartbeat.unregister."""
    heartbeat.unregister(session_id)
