"""The tool interface the live session uses: run a tool call, get what the model receives."""

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
    status: str = "ok"  # a ToolCallStatus value: ok | error | invalid_arguments | timeout
    duration_ms: int = 0
    error: str = ""
    # Set by built-ins that change the session: "end_session" or "transfer_call".
    action: str | None = None
    closing_line: str = ""
    # What happened, for the admin's "Test tool" page (request, response, timing).
    detail: dict[str, Any] = field(default_factory=dict)
