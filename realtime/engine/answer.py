"""What the engine says or calls: knowledge snippets, tools, exact lines (pure code)."""

import json
import re
from dataclasses import dataclass, field
from typing import Any

from botbuilder.assembly.knowledge import parse_knowledge, parse_search_topics
from realtime.engine.arguments import extract_arguments
from realtime.engine.matching import Candidate, score_all, search_query

EXACT_PREFIX = "Say exactly this to the caller, word for word:"
SEARCH_TOOL = "search_knowledge"
MATCH_MIN_SCORE = 0.55  # share of the question that must be found to answer from it
# Weight of an n-best alternative's vote, per rank below the best path.
NBEST_RANK_WEIGHT = 0.85
NO_INFORMATION = "I'm sorry, I don't have information on that."
DEFAULT_GREETING = "Hello, how can I help you?"
GREETING_RE = re.compile(r'The conversation opens with your greeting: "([^"]+)"')
ENDING_WORDS = ("end", "ended", "hang", "hung", "goodbye", "closed")
TRANSFER_WORDS = ("transfer", "human", "colleague", "agent", "handover", "hand")


@dataclass
class Plan:
    """One response: spoken text and/or function calls (name, arguments)."""

    text: str = ""
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    matched: str = (
        ""  # snippet title or tool name that decided the answer (for tests/bench)
    )


def _item_text(item: dict[str, Any]) -> str:
    parts = []
    for part in item.get("content") or []:
        parts.append(part.get("text") or part.get("transcript") or "")
    return " ".join(p for p in parts if p).strip()


def _tools(session: dict[str, Any]) -> list[dict[str, Any]]:
    return [t for t in session.get("tools") or [] if t.get("type") == "function"]


def greeting(session: dict[str, Any]) -> str:
    """The opening line for a model-first conversation."""
    found = GREETING_RE.search(session.get("instructions") or "")
    return found.group(1) if found else DEFAULT_GREETING


def _candidates(session: dict[str, Any]) -> list[Candidate]:
    candidates = [
        Candidate(t, "snippet", b)
        for t, b in parse_knowledge(session.get("instructions") or "")
    ]
    for tool in _tools(session):
        if tool["name"] != SEARCH_TOOL:
            candidates.append(
                Candidate(tool["name"], "tool", tool.get("description") or "")
            )
        else:  # the topics it can look up: a match there means "search for it"
            topics = parse_search_topics(tool.get("description") or "")
            candidates += [Candidate(title, "topic", title) for title in topics]
    return candidates


def pick_hypothesis(session: dict[str, Any], hypotheses: list[str]) -> str:
    """The recognition alternative that the session's knowledge and tools explain best.

    Every alternative votes for the snippets and tools it matches, weighted by its rank
    (the decoder's best path counts most). The answer with the most support wins, and its
    highest-ranked alternative is the transcript: when "return" is heard in some of the
    alternatives of "i would like to return my order", the return policy is asked about,
    even if the best path only kept "order"."""
    if len(hypotheses) < 2:
        return hypotheses[0] if hypotheses else ""
    candidates = _candidates(session)
    support: dict[str, float] = {}
    answered_by: list[str | None] = []
    for rank, text in enumerate(hypotheses):
        ranked = [
            (s, c) for s, c in score_all(text, candidates) if s >= MATCH_MIN_SCORE
        ]
        answered_by.append(ranked[0][1].key if ranked else None)
        for score, candidate in ranked:
            support[candidate.key] = (
                support.get(candidate.key, 0.0) + NBEST_RANK_WEIGHT**rank * score
            )
    winners = [key for key in answered_by if key is not None]
    if not winners:
        return hypotheses[0]
    # Only an answer that is some alternative's best match can win: the transcript
    # returned must lead `answer_utterance` to it.
    best = max(winners, key=lambda key: support[key])
    return hypotheses[answered_by.index(best)]


