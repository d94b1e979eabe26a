"""What a session can answer from, built once per instructions+tools and cached.

Candidates are the fenced snippets, the passages of free-form instructions, the declared
tools and the topics search_knowledge can look up. `rank` scores a caller's words against
all of them: lexical evidence (`matching.score_all`) plus semantic similarity
(`semantic.Vectors`, embedded once per knowledge, not per turn).
"""

import hashlib
import json
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from botbuilder.assembly.knowledge import parse_knowledge, parse_search_topics
from realtime.engine.arguments import is_identifier
from realtime.engine.matching import Candidate, content_words, score_all
from realtime.engine.numbers import longest_number
from realtime.engine.passages import parse_passages
from realtime.engine.semantic import Vectors, sentences

SEARCH_TOOL = "search_knowledge"
TRANSFER_HINTS = ("transfer", "human", "person", "colleague", "agent", "operator")
# MiniLM similarity counts above this floor (unrelated questions and snippets score up to
# about 0.3), with this weight against the lexical share; all the weights here and the
# thresholds in answer.py and replies.py are tuned on the tune, dev and dev2 sets.
SEMANTIC_FLOOR = 0.3
SEMANTIC_WEIGHT = 1.0
# Tools are embedded with what callers say to them, so they weigh the same as snippets.
TOOL_SEMANTIC_WEIGHT = 1.0
# The candidate the model ranks first gains its lead over the second, times this: a
# long question shares few words with its answer but is still nearest to it.
SEMANTIC_LEAD_WEIGHT = 2.5
# A number of this many digits is evidence for a tool that takes one (an order number).
NUMBER_EVIDENCE_DIGITS = 3
NUMBER_EVIDENCE = 0.5
CALLER_WORDS_RE = re.compile(r"\b(?:when |if )?the caller(?:'s)?\b|\bcallers?\b", re.I)
SENTENCE_RE = re.compile(r"(?<=[.!?])\s+")
# Question sentences with fewer content words than this ("What can I do?") are not the
# request on their own: the whole message is.
REQUEST_MIN_WORDS = 2
CACHE_SIZE = 32  # sessions' knowledge kept (one entry per distinct bot)
END_HINTS = ("end the call", "hang up", "goodbye", "end the conversation", "end_call")
# What callers say to the two tools every support line has, in words no description
# uses: a model knows "that's everything, thanks" ends a call. Embedded as pieces of the
# tool that hands over (`transfer_tool`) or ends the call (END_HINTS).
TRANSFER_EXAMPLES = (
    "Can I speak to a real person?",
    "Put me through to someone, please.",
    "I want to talk to a human.",
    "Connect me with customer service.",
    "Is there anyone I can speak with?",
)
END_EXAMPLES = (
    "That's all, thank you. Goodbye.",
    "No more questions, thanks.",
    "Thanks for your help, bye.",
    "I'm done, have a good day.",
)


@dataclass
class Knowledge:
    """Candidates of one session, their spoken answers and embedded texts."""

    candidates: list[Candidate]
    answers: dict[str, str]  # snippet/passage key -> the text spoken for it
    tools: dict[str, dict[str, Any]]  # declared function tools by name
    vectors: Vectors = field(repr=False)

    @property
    def has_search(self) -> bool:
        return SEARCH_TOOL in self.tools

    def transfer_tool(self) -> str | None:
        """The tool that hands the caller to a person, when the bot declares one."""
        for name, tool in self.tools.items():
            text = f"{name} {tool.get('description') or ''}".lower()
            if name == SEARCH_TOOL:
                continue
            if "transfer" in text or sum(h in text for h in TRANSFER_HINTS) >= 2:
                return name
        return None

    def topics(self) -> list[str]:
        """What the bot can help with: its snippet, passage and searchable topic titles
        (a passage titled by a question is left out: it reads badly in a list)."""
        seen = dict.fromkeys(
            c.title
            for c in self.candidates
            if c.kind in ("snippet", "topic", "passage") and not c.title.endswith("?")
        )
        return [t for t in seen if t]


def _unique(key: str, taken: dict[str, str]) -> str:
    n, candidate = 1, key
    while candidate in taken:
        n += 1
        candidate = f"{key} ({n})"
    return candidate


def build_knowledge(instructions: str, tools: list[dict[str, Any]]) -> Knowledge:
    """Candidates and vectors of one session (blocking: embeds every candidate)."""
    candidates: list[Candidate] = []
    answers: dict[str, str] = {}
    for title, body in parse_knowledge(instructions):
        key = _unique(title, answers)
        answers[key] = body.strip()
        candidates.append(Candidate(key, "snippet", body, title=title))
    for title, body in parse_passages(instructions):
        key = _unique(title or body[:40], answers)
        answers[key] = body
        candidates.append(Candidate(key, "passage", body, title=title))
    functions = {t["name"]: t for t in tools if t.get("type") == "function"}
    for name, tool in functions.items():
        description = tool.get("description") or ""
        if name != SEARCH_TOOL:
            candidates.append(Candidate(name, "tool", description))
        else:  # the topics it can look up: a match there means "search for it"
            for title in parse_search_topics(description):
                candidates.append(Candidate(title, "topic", title))
    knowledge = Knowledge(candidates, answers, functions, Vectors([]))
    knowledge.vectors = Vectors([_pieces_of(knowledge, c) for c in candidates])
    return knowledge


