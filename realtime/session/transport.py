"""How a session reaches its caller, the optional recorder, and the close codes: small
interfaces."""

from typing import Any, Protocol

# Websocket close codes (realtime/browser_protocol.md): 1000 is a normal end; a session that
# failed closes with an application code, so a client can tell the two apart.
CLOSE_NORMAL = 1000
CLOSE_UPSTREAM_FAILED = 4502  # the model could not be reached, or its connection broke
CLOSE_UPSTREAM_TIMEOUT = 4504  # the model stopped answering
CLOSE_SERVER_ERROR = 4511  # the session failed on our side

# End reasons that are failures, with their close codes.
FAILURE_CLOSE_CODES = {
    "upstream_error": CLOSE_UPSTREAM_FAILED,
    "upstream_timeout": CLOSE_UPSTREAM_TIMEOUT,
    "server_error": CLOSE_SERVER_ERROR,
}


def close_code_for(status: str, reason: str) -> int:
    """The close code of a session that ended with `status` and `reason`."""
    if status != "failed":
        return CLOSE_NORMAL
    return FAILURE_CLOSE_CODES.get(reason, CLOSE_SERVER_ERROR)


class Transport(Protocol):
    """The caller's side of a session (browser websocket, phone stream).

    Audio is in the session's format: PCM16 mono little-endian 24 kHz for the browser,
    G.711 μ-law 8 kHz for a phone stream (`audio_format` "pcmu").
    """

    async def send_audio(self, audio: bytes) -> None: ...

    async def send_event(self, event: dict[str, Any]) -> None: ...

    async def close(self, code: int = CLOSE_NORMAL) -> None: ...


class Recorder(Protocol):
    """Optional two-sided recording (bot.record_audio); `at_ms` is on the session clock.

    Calls must return at once (they are made on the event loop for every frame)."""

    def add_caller(self, audio: bytes, at_ms: int) -> None: ...

    def add_bot(self, audio: bytes, at_ms: int) -> None: ...

    def cut_bot(self, at_ms: int) -> None:
        """Drop bot audio from `at_ms` on (flushed at a barge-in, never heard)."""

    def finish(self, path: str) -> None:
        """Write the WAV to `path` (blocking: called in a thread)."""
