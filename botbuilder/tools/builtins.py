"""Built-in tools: search_knowledge, end_session, transfer_call."""

import json
from typing import Any

from botbuilder.tools.base import ToolContext, ToolOutcome

SEARCH_RESULTS_MAX = 3
DEFAULT_CLOSING_LINE = "Thank you for calling. Goodbye!"
DEFAULT_TRANSFER_LINE = "I am transferring you to a colleague now. Please hold."


def search_knowledge(arguments: dict[str, Any], context: ToolContext) -> ToolOutcome:
    query = str(arguments.get("query", "")).strip()
    if not query:
        return ToolOutcome(output=json.dumps({"error": "Give a 'query' to search for."}),
                           status="invalid_arguments", error="missing query")
    hits = context.knowledge.search(query, k=SEARCH_RESULTS_MAX) if context.knowledge else []
    results = [{"title": s.title, "content": s.content, "score": round(score, 3)} for s, score in hits]
    return ToolOutcome(output=json.dumps({"results": results}, ensure_ascii=False))


def end_session(arguments: dict[str, Any], context: ToolContext) -> ToolOutcome:
    line = str(arguments.get("closing_line") or "").strip() or DEFAULT_CLOSING_LINE
    return ToolOutcome(output=json.dumps({"ok": True, "session": "ending", "closing_line": line}),
                       action="end_session", closing_line=line)


def transfer_call(arguments: dict[str, Any], context: ToolContext) -> ToolOutcome:
    reason = str(arguments.get("reason") or "").strip()
    return ToolOutcome(
        output=json.dumps({"ok": True, "transfer": "requested", "reason": reason}),
        action="transfer_call", closing_line=DEFAULT_TRANSFER_LINE,
    )


BUILTINS = {
    "search_knowledge": search_knowledge,
    "end_session": end_session,
    "transfer_call": transfer_call,
}