def answer_utterance(session: dict[str, Any], utterance: str) -> Plan:
    """Best snippet's text, a tool call, a knowledge search, or a plain 'no information'."""
    snippets = parse_knowledge(session.get("instructions") or "")
    tools = _tools(session)
    ranked = score_all(utterance, _candidates(session))
    if ranked and ranked[0][0] >= MATCH_MIN_SCORE:
        best = ranked[0][1]
        if best.kind == "snippet":
            return Plan(text=dict(snippets)[best.key].strip(), matched=best.key)
        if best.kind == "topic":
            query = search_query(utterance)
            return Plan(calls=[(SEARCH_TOOL, {"query": query})], matched=SEARCH_TOOL)
        tool = next(t for t in tools if t["name"] == best.key)
        args = extract_arguments(tool.get("parameters"), utterance)
        return Plan(calls=[(tool["name"], args)], matched=tool["name"])
    if any(t["name"] == SEARCH_TOOL for t in tools):
        return Plan(
            calls=[(SEARCH_TOOL, {"query": search_query(utterance)})],
            matched=SEARCH_TOOL,
        )
    return Plan(text=NO_INFORMATION)


def _spoken_key(key: str) -> str:
    return key.replace("_", " ").strip()


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_scalar(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{_spoken_key(k)} {_scalar(v)}" for k, v in value.items())
    return str(value)


def _search_reply(data: Any, query: str) -> Plan:
    results = data.get("results") if isinstance(data, dict) else None
    results = [r for r in results or [] if isinstance(r, dict) and r.get("content")]
    if not results:
        return Plan(text=NO_INFORMATION)
    candidates = [
        Candidate(str(r.get("title", "")), "snippet", str(r["content"]))
        for r in results
    ]
    ranked = score_all(query, candidates) if query else []
    best = ranked[0][1] if ranked and ranked[0][0] > 0 else candidates[0]
    return Plan(text=best.text.strip(), matched=best.key)


def reply_to_output(name: str, output: str, arguments: dict[str, Any]) -> Plan:
    """Words built from a function's output (JSON or plain text)."""
    try:
        data = json.loads(output)
    except (TypeError, ValueError):
        data = output
    if name == SEARCH_TOOL:
        return _search_reply(data, str(arguments.get("query", "")))
    if isinstance(data, dict):
        if data.get("error"):
            return Plan(text=f"Sorry, that did not work: {_scalar(data['error'])}.")
        flat = json.dumps(data).lower() + " " + name.lower()
        if any(w in flat for w in TRANSFER_WORDS) and "transfer" in flat:
            return Plan(text="I am transferring you to a colleague now. Please hold.")
        if any(w in flat for w in ENDING_WORDS) and ("end" in name or "ended" in flat):
            line = data.get("closing_line") or arguments.get("closing_line")
            return Plan(text=str(line or "Thank you for calling. Goodbye!"))
        ids = [k for k in data if k.endswith(("_number", "_id"))]
        head = ""
        if ids:
            key = ids[0]
            head = f"{_spoken_key(key.rsplit('_', 1)[0]).capitalize()} {_scalar(data[key])}: "
        rest = [
            f"{_spoken_key(k)} {_scalar(v)}"
            for k, v in data.items()
            if k not in ids[:1]
        ]
        return Plan(text=(head + ", ".join(rest)).strip(" :,") + ".")
    text = _scalar(data).strip()
    return Plan(text=text or "Done.")


def exact_line(instructions: str | None) -> str | None:
    """The text after the exact-speech prefix, if these instructions carry one."""
    if instructions and instructions.strip().startswith(EXACT_PREFIX):
        return instructions.strip()[len(EXACT_PREFIX) :].strip()
    return None


def plan_response(
    session: dict[str, Any],
    context: list[dict[str, Any]],
    instructions: str | None = None,
) -> Plan:
    """Decide one response from the session and the conversation context (oldest first)."""
    line = exact_line(instructions)
    if line is not None:
        return Plan(text=line)
    calls = {i.get("call_id"): i for i in context if i.get("type") == "function_call"}
    for item in reversed(context):
        if item.get("type") == "function_call_output":
            call = calls.get(item.get("call_id"), {})
            try:
                args = json.loads(call.get("arguments") or "{}")
            except ValueError:
                args = {}
            return reply_to_output(call.get("name", ""), item.get("output", ""), args)
        if item.get("type") == "message" and item.get("role") == "user":
            utterance = _item_text(item)
            if utterance:
                return answer_utterance(session, utterance)
            return Plan(text="Sorry, I didn't catch that. Could you say it again?")
        if item.get("type") == "message" and item.get("role") == "assistant":
            break
    return Plan(text=greeting(session))
