"""A silent model: tell the caller when it is slow, end the session if it stays silent.

Armed while a response is expected or running (the runner arms it when the response queue
is busy); every upstream event restarts it. After MODEL_SLOW_AFTER_S of silence the caller
is told the model is slow; after MODEL_SILENT_END_AFTER_S the session ends with the reason
`upstream_timeout` (instead of waiting for a keepalive timeout nobody explains).
"""

from collections.abc import Awaitable, Callable

from realtime.session.timers import Timer

MODEL_SLOW_AFTER_S = 5.0  # a reply normally starts within 1-2 s
MODEL_SILENT_END_AFTER_S = 30.0  # then give up: the caller has waited long enough


class UpstreamWatchdog:
    def __init__(
        self,
        *,
        on_slow: Callable[[], Awaitable[None]],
        on_silent: Callable[[], Awaitable[None]],
    ) -> None:
        self._on_slow, self._on_silent = on_slow, on_silent
        self._timer = Timer("upstream-watchdog")
        self.armed = False
        self.slow_reported = False

    def arm(self) -> None:
        """A response is expected: start watching (no-op when already watching)."""
        if not self.armed:
            self.armed = True
            self._restart()

    def kick(self) -> None:
        """The model said something: restart the silence count."""
        if self.armed:
            self._restart()

    def disarm(self) -> None:
        self.armed = False
        self._timer.cancel()

    def _restart(self) -> None:
        self.slow_reported = False
        self._timer.start(MODEL_SLOW_AFTER_S, self._slow)

    async def _slow(self) -> None:
        self.slow_reported = True
        self._timer.start(MODEL_SILENT_END_AFTER_S - MODEL_SLOW_AFTER_S, self._silent)
        await self._on_slow()

    async def _silent(self) -> None:
        self.armed = False
        await self._on_silent()
