"""The OpenAI Realtime GA wire protocol: client event builders and server event accessors.

Pure code on dicts and bytes: no Django, no websocket library. Event shapes follow
/work/shared/reference/openai-realtime-protocol.md §3 (GA names only).
"""

import base64
import itertools
from typing import Any

Event = dict[str, Any]

# The offline engine speaks the text after this prefix verbatim; real models follow it well.
EXACT_LINE_PREFIX = "Say exactly this to the caller, word for word: "

# Error codes the relay treats specially (protocol reference §7).
ERROR_ACTIVE_RESPONSE = "conversation_already_has_active_response"
ERROR_CANCEL_NOT_ACTIVE = "response_cancel_not_active"
ERROR_SESSION_EXPIRED = "session_expired"
# Some servers send these errors with `code: null`; match the message as a fallback.
_MESSAGE_FALLBACKS = {
    "already has an active response": ERROR_ACTIVE_RESPONSE,
    "no active response": ERROR_CANCEL_NOT_ACTIVE,
    "maximum duration": ERROR_SESSION_EXPIRED,
}

_event_ids = itertools.count(1)


def new_event_id() -> str:
    """A client event id, echoed back by the server in errors it can attribute."""
    return f"evt_relay_{next(_event_ids)}"


# Appends (50 a second) carry ids that say what they are: nothing to remember per frame.
APPEND_EVENT_ID_PREFIX = "evt_relay_append_"


def new_append_event_id() -> str:
    return f"{APPEND_EVENT_ID_PREFIX}{next(_event_ids)}"


# --- client events ----------------------------------------------------------------------


def session_update(session: dict[str, Any]) -> Event:
    return {"type": "session.update", "session": session}


def audio_append(audio: bytes) -> Event:
    """`input_audio_buffer.append` for raw audio in the session's input format."""
    return {
        "type": "input_audio_buffer.append",
        "audio": base64.b64encode(audio).decode(),
    }


def audio_append_json(audio: bytes, event_id: str) -> str:
    """`audio_append(audio)` with `event_id`, serialized without the JSON encoder (base64
    and our event ids need no escaping)."""
    return (
        '{"type":"input_audio_buffer.append","event_id":"'
        + event_id
        + '","audio":"'
        + base64.b64encode(audio).decode("ascii")
        + '"}'
    )


def audio_commit() -> Event:
    return {"type": "input_audio_buffer.commit"}


def audio_clear() -> Event:
    return {"type": "input_audio_buffer.clear"}


def _message(role: str, part_type: str, text: str) -> dict[str, Any]:
    return {
        "type": "message",
        "role": role,
        "content": [{"type": part_type, "text": text}],
    }


def user_text_item(text: str) -> Event:
    """A typed caller message (`input_text`)."""
    return {
        "type": "conversation.item.create",
        "item": _message("user", "input_text", text),
    }


def assistant_text_item(text: str) -> Event:
    """Assistant history as text (`output_text`): assistant audio cannot be created."""
    return {
        "type": "conversation.item.create",
        "item": _message("assistant", "output_text", text),
    }


def system_text_item(text: str) -> Event:
    return {
        "type": "conversation.item.create",
        "item": _message("system", "input_text", text),
    }


def function_call_output(call_id: str, output: str) -> Event:
    return {
        "type": "conversation.item.create",
        "item": {"type": "function_call_output", "call_id": call_id, "output": output},
    }


def truncate(item_id: str, audio_end_ms: int, content_index: int = 0) -> Event:
    return {
        "type": "conversation.item.truncate",
        "item_id": item_id,
        "content_index": content_index,
        "audio_end_ms": int(audio_end_ms),
    }


def response_create(
    *, instructions: str | None = None, out_of_band: bool = False
) -> Event:
    """`response.create`; out-of-band responses (`conversation: "none"`) stay out of history."""
    response: dict[str, Any] = {}
    if instructions is not None:
        response["instructions"] = instructions
    if out_of_band:
        response["conversation"] = "none"
    event: Event = {"type": "response.create", "event_id": new_event_id()}
    if response:
        event["response"] = response
    return event


def exact_line_response(text: str, *, out_of_band: bool = False) -> Event:
    """A response that speaks `text` verbatim (greeting, reminders, wrap-up, closing lines)."""
    return response_create(
        instructions=EXACT_LINE_PREFIX + text, out_of_band=out_of_band
    )


def response_cancel(response_id: str | None = None) -> Event:
    event: Event = {"type": "response.cancel"}
    if response_id:
        event["response_id"] = response_id
    return event


# --- server events ----------------------------------------------------------------------


def error_code(event: Event) -> str:
    """The machine-readable code of an `error` event ("" if none can be told)."""
    error = event.get("error") or {}
    code = error.get("code") or ""
    if code:
        return str(code)
    message = str(error.get("message") or "").lower()
    for needle, known in _MESSAGE_FALLBACKS.items():
        if needle in message:
            return known
    return ""


def error_message(event: Event) -> str:
    error = event.get("error") or {}
    return str(
        error.get("message") or error.get("code") or "Unknown error from the model."
    )


def error_event_id(event: Event) -> str | None:
    """The client event an `error` is about (the server echoes its `event_id`)."""
    return (event.get("error") or {}).get("event_id") or None


def item_delete(item_id: str) -> Event:
    """`conversation.item.delete`: drop an item the caller never heard from the history."""
    return {"type": "conversation.item.delete", "item_id": item_id}


def audio_delta(event: Event) -> bytes:
    """The raw audio of a `response.output_audio.delta` (decoded once, passed on as bytes)."""
    return base64.b64decode(event.get("delta") or "")


def audio_delta_size(event: Event) -> int:
    """Bytes of audio in a `response.output_audio.delta`, without decoding it."""
    delta = event.get("delta") or ""
    return len(delta) * 3 // 4 - delta[-2:].count("=")


def response_usage(event: Event) -> dict[str, Any]:
    return (event.get("response") or {}).get("usage") or {}


def strip_audio(event: Event) -> Event:
    """A copy of `event` for debugging, with base64 audio replaced by its decoded size."""
    stripped = dict(event)
    for key in ("audio", "delta"):
        value = stripped.get(key)
        if key == "delta" and not str(event.get("type", "")).endswith("audio.delta"):
            continue
        if isinstance(value, str):
            size = len(value) * 3 // 4 - value[-2:].count("=")
            stripped[key] = f"<{size} bytes>"
    return stripped


def item_text(item: dict[str, Any]) -> str:
    """Text or transcript of a message item's content parts, joined."""
    parts = []
    for part in item.get("content") or ():
        text = part.get("text") or part.get("transcript") or ""
        if text:
            parts.append(text)
    return " ".join(parts)
