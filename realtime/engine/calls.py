"""How a gpt-realtime-2 family model handles tools: a preamble, parallel calls (pure code)."""

from typing import Any

from realtime.engine.answer import Plan, answer_utterance

# What a reasoning model says before its tool calls (its own assistant message item).
PREAMBLE = "One moment, let me check that."
# Two requests in one sentence, each of which may become its own (parallel) call.
REQUEST_JOINER = " and "


def _last_user_text(context: list[dict[str, Any]]) -> str | None:
    """The caller's words if the newest item is theirs (not a tool's output)."""
    if not context:
        return None
    item = context[-1]
    if item.get("type") != "message" or item.get("role") != "user":
        return None
    return " ".join(
        p.get("text") or p.get("transcript") or "" for p in item.get("content") or []
    )


def with_parallel_calls(
    session: dict[str, Any], context: list[dict[str, Any]], plan: Plan
) -> Plan:
    """With `parallel_tool_calls` on, "X and Y" asking for two tools calls both at once."""
    if len(plan.calls) != 1 or session.get("parallel_tool_calls") is not True:
        return plan
    utterance = _last_user_text(context)
    if not utterance:
        return plan
    calls: list[tuple[str, dict[str, Any]]] = []
    for part in utterance.split(REQUEST_JOINER):
        for call in answer_utterance(session, part).calls if part.strip() else []:
            if call not in calls:
                calls.append(call)
    if len(calls) < 2:
        return plan
    return Plan(calls=calls, matched=plan.matched)
