"""The test caller's side of a session: an in-memory transport that plays bot audio in
real time (like the browser) and a store that keeps the transcript in memory."""

import asyncio
import time
from collections.abc import Callable
from typing import Any


class MemoryStore:
    """`SessionStore` without a database: a test call leaves no Session row."""

    def __init__(self) -> None:
        self.items: dict[int, dict[str, Any]] = {}
        self.closed: tuple[str, str] | None = None

    def append_item(self, record: dict[str, Any]) -> None:
        self.items[record["seq"]] = record

    def set_usage(self, usage, cost_usd, turn_count, lines=None) -> None:
        return None

    def save_recording(self, path: str) -> None:
        return None

    async def close(self, *, status: str, reason: str, detail: str = "") -> None:
        self.closed = (status, reason)


class TestTransport:
    """Every event the caller would see, timestamped; bot audio "plays" from its first byte
    at real-time speed, and a `playback.flush` is answered with how much was played."""

    __test__ = False  # not a pytest class

    def __init__(self, bytes_per_ms: int) -> None:
        self.events: list[dict[str, Any]] = []
        self.times: list[float] = []  # time.monotonic() of each event
        self._bytes_per_ms = bytes_per_ms
        self._audio_started: dict[str, float] = {}  # item id → when its audio began
        self._audio_bytes: dict[str, int] = {}
        self._current_item = ""
        self.on_flush: Callable[[str, int], None] | None = None
        self.closed_with: int | None = None

    async def send_audio(self, audio: bytes) -> None:
        item = self._current_item
        self._audio_started.setdefault(item, time.monotonic())
        self._audio_bytes[item] = self._audio_bytes.get(item, 0) + len(audio)

    async def send_event(self, event: dict[str, Any]) -> None:
        self.events.append(event)
        self.times.append(time.monotonic())
        if event["type"] == "response.audio.started":
            self._current_item = event["item_id"]
        elif event["type"] == "playback.flush":
            item = event["item_id"]
            played = self.played_ms(item)
            self._audio_bytes[item] = played * self._bytes_per_ms  # the rest is dropped
            if self.on_flush is not None:
                self.on_flush(item, played)

    async def close(self, code: int = 1000) -> None:
        self.closed_with = code

    def played_ms(self, item_id: str) -> int:
        """Real time since the item's audio began, capped at the audio received."""
        started = self._audio_started.get(item_id)
        if started is None:
            return 0
        elapsed = int((time.monotonic() - started) * 1000)
        return min(elapsed, self._audio_bytes.get(item_id, 0) // self._bytes_per_ms)

    def playing(self) -> bool:
        """Some bot audio received has not finished playing yet (in real time)."""
        return any(
            self.played_ms(item) < received // self._bytes_per_ms
            for item, received in self._audio_bytes.items()
        )

    def audio_started_at(self, item_id: str) -> float | None:
        return self._audio_started.get(item_id)

    @property
    def ended(self) -> dict[str, Any] | None:
        return next((e for e in self.events if e["type"] == "session.ended"), None)

    async def first(
        self, etype: str, since: int, within_s: float
    ) -> dict[str, Any] | None:
        """The first `etype` event at index ≥ `since`, waiting up to `within_s`."""
        deadline = time.monotonic() + within_s
        while time.monotonic() < deadline:
            for event in self.events[since:]:
                if event["type"] == etype:
                    return event
            if self.ended:
                return None
            await asyncio.sleep(0.01)
        return None
