"""The session clock, and response latency: caller stopped speaking → first bot audio."""

import time

from realtime.session.outbox import CallerOutbox
from realtime.session.turns import AssistantTurn


class TurnClock:
    def __init__(self, outbox: CallerOutbox, endpointing_ms: int | None) -> None:
        self._outbox = outbox
        self._endpointing_ms = endpointing_ms
        self._t0 = time.monotonic()
        self._turn_end_at: float | None = None  # monotonic time the caller's turn ended
        self._created_at: dict[str, float] = {}  # response id -> monotonic time

    def now_ms(self) -> int:
        """Milliseconds since the session started."""
        return int((time.monotonic() - self._t0) * 1000)

    def caller_turn_ended(self) -> None:
        self._turn_end_at = time.monotonic()

    def response_created(self, response_id: str) -> None:
        self._created_at[response_id] = time.monotonic()

    def response_done(self, response_id: str) -> None:
        self._created_at.pop(response_id, None)

    def reset(self) -> None:
        """A new connection: responses of the old one will not report."""
        self._created_at.clear()

    async def first_audio(self, turn: AssistantTurn, now: float) -> None:
        """`turn` started playing at `now`: measure it if it answers the caller's turn."""
        ended_at = self._turn_end_at
        created_at = self._created_at.get(turn.response_id)
        if ended_at is None or created_at is None or created_at < ended_at:
            return
        self._turn_end_at = None
        turn.latency_ms = int((now - ended_at) * 1000)
        await self._outbox.event(
            {
                "type": "turn.latency",
                "item_id": turn.item_id,
                "response_ms": turn.latency_ms,
                "endpointing_ms": self._endpointing_ms,
            }
        )
