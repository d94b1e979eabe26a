"""What the engine says or calls: knowledge, tools, follow-ups, exact lines (pure code)."""

import json
import re
from typing import Any

from realtime.engine import semantic
from realtime.engine.arguments import identifier_in
from realtime.engine.dialogue import (
    NO_INFORMATION,
    Plan,
    agreement_on,
    fallback,
    follow_up,
    tool_plan,
)
from realtime.engine.knowledge import (
    SEARCH_TOOL,
    Knowledge,
    knowledge_for,
    rank,
    request_part,
)
from realtime.engine.matching import search_query
from realtime.engine.replies import reply_to_output

__all__ = ["NO_INFORMATION", "Plan", "answer_utterance", "pick_hypothesis"]

EXACT_PREFIX = "Say exactly this to the caller, word for word:"
# Combined lexical + semantic score a candidate needs to answer (`knowledge.rank`).
MATCH_MIN_SCORE = 0.72
# Weight of an n-best alternative's vote, per rank below the best path.
NBEST_RANK_WEIGHT = 0.85
# A spoken request is answered only when this share of its recognition alternatives
# (rank-weighted) leads to the same answer; tuned on the dev and dev2 sets.
SPOKEN_SUPPORT_MIN = 0.7
DEFAULT_GREETING = "Hello, how can I help you?"
NOT_CAUGHT = "Sorry, I didn't catch that. Could you say it again?"
GREETING_RE = re.compile(r'The conversation opens with your greeting: "([^"]+)"')
# How many questions of the engine a caller's answer is traced back through.
MAX_FOLLOW_UPS = 4
Alternatives = dict[str, list[str]]  # user item id -> recognition alternatives


def _item_text(item: dict[str, Any]) -> str:
    parts = []
    for part in item.get("content") or []:
        parts.append(part.get("text") or part.get("transcript") or "")
    return " ".join(p for p in parts if p).strip()


def greeting(session: dict[str, Any]) -> str:
    """The opening line for a model-first conversation."""
    found = GREETING_RE.search(session.get("instructions") or "")
    return found.group(1) if found else DEFAULT_GREETING


def pick_hypothesis(session: dict[str, Any], hypotheses: list[str]) -> str:
    """The recognition alternative that the session's knowledge and tools explain best.

    Every alternative votes for the snippets and tools it matches, weighted by its rank
    (the decoder's best path counts most). The answer with the most support wins, and its
    highest-ranked alternative is the transcript: when "return" is heard in some of the
    alternatives of "i would like to return my order", the return policy is asked about,
    even if the best path only kept "order"."""
    if len(hypotheses) < 2:
        return hypotheses[0] if hypotheses else ""
    knowledge = knowledge_for(session)
    semantic.prime([request_part(h) for h in hypotheses])  # one pass for them all
    support: dict[str, float] = {}
    answered_by: list[str | None] = []
    for position, text in enumerate(hypotheses):
        ranked = [(s, c) for s, c in rank(knowledge, text) if s >= MATCH_MIN_SCORE]
        answered_by.append(ranked[0][1].key if ranked else None)
        for score, candidate in ranked:
            support[candidate.key] = (
                support.get(candidate.key, 0.0) + NBEST_RANK_WEIGHT**position * score
            )
    winners = [key for key in answered_by if key is not None]
    if not winners:
        return hypotheses[0]
    # Only an answer that is some alternative's best match can win: the transcript
    # returned must lead `answer_utterance` to it.
    best = max(winners, key=lambda key: support[key])
    return hypotheses[answered_by.index(best)]


def _search(utterance: str, topic: str = "") -> Plan:
    """Call search_knowledge with the caller's words, their everyday synonyms and the
    topic they match, as a model would rephrase the request for a search."""
    query = search_query(utterance)
    if topic and topic.lower() not in query.lower():
        query = f"{query} {topic}"
    return Plan(calls=[(SEARCH_TOOL, {"query": query})], matched=SEARCH_TOOL)


def _agreement(utterance: str, alternatives: list[str]) -> float:
    value = identifier_in(utterance)
    return agreement_on(value, alternatives, NBEST_RANK_WEIGHT) if value else 1.0


def _support(knowledge: Knowledge, key: str, alternatives: list[str]) -> float:
    """Rank-weighted share of recognition alternatives whose best match is `key`."""
    if len(alternatives) < 2:
        return 1.0
    total = agreeing = 0.0
    for position, text in enumerate(alternatives):
        weight = NBEST_RANK_WEIGHT**position
        total += weight
        ranked = rank(knowledge, text)
        if ranked and ranked[0][0] >= MATCH_MIN_SCORE and ranked[0][1].key == key:
            agreeing += weight
    return agreeing / total


