"""Server-event builders and ids in the Realtime GA shapes (pure functions on dicts)."""

import secrets
from typing import Any

CHARS_PER_TEXT_TOKEN = 4  # OpenAI's rule of thumb for English text
AUDIO_IN_MS_PER_TOKEN = 100  # user audio: 1 token per 100 ms
AUDIO_OUT_MS_PER_TOKEN = 50  # assistant audio: 1 token per 50 ms


def new_id(prefix: str) -> str:
    """An id like OpenAI's: `<prefix>_` + 22 random characters."""
    return f"{prefix}_{secrets.token_urlsafe(16)[:22]}"


def event(type_: str, **fields: Any) -> dict[str, Any]:
    """A server event with a fresh `event_id`."""
    return {"type": type_, "event_id": new_id("event"), **fields}


def error_event(
    message: str,
    *,
    code: str | None = None,
    type_: str = "invalid_request_error",
    param: str | None = None,
    event_id: str | None = None,
) -> dict[str, Any]:
    """An `error` event; the session stays open."""
    error = {
        "type": type_,
        "code": code,
        "message": message,
        "param": param,
        "event_id": event_id,
    }
    return event("error", error=error)


def text_tokens(text: str) -> int:
    """Text tokens at about four characters per token."""
    return -(-len(text) // CHARS_PER_TEXT_TOKEN) if text else 0


def usage(
    *, input_text: int, input_audio: int, output_text: int, output_audio: int
) -> dict[str, Any]:
    """A GA `usage` block (token counts; nothing is cached here)."""
    inputs = input_text + input_audio
    outputs = output_text + output_audio
    return {
        "total_tokens": inputs + outputs,
        "input_tokens": inputs,
        "output_tokens": outputs,
        "input_token_details": {
            "text_tokens": input_text,
            "audio_tokens": input_audio,
            "image_tokens": 0,
            "cached_tokens": 0,
            "cached_tokens_details": {
                "text_tokens": 0,
                "audio_tokens": 0,
                "image_tokens": 0,
            },
        },
        "output_token_details": {
            "text_tokens": output_text,
            "audio_tokens": output_audio,
        },
    }


def response_object(
    response_id: str,
    *,
    status: str,
    output: list[dict[str, Any]],
    conversation_id: str | None,
    modalities: list[str],
    audio_output: dict[str, Any],
    metadata: dict[str, Any] | None,
    max_output_tokens: Any = "inf",
    status_details: dict[str, Any] | None = None,
    usage_block: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A GA `RealtimeResponse`."""
    return {
        "id": response_id,
        "object": "realtime.response",
        "status": status,
        "status_details": status_details,
        "output": output,
        "conversation_id": conversation_id,
        "output_modalities": modalities,
        "audio": {"output": audio_output},
        "max_output_tokens": max_output_tokens,
        "metadata": metadata,
        "usage": usage_block,
    }


def rate_limits_event() -> dict[str, Any]:
    """`rate_limits.updated` with generous fixed limits (nothing is limited offline)."""
    return event(
        "rate_limits.updated",
        rate_limits=[
            {
                "name": "requests",
                "limit": 10000,
                "remaining": 9999,
                "reset_seconds": 0.006,
            },
            {
                "name": "tokens",
                "limit": 2_000_000,
                "remaining": 1_999_000,
                "reset_seconds": 0.03,
            },
        ],
    )
