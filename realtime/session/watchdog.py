"""A silent model: tell the caller when it is slow, end the session if it stays silent.

Armed while a response is expected or running (the runner arms it when the response queue
is busy); every upstream event restarts it. After MODEL_SLOW_AFTER_S of silence the caller
is told the model is slow; after MODEL_SILENT_END_AFTER_S the session ends with the reason
`upstream_timeout` (instead of waiting for a keepalive timeout nobody explains).
"""

import time
from collections.abc import Callable
from typing import Any

from realtime.session.outbox import CallerOutbox
from realtime.session.timers import Timer

MODEL_SLOW_AFTER_S = 5.0  # a reply normally starts within 1-2 s
MODEL_SILENT_END_AFTER_S = 30.0  # then give up: the caller has waited long enough


class UpstreamWatchdog:
    """One timer per session; an event only notes the time (no task churn per audio delta:
    restarting a timer per event cost 6 % of the relay's CPU, bench/README.md)."""

    def __init__(
        self, outbox: CallerOutbox, *, request_end: Callable[..., Any]
    ) -> None:
        self._outbox, self._request_end = outbox, request_end
        self._timer = Timer("upstream-watchdog")
        self._last_heard = 0.0  # loop time of the last upstream event while armed
        self.armed = False
        self.slow_reported = False

    def arm(self) -> None:
        """A response is expected: start watching (no-op when already watching)."""
        if not self.armed:
            self.armed = True
            self.slow_reported = False
            self._last_heard = _now()
            self._timer.start(MODEL_SLOW_AFTER_S, self._check)

    def kick(self) -> None:
        """The model said something: the silence starts again from now. After a slow
        report (rare) the count restarts at once, so a later silence is reported again."""
        if self.armed:
            self._last_heard = _now()
            if self.slow_reported:
                self.slow_reported = False
                self._timer.start(MODEL_SLOW_AFTER_S, self._check)

    def disarm(self) -> None:
        self.armed = False
        self._timer.cancel()

    async def _check(self) -> None:
        silent_s = _now() - self._last_heard
        if silent_s < MODEL_SLOW_AFTER_S:  # heard from meanwhile: look again later
            self.slow_reported = False
            self._timer.start(MODEL_SLOW_AFTER_S - silent_s, self._check)
        elif silent_s < MODEL_SILENT_END_AFTER_S:
            self._timer.start(MODEL_SILENT_END_AFTER_S - silent_s, self._check)
            if not self.slow_reported:
                self.slow_reported = True
                await self._outbox.error(
                    "The model is taking longer than usual to answer.", "model_slow"
                )
        else:
            self.armed = False
            detail = "The model stopped answering."
            self._request_end(
                status="failed", reason="upstream_timeout", detail=detail, error=detail
            )


_now = time.monotonic  # the loop's clock under asyncio (uvloop's: the same, to the ms)
