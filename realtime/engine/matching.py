"""Fuzzy matching of a caller's words against snippets and tools (tokens, stems, synonyms)."""

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from realtime.engine.lm import words

STOPWORDS = frozenset(
    "a an the and or but if of to in on at by for with from as is are was were be been am "
    "do does did i me my we our you your it its this that these those there here what which "
    "who whom how can could would should will shall may might must have has had please "
    "about into than then so not no yes just like want need tell know get got let us they "
    "them their he she his her hi hello okay um uh".split()
)
# Everyday equivalents callers use for words bots write (generic, not bot-specific).
SYNONYMS = {
    "refund": "return", "money": "refund", "back": "return", "broken": "damaged",
    "damage": "damaged", "cracked": "damaged", "person": "human", "someone": "human",
    "agent": "human", "operator": "human", "representative": "human", "colleague": "human",
    "bye": "goodbye", "goodbye": "end", "parcel": "package", "package": "order",
    "cost": "price", "costs": "price", "fee": "price", "pay": "payment", "paying": "payment",
    "open": "opening", "close": "closed", "hours": "opening", "weekend": "saturday",
    "weekends": "saturday", "deliver": "delivery", "shipping": "delivery",
    "arrive": "delivery", "track": "status", "where": "status", "address": "delivery",
    "cancel": "cancelling", "talk": "speak",
}
NUMBER_WORDS = frozenset(
    "zero oh one two three four five six seven eight nine ten eleven twelve".split()
)
SUFFIXES = ("ings", "ing", "ies", "ied", "ed", "es", "s", "ly")
FUZZY_MIN_RATIO = 0.8  # close spellings of a stem count (ASR near-misses)


def stem(word: str) -> str:
    """A crude English stem: enough to meet 'returns'/'returned'/'returning'."""
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    return word.rstrip("e") if len(word) > 3 else word


def terms(text: str) -> list[str]:
    """Content stems of `text`, expanded with synonyms."""
    out: list[str] = []
    for w in words(text):
        if w in STOPWORDS or w in NUMBER_WORDS:
            continue
        out.append(stem(w))
        seen = {w}
        while w in SYNONYMS and SYNONYMS[w] not in seen:
            w = SYNONYMS[w]
            seen.add(w)
            out.append(stem(w))
    return out


@dataclass(frozen=True)
class Candidate:
    key: str  # snippet title or tool name
    kind: str  # "snippet" | "tool"
    text: str  # what is matched: title/name (weighted) + body/description


def _similar(a: str, b: str) -> float:
    if a == b:
        return 1.0
    if len(a) < 4 or len(b) < 4:
        return 0.0
    ratio = SequenceMatcher(None, a, b).ratio()
    return ratio if ratio >= FUZZY_MIN_RATIO else 0.0


def score_all(query: str, candidates: Sequence[Candidate]) -> list[tuple[float, Candidate]]:
    """(score 0..1, candidate), best first: idf-weighted share of the query's terms found."""
    query_terms = list(dict.fromkeys(terms(query)))
    if not query_terms or not candidates:
        return [(0.0, c) for c in candidates]
    docs = [set(terms(c.key.replace("_", " ")) * 2 + terms(c.text)) for c in candidates]
    titles = [set(terms(c.key.replace("_", " "))) for c in candidates]
    n_docs = len(docs)
    scored = []
    for cand, doc, title in zip(candidates, docs, titles, strict=True):
        total = gained = 0.0
        for term in query_terms:
            df = sum(1 for d in docs if any(_similar(term, t) for t in d))
            weight = math.log(1 + (n_docs + 1) / (df + 0.5)) if df else 0.0
            total += weight or 0.5  # unknown words still dilute the match
            best = max((_similar(term, t) for t in doc), default=0.0)
            if best and any(_similar(term, t) for t in title):
                best *= 1.25  # words of the title or tool name count more
            gained += weight * min(best, 1.25)
        scored.append((gained / total if total else 0.0, cand))
    scored.sort(key=lambda pair: -pair[0])
    return scored