def _pieces_of(knowledge: Knowledge, candidate: Candidate) -> tuple[str, list[str]]:
    whole, parts = embedded_pieces(candidate)
    if candidate.kind == "tool":
        if candidate.key == knowledge.transfer_tool():
            parts = [*parts, *TRANSFER_EXAMPLES]
        elif any(h in f"{candidate.key} {candidate.text}".lower() for h in END_HINTS):
            parts = [*parts, *END_EXAMPLES]
    return whole, parts


def embedded_pieces(candidate: Candidate) -> tuple[str, list[str]]:
    """What is embedded of a candidate: title and text as a whole, and the title and each
    sentence on their own; a tool's description without the words about "the caller",
    which every description has and no request means."""
    text = candidate.text
    if candidate.kind == "tool":
        text = CALLER_WORDS_RE.sub(" ", text)
    title = (candidate.title or candidate.key).replace("_", " ")
    return f"{title}. {text}", [title, *sentences(text)]


_cache: OrderedDict[str, Knowledge] = OrderedDict()
_cache_lock = threading.Lock()


def knowledge_for(session: dict[str, Any]) -> Knowledge:
    """The session's knowledge, from the cache when these texts were seen before."""
    instructions = session.get("instructions") or ""
    tools = [t for t in session.get("tools") or [] if isinstance(t, dict)]
    key = hashlib.sha256(
        json.dumps([instructions, tools], sort_keys=True).encode()
    ).hexdigest()
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    built = build_knowledge(instructions, tools)
    with _cache_lock:
        _cache[key] = built
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return built


def combined(lexical: float, similarity: float, weight: float | None = None) -> float:
    """One score from the lexical share and the cosine similarity."""
    weight = SEMANTIC_WEIGHT if weight is None else weight
    return lexical + weight * max(0.0, similarity - SEMANTIC_FLOOR)


def request_part(utterance: str) -> str:
    """The question in a typed message of several sentences ("I bought a jacket and it
    does not fit. Can I send it back?" asks the second), with any sentence that gives a
    number; else the whole message."""
    parts = [p.strip() for p in SENTENCE_RE.split(utterance) if p.strip()]
    questions = [p for p in parts if p.endswith("?")]
    if len(parts) < 2 or not questions:
        return utterance
    if len(content_words(" ".join(questions))) < REQUEST_MIN_WORDS:
        return utterance  # "The dress is the wrong size. What can I do?" asks the first
    # A sentence giving a number belongs to the request ("Where's my parcel? Order 5512.").
    return " ".join(p for p in parts if p.endswith("?") or longest_number(p))


def _takes_identifier(tool: dict[str, Any]) -> bool:
    properties = (tool.get("parameters") or {}).get("properties") or {}
    return any(
        is_identifier(name, prop if isinstance(prop, dict) else {})
        for name, prop in properties.items()
    )


def rank(knowledge: Knowledge, utterance: str) -> list[tuple[float, Candidate]]:
    """(score, candidate), best first: lexical share plus semantic similarity, plus the
    semantic leader's lead, plus number evidence for tools that take a number."""
    if not knowledge.candidates:
        return []
    asked = request_part(utterance)
    lexical = {c.key: s for s, c in score_all(asked, knowledge.candidates)}
    semantic = [float(x) for x in knowledge.vectors.similarity(asked)]
    order = sorted(range(len(semantic)), key=lambda i: -semantic[i])
    lead = semantic[order[0]] - semantic[order[1]] if len(order) > 1 else 0.0
    has_number = len(longest_number(utterance, letters=True)) >= NUMBER_EVIDENCE_DIGITS
    scored = []
    for i, c in enumerate(knowledge.candidates):
        tool = c.kind == "tool"
        score = combined(
            lexical[c.key],
            semantic[i],
            TOOL_SEMANTIC_WEIGHT if tool else SEMANTIC_WEIGHT,
        )
        if i == order[0] and semantic[i] > 0:
            score += SEMANTIC_LEAD_WEIGHT * lead * (0.5 if tool else 1.0)
        if tool and has_number and _takes_identifier(knowledge.tools[c.key]):
            score += NUMBER_EVIDENCE
        scored.append((score, c))
    scored.sort(key=lambda pair: -pair[0])
    return scored