def _answer(knowledge: Knowledge, utterance: str, alternatives: list[str]) -> Plan:
    ranked = rank(knowledge, utterance)
    if ranked and ranked[0][0] >= MATCH_MIN_SCORE:
        best = ranked[0][1]
        if _support(knowledge, best.key, alternatives) < SPOKEN_SUPPORT_MIN:
            # The recogniser is unsure of these words: asking again beats a wrong answer.
            return Plan(text=NOT_CAUGHT)
        if best.kind in ("snippet", "passage"):
            return Plan(text=knowledge.answers[best.key], matched=best.key)
        if best.kind == "topic":
            return _search(utterance, best.key)
        return tool_plan(
            knowledge,
            best.key,
            utterance,
            agreement=_agreement(utterance, alternatives),
        )
    if knowledge.has_search:
        return _search(utterance)
    return fallback(knowledge)


def answer_utterance(
    session: dict[str, Any], utterance: str, alternatives: list[str] | None = None
) -> Plan:
    """Best snippet or passage, a tool call (or a question first), a search, a fallback."""
    return _answer(knowledge_for(session), utterance, alternatives or [])


def exact_line(instructions: str | None) -> str | None:
    """The text after the exact-speech prefix, if these instructions carry one."""
    if instructions and instructions.strip().startswith(EXACT_PREFIX):
        return instructions.strip()[len(EXACT_PREFIX) :].strip()
    return None


def _user_turn(
    knowledge: Knowledge,
    session: dict[str, Any],
    context: list[dict[str, Any]],
    index: int,
    alternatives: Alternatives,
    depth: int,
) -> Plan:
    """The answer to the user message at `index`, read against the question before it."""
    item = context[index]
    utterance = _item_text(item)
    if not utterance:
        return Plan(text=NOT_CAUGHT)
    heard = alternatives.get(item.get("id") or "", [])
    before = next(
        (j for j in range(index - 1, -1, -1) if context[j].get("type") == "message"),
        None,
    )
    if before is not None and context[before].get("role") == "assistant":
        if depth < MAX_FOLLOW_UPS:
            asked = _plan(knowledge, session, context[:before], alternatives, depth + 1)
            said = _item_text(context[before])
            if asked.pending and asked.text.strip() == said:
                plan = follow_up(
                    knowledge, asked.pending, utterance, _agreement(utterance, heard)
                )
                if plan is not None:
                    return plan
    return _answer(knowledge, utterance, heard)


def _spoken_before(context: list[dict[str, Any]], index: int) -> bool:
    """Whether the caller's last message before `index` was spoken (not typed)."""
    for item in reversed(context[:index]):
        if item.get("type") == "message" and item.get("role") == "user":
            kinds = {part.get("type") for part in item.get("content") or []}
            return "input_audio" in kinds
    return False


def _plan(
    knowledge: Knowledge,
    session: dict[str, Any],
    context: list[dict[str, Any]],
    alternatives: Alternatives,
    depth: int = 0,
) -> Plan:
    calls = {i.get("call_id"): i for i in context if i.get("type") == "function_call"}
    for index in range(len(context) - 1, -1, -1):
        item = context[index]
        if item.get("type") == "function_call_output":
            call = calls.get(item.get("call_id"), {})
            try:
                args = json.loads(call.get("arguments") or "{}")
            except ValueError:
                args = {}
            return reply_to_output(
                knowledge,
                call.get("name", ""),
                item.get("output", ""),
                args,
                spoken=_spoken_before(context, index),
            )
        if item.get("type") == "message" and item.get("role") == "user":
            return _user_turn(knowledge, session, context, index, alternatives, depth)
        if item.get("type") == "message" and item.get("role") == "assistant":
            break
    return Plan(text=greeting(session))


def plan_response(
    session: dict[str, Any],
    context: list[dict[str, Any]],
    instructions: str | None = None,
    alternatives: Alternatives | None = None,
) -> Plan:
    """Decide one response from the session and the conversation context (oldest first).

    `alternatives` holds the recognition alternatives of spoken user items; a number
    they disagree on is read back before a tool runs. Blocking (embeds the caller's
    words): run it in a worker thread."""
    line = exact_line(instructions)
    if line is not None:
        return Plan(text=line)
    return _plan(knowledge_for(session), session, context, alternatives or {})
