"""Built-in tools: search_knowledge, end_session, transfer_call."""

import json
from typing import Any

from botbuilder.tools.base import ToolContext, ToolOutcome, error_outcome

SEARCH_RESULTS_MAX = 3
# Longest snippet text handed back per search result.
SEARCH_SNIPPET_MAX_CHARS = 1200
DEFAULT_CLOSING_LINE = "Thank you for calling. Goodbye!"
DEFAULT_TRANSFER_LINE = "I am transferring you to a colleague now. Please hold."


def search_knowledge(arguments: dict[str, Any], context: ToolContext) -> ToolOutcome:
    """The best few retrievable snippets for the query, with titles."""
    query = str(arguments.get("query") or "").strip()
    if not query:
        return error_outcome(
            "invalid_arguments",
            "give a 'query' to search for, e.g. the caller's question",
            problems=[{"field": "query", "problem": "is required but missing"}],
        )
    hits = (
        context.knowledge.search(query, k=SEARCH_RESULTS_MAX)
        if context.knowledge
        else []
    )
    results = [
        {"title": s.title, "content": _cut(s.content), "score": round(score, 3)}
        for s, score in hits
    ]
    payload: dict[str, Any] = {"query": query, "results": results}
    if not results:
        payload["note"] = (
            "Nothing in the knowledge base matches; do not guess an answer."
        )
    return ToolOutcome(
        output=json.dumps(payload, ensure_ascii=False),
        detail={
            "hits": [
                {"id": s.id, "title": s.title, "score": round(x, 3)} for s, x in hits
            ]
        },
    )


def end_session(arguments: dict[str, Any], context: ToolContext) -> ToolOutcome:
    """Ask the relay to end the session after the closing line."""
    line = str(arguments.get("closing_line") or "").strip() or DEFAULT_CLOSING_LINE
    return ToolOutcome(
        output=json.dumps({"ok": True, "session": "ending", "closing_line": line}),
        action="end_session",
        closing_line=line,
    )


def transfer_call(arguments: dict[str, Any], context: ToolContext) -> ToolOutcome:
    """Record a transfer request; the phone channel acts on it."""
    reason = str(arguments.get("reason") or "").strip()
    return ToolOutcome(
        output=json.dumps({"ok": True, "transfer": "requested", "reason": reason}),
        action="transfer_call",
        closing_line=DEFAULT_TRANSFER_LINE,
        detail={"transfer": {"reason": reason}},
    )


def _cut(text: str) -> str:
    text = text.strip()
    return (
        text
        if len(text) <= SEARCH_SNIPPET_MAX_CHARS
        else text[:SEARCH_SNIPPET_MAX_CHARS] + "…"
    )


BUILTINS = {
    "search_knowledge": search_knowledge,
    "end_session": end_session,
    "transfer_call": transfer_call,
}
