"""JSONL: one conversation per line in chat-messages form, for eval sets and fine-tuning.

`{"messages": [...], "metadata": {...}}`: the system message holds the instructions that
were live; caller and bot turns become user/assistant messages (an interrupted reply keeps
only what the caller heard); tool calls become `tool_calls` on the assistant message they
followed (or a message of their own) and each result a `tool` message. Turns with no text
(nothing transcribed, nothing heard) are left out.
"""

import json
from collections.abc import Iterable, Iterator
from typing import Any

from botbuilder.exports.data import ItemData, SessionData


def _arguments(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps({} if value is None else value, ensure_ascii=False)


def chat_messages(
    session: SessionData, items: Iterable[ItemData]
) -> Iterator[dict[str, Any]]:
    """The conversation as chat messages, in order."""
    if session.instructions is not None:
        yield {"role": "system", "content": session.instructions}
    pending: dict[str, Any] | None = (
        None  # assistant message that may still get tool calls
    )
    results: list[dict[str, Any]] = []
    for item in items:
        if item.is_tool_call:
            if pending is None:
                pending = {"role": "assistant", "content": None}
            call_id = item.tool_call_id or f"call_{item.seq}"
            pending.setdefault("tool_calls", []).append(
                {
                    "id": call_id,
                    "type": "function",
                    "function": {
                        "name": item.tool_name,
                        "arguments": _arguments(item.tool_arguments),
                    },
                }
            )
            results.append(
                {"role": "tool", "tool_call_id": call_id, "content": item.tool_result}
            )
            continue
        if item.kind != "message" or item.role not in ("user", "assistant", "system"):
            continue
        text = item.spoken_text.strip()
        if not text:
            continue
        if pending is not None:
            yield pending
            yield from results
            results = []
        pending = None
        message = {"role": item.role, "content": text}
        if item.role == "assistant":
            pending = message
        else:
            yield message
    if pending is not None:
        yield pending
        yield from results


def render_jsonl(session: SessionData, items: Iterable[ItemData]) -> Iterator[str]:
    """One JSON line: the conversation's messages and the session's metadata."""
    metadata = {
        "session_id": session.id,
        "bot": session.bot_slug or None,
        "bot_name": session.bot_name,
        "started_at": session.started_at.isoformat(),
        "ended_at": session.ended_at.isoformat() if session.ended_at else None,
        "channel": session.channel,
        "model": session.model,
        "status": session.status,
    }
    yield '{"messages": ['
    for n, message in enumerate(chat_messages(session, items)):
        yield ("" if n == 0 else ", ") + json.dumps(message, ensure_ascii=False)
    yield '], "metadata": ' + json.dumps(metadata, ensure_ascii=False) + "}\n"
