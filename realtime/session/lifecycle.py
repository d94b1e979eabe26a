"""The session's one explicit lifecycle: a phase, and the only method that changes it.

    CONNECTING ──► LIVE ◄──► RECONNECTING
        │           │             │
        └───────────┴──► CLOSING ◄┘ ──► ENDED

Every change goes through `Lifecycle.transition`, which refuses moves the table does not
allow and logs each one. Components ask the lifecycle (`is_live`, `wait_live`, `ended`)
instead of keeping flags of their own.
"""

import asyncio
import enum
import logging

logger = logging.getLogger(__name__)


class Phase(enum.Enum):
    CONNECTING = "connecting"  # opening the first upstream connection
    LIVE = "live"  # relaying: caller and model are connected
    RECONNECTING = (
        "reconnecting"  # moving to a new upstream connection; caller audio held
    )
    CLOSING = "closing"  # ending: timers stopped, last items stored, caller told
    ENDED = "ended"  # nothing more happens


TRANSITIONS: dict[Phase, frozenset[Phase]] = {
    Phase.CONNECTING: frozenset({Phase.LIVE, Phase.CLOSING}),
    Phase.LIVE: frozenset({Phase.RECONNECTING, Phase.CLOSING}),
    Phase.RECONNECTING: frozenset({Phase.LIVE, Phase.CLOSING}),
    Phase.CLOSING: frozenset({Phase.ENDED}),
    Phase.ENDED: frozenset(),
}


class IllegalTransition(RuntimeError):
    """A phase change the table does not allow (a bug in the caller of `transition`)."""


class Lifecycle:
    def __init__(self, session_id: str) -> None:
        self.session_id = session_id
        self.phase = Phase.CONNECTING
        self._live = asyncio.Event()

    @property
    def is_live(self) -> bool:
        return self.phase is Phase.LIVE

    @property
    def ending(self) -> bool:
        """Closing or ended: nothing new may start."""
        return self.phase in (Phase.CLOSING, Phase.ENDED)

    def transition(self, to: Phase, why: str = "") -> None:
        """Move to phase `to`; raises IllegalTransition for a move the table refuses."""
        if to not in TRANSITIONS[self.phase]:
            raise IllegalTransition(
                f"session {self.session_id}: {self.phase.value} -> {to.value} ({why})"
            )
        logger.info(
            "Session %s: %s -> %s%s",
            self.session_id,
            self.phase.value,
            to.value,
            f" ({why})" if why else "",
        )
        self.phase = to
        # Waiters (senders holding an event during a reconnect) wake on LIVE, and on the
        # end, when they see `ending` and give up.
        if to is Phase.LIVE or self.ending:
            self._live.set()
        else:
            self._live.clear()

    async def wait_live(self, timeout_s: float) -> bool:
        """Wait until the session is live; False on timeout or when it is ending."""
        if not self.is_live and not self.ending:
            try:
                await asyncio.wait_for(self._live.wait(), timeout_s)
            except TimeoutError:
                return False
        return self.is_live
