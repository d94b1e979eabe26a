"""How a session reaches its caller, and the optional recorder: small interfaces."""

from typing import Any, Protocol

CLOSE_NORMAL = 1000


class Transport(Protocol):
    """The caller's side of a session (browser websocket today, a phone stream later).

    Audio is in the session's format: PCM16 mono little-endian 24 kHz for the browser
    (a phone transport would use G.711 μ-law 8 kHz and set `audio_format` to "pcmu").
    """

    async def send_audio(self, audio: bytes) -> None: ...

    async def send_event(self, event: dict[str, Any]) -> None: ...

    async def close(self, code: int = CLOSE_NORMAL) -> None: ...


class Recorder(Protocol):
    """Optional two-sided recording (bot.record_audio); `at_ms` is on the session clock."""

    def add_caller(self, audio: bytes, at_ms: int) -> None: ...

    def add_bot(self, audio: bytes, at_ms: int) -> None: ...

    def cut_bot(self, at_ms: int) -> None:
        """Drop bot audio from `at_ms` on (flushed at a barge-in, never heard)."""

    def finish(self, path: str) -> None: ...
