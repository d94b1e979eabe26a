"""Checking what the browser sends (pure): sizes, rates, message shapes.

Every problem raises `ClientInputError` with a readable reason and a code; the consumer sends
it back as an `error` message and the session goes on.
"""

import json
from dataclasses import dataclass
from typing import Any

from botbuilder.assembly.variables import VARIABLE_NAME_RE

MAX_CLIENT_FRAME_BYTES = 24_000  # 500 ms of PCM16 mono 24 kHz in one binary frame
MAX_CLIENT_TEXT_FRAME_CHARS = 16_000  # one JSON control message
MAX_CLIENT_MESSAGES_PER_S = (
    100  # 50 frames/s is 20 ms audio frames; leave room for control
)
MAX_TEXT_MESSAGE_CHARS = 4_000  # a typed caller message
MAX_VARIABLES = 50
MAX_VARIABLE_VALUE_CHARS = 1_000
MAX_PLAYED_MS = 4 * 3600 * 1000  # a playback position beyond 4 hours is nonsense

CLIENT_TYPES = (
    "session.start",
    "text",
    "playback",
    "audio.commit",
    "audio.clear",
    "session.end",
)


class ClientInputError(ValueError):
    def __init__(self, reason: str, code: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


def check_audio_frame(data: bytes) -> None:
    """A binary frame must be whole PCM16 samples, 2 to MAX_CLIENT_FRAME_BYTES bytes."""
    if not data:
        raise ClientInputError("Empty audio frame.", "empty_audio_frame")
    if len(data) > MAX_CLIENT_FRAME_BYTES:
        raise ClientInputError(
            f"Audio frame of {len(data)} bytes is larger than {MAX_CLIENT_FRAME_BYTES} bytes "
            "(500 ms); send smaller frames.",
            "frame_too_large",
        )
    if len(data) % 2:
        raise ClientInputError(
            f"Audio frame of {len(data)} bytes is not whole 16-bit samples (odd length).",
            "bad_audio_length",
        )


def _variables(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ClientInputError(
            "'variables' must be an object of strings.", "invalid_variables"
        )
    if len(value) > MAX_VARIABLES:
        raise ClientInputError(
            f"At most {MAX_VARIABLES} variables.", "invalid_variables"
        )
    result = {}
    for name, val in value.items():
        if not VARIABLE_NAME_RE.match(str(name)):
            raise ClientInputError(
                f"Variable name {name!r} must use letters, digits and _.",
                "invalid_variables",
            )
        if isinstance(val, bool) or not isinstance(val, (str, int, float)):
            raise ClientInputError(
                f"Variable {name!r} must be a string.", "invalid_variables"
            )
        if len(str(val)) > MAX_VARIABLE_VALUE_CHARS:
            raise ClientInputError(
                f"Variable {name!r} is longer than {MAX_VARIABLE_VALUE_CHARS} characters.",
                "invalid_variables",
            )
        result[name] = str(val)
    return result


def _flag(message: dict[str, Any], name: str) -> bool:
    value = message.get(name, False)
    if not isinstance(value, bool):
        raise ClientInputError(f"'{name}' must be true or false.", "invalid_field")
    return value


def _check_unicode(message: dict[str, Any]) -> None:
    """Refuse text that is not valid Unicode (a lone surrogate such as "\\ud800"): it could
    be neither sent to the model nor stored and shown again."""
    try:
        json.dumps(message, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise ClientInputError(
            "Message contains text that is not valid Unicode (a lone surrogate).",
            "invalid_text",
        ) from None


def parse_control(text: str) -> dict[str, Any]:
    """A validated control message with its `type` and normalised fields."""
    if len(text) > MAX_CLIENT_TEXT_FRAME_CHARS:
        raise ClientInputError(
            f"Message longer than {MAX_CLIENT_TEXT_FRAME_CHARS} characters.",
            "message_too_large",
        )
    try:
        message = json.loads(text)
    except ValueError:
        raise ClientInputError("Message is not valid JSON.", "invalid_json") from None
    except RecursionError:
        raise ClientInputError(
            "Message is nested too deeply.", "invalid_message"
        ) from None
    if not isinstance(message, dict):
        raise ClientInputError("Message must be a JSON object.", "invalid_message")
    _check_unicode(message)
    mtype = message.get("type")
    if not isinstance(mtype, str) or not mtype:
        raise ClientInputError("Message has no 'type'.", "missing_type")
    if mtype not in CLIENT_TYPES:
        raise ClientInputError(
            f"Unknown message type {mtype[:40]!r}; expected one of {', '.join(CLIENT_TYPES)}.",
            "unknown_type",
        )
    if mtype == "session.start":
        return {
            "type": mtype,
            "variables": _variables(message.get("variables")),
            "push_to_talk": _flag(message, "push_to_talk"),
            "debug": _flag(message, "debug"),
        }
    if mtype == "text":
        body = message.get("text")
        if not isinstance(body, str) or not body.strip():
            raise ClientInputError(
                "'text' must be a non-empty string.", "invalid_field"
            )
        if len(body) > MAX_TEXT_MESSAGE_CHARS:
            raise ClientInputError(
                f"'text' is longer than {MAX_TEXT_MESSAGE_CHARS} characters.",
                "invalid_field",
            )
        return {"type": mtype, "text": body.strip()}
    if mtype == "playback":
        item_id, played = message.get("item_id"), message.get("played_ms")
        if not isinstance(item_id, str) or not item_id:
            raise ClientInputError(
                "'item_id' must be a non-empty string.", "invalid_field"
            )
        if (
            isinstance(played, bool)
            or not isinstance(played, int)
            or not 0 <= played <= MAX_PLAYED_MS
        ):
            raise ClientInputError(
                "'played_ms' must be a whole number ≥ 0.", "invalid_field"
            )
        cut = message.get("interrupted", False)
        if not isinstance(cut, bool):
            raise ClientInputError(
                "'interrupted' must be true or false.", "invalid_field"
            )
        return {
            "type": mtype,
            "item_id": item_id,
            "played_ms": played,
            "interrupted": cut,
        }
    return {"type": mtype}


@dataclass
class RateLimiter:
    """At most `limit` messages per one-second window."""

    limit: int = MAX_CLIENT_MESSAGES_PER_S
    window_start_s: float = 0.0
    count: int = 0
    dropped: int = 0

    def allow(self, now_s: float) -> bool:
        if now_s - self.window_start_s >= 1.0:
            self.window_start_s, self.count, self.dropped = now_s, 0, 0
        self.count += 1
        if self.count > self.limit:
            self.dropped += 1
            return False
        return True
