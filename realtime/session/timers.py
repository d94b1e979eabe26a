"""A restartable one-shot timer, and bounded cancellation of a component's tasks."""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

logger = logging.getLogger(__name__)


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


class TaskGroup:
    """Background tasks of a session, cancelled together (bounded) at its end."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task] = set()

    def spawn(self, coro: Awaitable[None], name: str) -> asyncio.Task:
        task = asyncio.create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def cancel_all(self, timeout_s: float = 2.0) -> None:
        """Cancel every task (except the current one) and wait for them, bounded."""
        current = asyncio.current_task()
        todo = [t for t in self._tasks if t is not current and not t.done()]
        for task in todo:
            task.cancel()
        if todo:
            with contextlib.suppress(Exception):
                await asyncio.wait(todo, timeout=timeout_s)
