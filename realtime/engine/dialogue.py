"""Turns that need more than one exchange: missing and doubtful arguments, the transfer
offer of a fallback. Pure code over the session's knowledge.

The engine keeps no hidden state for them: each question it asks carries a `Pending`
(the tool, the arguments so far, what is asked), and the next caller turn is read against
the question it answers (`answer.plan_response` rebuilds the chain from the conversation).
"""

import re
from dataclasses import dataclass, field
from typing import Any

from realtime.engine.arguments import extract_arguments, is_identifier
from realtime.engine.knowledge import Knowledge
from realtime.engine.numbers import longest_number, spoken_digits

NO_INFORMATION = "I'm sorry, I don't have information on that."
TOPICS_NAMED_MAX = 4
TRANSFER_REASON = "The caller asked something the knowledge does not answer."
YES_WORDS = frozenset(
    "yes yeah yep yup correct right sure exactly okay ok please affirmative".split()
)
NO_WORDS = frozenset("no nope nah wrong incorrect not".split())
AGREEING_FILLERS = frozenset({"that", "that's", "thats", "is", "it", "it's"})
SHORT_REPLY_MAX_WORDS = 4  # longer replies are read as a new request
# Below this share of recognition alternatives agreeing on a value, it is read back.
CONFIRM_BELOW = 0.75


@dataclass
class Pending:
    """What a question of the engine waits for."""

    kind: str  # "confirm" | "ask" | "offer"
    tool: str
    arguments: dict[str, Any] = field(default_factory=dict)
    param: str = ""  # the argument asked for or read back


@dataclass
class Plan:
    """One response: spoken text and/or function calls (name, arguments)."""

    text: str = ""
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    matched: str = ""  # snippet, passage or tool that decided the answer (tests, bench)
    pending: Pending | None = None


def label(param: str) -> str:
    """'order_number' -> 'order number'."""
    return param.replace("_", " ").strip()


def ask_for(tool: str, arguments: dict[str, Any], param: str) -> Plan:
    return Plan(
        text=f"What is your {label(param)}?",
        matched=tool,
        pending=Pending("ask", tool, arguments, param),
    )


def confirm(tool: str, arguments: dict[str, Any], param: str) -> Plan:
    said = spoken_digits(str(arguments[param]))
    return Plan(
        text=f"Did you say {said}?",
        matched=tool,
        pending=Pending("confirm", tool, arguments, param),
    )


def yes_or_no(utterance: str) -> bool | None:
    """True/False for a short yes or no, None for anything else."""
    said = re.findall(r"[a-z']+", utterance.lower())
    if not said or len(said) > SHORT_REPLY_MAX_WORDS:
        return None
    if said[0] in NO_WORDS or "not" in said:
        return False
    if said[0] in YES_WORDS or set(said) <= YES_WORDS | AGREEING_FILLERS:
        return True
    return None


def _schema(knowledge: Knowledge, tool: str) -> dict[str, Any]:
    return knowledge.tools.get(tool, {}).get("parameters") or {}


def tool_plan(
    knowledge: Knowledge,
    tool: str,
    utterance: str,
    *,
    agreement: float = 1.0,
    known: dict[str, Any] | None = None,
) -> Plan:
    """Call `tool`, or first ask for a missing argument or read back a doubtful one.

    `agreement` is the share of recognition alternatives that give the same identifier
    (1.0 for typed text)."""
    schema = _schema(knowledge, tool)
    arguments = {**(known or {}), **extract_arguments(schema, utterance)}
    properties = schema.get("properties") or {}
    for param in schema.get("required") or []:
        if param in properties and arguments.get(param) in (None, ""):
            return ask_for(tool, arguments, param)
    for param, prop in properties.items():
        doubtful = agreement < CONFIRM_BELOW and param in arguments
        if doubtful and is_identifier(param, prop if isinstance(prop, dict) else {}):
            return confirm(tool, arguments, param)
    return Plan(calls=[(tool, arguments)], matched=tool)


def agreement_on(value: str, alternatives: list[str], rank_weight: float) -> float:
    """Rank-weighted share of recognition alternatives whose number is `value`."""
    if len(alternatives) < 2:
        return 1.0
    weights = [rank_weight**rank for rank in range(len(alternatives))]
    same = sum(
        w
        for w, text in zip(weights, alternatives, strict=True)
        if longest_number(text, letters=True) == value or longest_number(text) == value
    )
    return same / sum(weights)


def follow_up(
    knowledge: Knowledge, pending: Pending, utterance: str, agreement: float = 1.0
) -> Plan | None:
    """The reply to a caller answering the engine's question, or None if they did not."""
    answer = yes_or_no(utterance)
    if pending.kind == "offer":
        if answer is True:
            properties = _schema(knowledge, pending.tool).get("properties") or {}
            arguments = {"reason": TRANSFER_REASON} if "reason" in properties else {}
            return Plan(calls=[(pending.tool, arguments)], matched=pending.tool)
        if answer is False:
            return Plan(text="All right. What else can I help you with?")
        return None
    if pending.kind == "confirm":
        if answer is True:
            return Plan(calls=[(pending.tool, pending.arguments)], matched=pending.tool)
        known = {k: v for k, v in pending.arguments.items() if k != pending.param}
        if longest_number(utterance, letters=True):
            return tool_plan(
                knowledge, pending.tool, utterance, agreement=agreement, known=known
            )
        if answer is False:
            return ask_for(pending.tool, known, pending.param)
        return None
    # "ask": the caller gives the missing value, or changes the subject
    plan = tool_plan(
        knowledge, pending.tool, utterance, agreement=agreement, known=pending.arguments
    )
    still_missing = plan.pending and plan.pending.kind == "ask"
    if still_missing and (answer is False or _other_request(utterance)):
        return None
    return plan


def _other_request(utterance: str) -> bool:
    return len(utterance.split()) > SHORT_REPLY_MAX_WORDS


def fallback(knowledge: Knowledge) -> Plan:
    """Say so, name what the bot can help with, offer a colleague when there is one."""
    parts = [NO_INFORMATION]
    topics = [t.lower() for t in knowledge.topics()[:TOPICS_NAMED_MAX]]
    if topics:
        listed = (
            topics[0]
            if len(topics) == 1
            else f"{', '.join(topics[:-1])} and {topics[-1]}"
        )
        parts.append(f"I can help with {listed}.")
    transfer = knowledge.transfer_tool()
    if transfer:
        parts.append("Would you like me to put you through to a colleague?")
        return Plan(text=" ".join(parts), pending=Pending("offer", transfer))
    return Plan(text=" ".join(parts))
