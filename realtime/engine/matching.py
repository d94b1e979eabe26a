"""Fuzzy matching of a caller's words against snippets and tools (tokens, stems, synonyms)."""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from realtime.engine.lm import words
from realtime.engine.wordforms import SYNONYMS, rephrase, stem

STOPWORDS = frozenset(
    "a an the and or but if of to in on at by for with from as is are was were be been am "
    "do does did i me my we our you your it its this that these those there here what which "
    "who whom how can could would should will shall may might must have has had please "
    "about into than then so not no yes just like want need tell know get got let us they "
    "them their he she his her hi hello okay um uh many much long also any some "
    "when why".split()
)
NUMBER_WORDS = frozenset(
    "zero oh one two three four five six seven eight nine ten eleven twelve thirteen "
    "fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty "
    "sixty seventy eighty ninety hundred thousand double triple".split()
)
FUZZY_MIN_RATIO = 0.86  # close spellings of a stem count (ASR near-misses)
TITLE_BONUS = 1.25
UNKNOWN_WORD_WEIGHT = 1.0
# A tool is an action: reach it through one synonym link at most, so a chain such as
# parcel -> package -> order does not turn "my parcel was broken" into an order lookup.
TOOL_SYNONYM_STEPS = 1


def alternatives(word: str, steps: int = len(SYNONYMS)) -> list[str]:
    """The stem of `word` and of its synonyms (followed up to `steps` links)."""
    out, seen = [stem(word)], {word}
    while len(out) <= steps and word in SYNONYMS and SYNONYMS[word] not in seen:
        word = SYNONYMS[word]
        seen.add(word)
        out.append(stem(word))
    return out


def search_query(utterance: str) -> str:
    """The caller's words plus the everyday synonyms they imply (a model would rephrase)."""
    said = words(utterance)
    extra = [SYNONYMS[w] for w in said if w in SYNONYMS and w not in STOPWORDS]
    extra = [w for w in dict.fromkeys(extra) if w not in said]
    return " ".join([utterance.strip(), *extra]).strip()


def content_words(text: str) -> list[str]:
    """Words of `text` that carry meaning (no stopwords, no numbers), in order, unique."""
    kept = [
        w for w in words(rephrase(text)) if w not in STOPWORDS and w not in NUMBER_WORDS
    ]
    return list(dict.fromkeys(kept))


def terms(text: str) -> list[str]:
    """Content stems of `text` (what a document is indexed by)."""
    return [stem(w) for w in content_words(text)]


@dataclass(frozen=True)
class Candidate:
    key: str  # unique: snippet title, passage key or tool name
    kind: str  # "snippet" | "passage" | "tool" | "topic" (a search_knowledge topic)
    text: str  # what is matched: title/name (weighted) + body/description
    title: str = ""  # the words of the title, when the key is not just that


@lru_cache(maxsize=65536)
def _similar(a: str, b: str) -> float:
    """Fuzzy similarity of two stems, 0 below FUZZY_MIN_RATIO (cached: pairs recur across
    the n-best alternatives and turns)."""
    if a == b:
        return 1.0
    if len(a) < 4 or len(b) < 4:
        return 0.0
    matcher = SequenceMatcher(None, a, b)
    if matcher.real_quick_ratio() < FUZZY_MIN_RATIO:
        return 0.0
    if matcher.quick_ratio() < FUZZY_MIN_RATIO:
        return 0.0
    ratio = matcher.ratio()
    return ratio if ratio >= FUZZY_MIN_RATIO else 0.0


def _steps(candidate: Candidate) -> int:
    return TOOL_SYNONYM_STEPS if candidate.kind == "tool" else len(SYNONYMS)


@lru_cache(maxsize=4096)
def _expanded(text: str, steps: int = len(SYNONYMS)) -> frozenset[str]:
    """Stems of `text` plus their synonyms' stems (a document's index; cached)."""
    return frozenset(alt for w in content_words(text) for alt in alternatives(w, steps))


def score_all(
    query: str, candidates: Sequence[Candidate]
) -> list[tuple[float, Candidate]]:
    """(score, candidate), best first. The score is the idf-weighted share of the query's
    content words found in the candidate (title words count 25 % more)."""
    query_words = content_words(query)
    if not query_words or not candidates:
        return [(0.0, c) for c in candidates]
    steps = [_steps(c) for c in candidates]
    titles = [
        _expanded((c.title or c.key).replace("_", " "), n)
        for c, n in zip(candidates, steps, strict=True)
    ]
    docs = [
        title | _expanded(c.text, n)
        for c, title, n in zip(candidates, titles, steps, strict=True)
    ]
    n_docs = len(docs)

    def match(alts: list[str], doc: set[str]) -> float:
        return max((_similar(a, t) for a in alts for t in doc), default=0.0)

    weighted = []
    for word in query_words:
        alts = alternatives(word)
        # Rarity is judged on the word and its nearest synonym: a long chain
        # (postage -> shipping -> delivery) would make any word look common.
        df = sum(1 for d in docs if match(alts[:2], d) > 0) or sum(
            1 for d in docs if match(alts, d) > 0
        )
        # A word no candidate has weighs like the rarest known word, scaled by
        # UNKNOWN_WORD_WEIGHT: it may be a misheard word, a detail of the caller's own
        # ("a jacket") or a topic the knowledge lacks.
        weight = math.log(1 + (n_docs + 1) / (max(df, 1) + 0.5))
        weighted.append((alts, weight if df else UNKNOWN_WORD_WEIGHT * weight))
    total = sum(weight for _, weight in weighted)
    scored = []
    for cand, doc, title, n in zip(candidates, docs, titles, steps, strict=True):
        gained = 0.0
        for all_alts, weight in weighted:
            alts = all_alts[: n + 1]
            found = match(alts, doc)
            if found and match(alts, title):
                found *= TITLE_BONUS
            gained += weight * found
        scored.append((gained / total, cand))
    scored.sort(key=lambda pair: -pair[0])
    return scored
