"""Ranking a bot's snippets for a query with BM25 (pure code, index built once per session).

Each term's postings hold the snippet numbers and their precomputed BM25 term weights as
numpy arrays, so a query costs one vectorised add per query term plus a partial sort:
well under a millisecond at 10,000 snippets (see bench/knowledge_search.py).
"""

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from botbuilder.assembly.snapshot import SnippetSpec

TOKEN_RE = re.compile(r"[a-z0-9]+")
STOPWORDS = frozenset(
    "a an and are as at be by can could do does for from have how i in is it me my of on "
    "or our please the to was we what when where which who why will with would you your".split()
)
BM25_K1 = 1.5
BM25_B = 0.75
TITLE_WEIGHT = 2  # title words count this many times
# Suffixes stripped by the light stemmer, longest first: (suffix, replacement).
SUFFIXES = (
    ("ations", ""),
    ("ation", ""),
    ("ingly", ""),
    ("ings", ""),
    ("ing", ""),
    ("ies", "y"),
    ("ied", "y"),
    ("ery", "er"),
    ("ness", ""),
    ("ments", ""),
    ("ment", ""),
    ("al", ""),
    ("ly", ""),
    ("es", ""),
    ("ed", ""),
    ("s", ""),
)
STEM_MIN_CHARS = 3  # never stem a word below this many characters
INDEX_CACHE_SIZE = 32  # distinct snippet sets kept by index_for()


def tokenize(text: str) -> list[str]:
    """Lower-case word tokens without stopwords, lightly stemmed (deliveries -> delivery)."""
    return [_stem(t) for t in TOKEN_RE.findall(text.lower()) if t not in STOPWORDS]


@lru_cache(maxsize=65_536)
def _stem(token: str) -> str:
    if token.isdigit():
        return token
    for _ in range(2):  # deliveries -> delivery -> deliver
        for suffix, replacement in SUFFIXES:
            if len(token) - len(suffix) >= STEM_MIN_CHARS and token.endswith(suffix):
                token = token[: -len(suffix)] + replacement
                break
        else:
            break
    if len(token) > STEM_MIN_CHARS and token.endswith("e"):
        token = token[:-1]  # charge / charging -> charg
    if (
        len(token) > STEM_MIN_CHARS
        and token[-1] == token[-2]
        and token[-1] not in "aeiou"
    ):
        token = token[:-1]  # cancelled / cancel -> cancel
    return token


@dataclass
class KnowledgeIndex:
    """BM25 over snippet titles and contents; `search` returns the best snippets first."""

    snippets: list[SnippetSpec]
    postings: dict[
        str, tuple[np.ndarray, np.ndarray]
    ]  # term -> (snippet numbers, weights)
    idf: dict[str, float]

    @classmethod
    def build(cls, snippets: Iterable[SnippetSpec]) -> "KnowledgeIndex":
        """Index `snippets` (a few hundred ms at 10,000; use index_for() to reuse one)."""
        docs = list(snippets)
        counts = [
            Counter(tokenize(s.title) * TITLE_WEIGHT + tokenize(s.content))
            for s in docs
        ]
        lengths = np.array([sum(c.values()) for c in counts], dtype=np.float64)
        avg = float(lengths.mean()) if len(docs) and lengths.mean() > 0 else 1.0
        norms = BM25_K1 * (1 - BM25_B + BM25_B * lengths / avg)
        by_term: dict[str, tuple[list[int], list[int]]] = {}
        for i, doc_counts in enumerate(counts):
            for term, tf in doc_counts.items():
                ids, tfs = by_term.setdefault(term, ([], []))
                ids.append(i)
                tfs.append(tf)
        postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        idf: dict[str, float] = {}
        n = len(docs)
        for term, (ids, tfs) in by_term.items():
            doc_ids = np.array(ids, dtype=np.int32)
            tf = np.array(tfs, dtype=np.float64)
            weights = tf * (BM25_K1 + 1) / (tf + norms[doc_ids])
            postings[term] = (doc_ids, weights.astype(np.float32))
            idf[term] = math.log(1 + (n - len(ids) + 0.5) / (len(ids) + 0.5))
        return cls(docs, postings, idf)

    def search(self, query: str, k: int = 3) -> list[tuple[SnippetSpec, float]]:
        """The `k` best snippets for `query` with their BM25 scores, best first (score > 0)."""
        terms = [t for t in dict.fromkeys(tokenize(query)) if t in self.postings]
        if not terms or k <= 0:
            return []
        scores = np.zeros(len(self.snippets), dtype=np.float32)
        for term in terms:
            doc_ids, weights = self.postings[term]
            scores[doc_ids] += self.idf[term] * weights
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        # Best score first; ties by snippet order so results are stable.
        ranked = sorted(top.tolist(), key=lambda i: (-float(scores[i]), i))
        return [(self.snippets[i], float(scores[i])) for i in ranked if scores[i] > 0]


@lru_cache(maxsize=INDEX_CACHE_SIZE)
def _cached_index(snippets: tuple[SnippetSpec, ...]) -> KnowledgeIndex:
    return KnowledgeIndex.build(snippets)


def index_for(snippets: Iterable[SnippetSpec]) -> KnowledgeIndex:
    """The index of `snippets`, built once per distinct snippet set and then reused."""
    return _cached_index(tuple(snippets))
