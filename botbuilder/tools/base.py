"""The tool interface the live session uses: run a tool call, get what the model receives."""

import json
from dataclasses import dataclass, field
from typing import Any

from botbuilder.knowledge.search import KnowledgeIndex


@dataclass
class ToolContext:
    """What a running tool may know about its session (plain data, no ORM)."""

    session_id: str
    bot_id: int | None = None
    variables: dict[str, str] = field(default_factory=dict)
    knowledge: KnowledgeIndex | None = None


@dataclass
class ToolOutcome:
    """The result of one call. `output` is the string sent as function_call_output."""

    output: str
    status: str = (
        "ok"  # a ToolCallStatus value: ok | error | invalid_arguments | timeout
    )
    duration_ms: int = 0
    error: str = ""
    # Set by built-ins that change the session: "end_session" or "transfer_call".
    action: str | None = None
    closing_line: str = ""
    # What happened, for the admin's "Test tool" page (request, response, timing).
    detail: dict[str, Any] = field(default_factory=dict)


# The longest text handed to the model as a tool result (about 1,000 tokens).
MODEL_OUTPUT_MAX_CHARS = 4000
TRUNCATION_MARKER = " …[truncated: the result was longer than the model is given]"


def truncate_for_model(text: str, limit: int = MODEL_OUTPUT_MAX_CHARS) -> str:
    """`text` cut to `limit` characters, with a marker saying it was cut."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - len(TRUNCATION_MARKER))] + TRUNCATION_MARKER


def error_outcome(
    status: str, message: str, *, detail: dict[str, Any] | None = None, **extra: Any
) -> ToolOutcome:
    """A failed call: the model receives {"error": message, ...extra} as JSON."""
    output = json.dumps({"error": message, **extra}, ensure_ascii=False)
    return ToolOutcome(
        output=truncate_for_model(output),
        status=status,
        error=message,
        detail=detail or {},
    )
