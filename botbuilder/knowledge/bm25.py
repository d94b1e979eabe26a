"""BM25 postings as flat arrays (pure: numpy and the standard library only).

Kept apart from `search.py` so a worker process can build them for a large knowledge base
without importing Django (see `search.index_for`); flat arrays cross a process boundary in
a few milliseconds, where a dict of thousands of small arrays takes hundreds.
"""

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

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
class Postings:
    """Every term's postings, flat: term i's snippet numbers are
    `doc_ids[offsets[i]:offsets[i + 1]]`, with their BM25 term weights alongside."""

    terms: list[str]
    offsets: np.ndarray  # int64, len(terms) + 1
    doc_ids: np.ndarray  # int32
    weights: np.ndarray  # float32
    idf: np.ndarray  # float64, per term


def build_postings(docs: list[tuple[str, str]]) -> Postings:
    """BM25 postings of (title, content) documents (a few hundred ms at 10,000)."""
    counts = [
        Counter(tokenize(title) * TITLE_WEIGHT + tokenize(content))
        for title, content in docs
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
    terms = list(by_term)
    sizes = np.array([len(by_term[t][0]) for t in terms], dtype=np.int64)
    offsets = np.zeros(len(terms) + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    doc_ids = np.fromiter(
        (i for t in terms for i in by_term[t][0]),
        dtype=np.int32,
        count=int(offsets[-1]),
    )
    tf = np.fromiter(
        (f for t in terms for f in by_term[t][1]),
        dtype=np.float64,
        count=int(offsets[-1]),
    )
    weights = (tf * (BM25_K1 + 1) / (tf + norms[doc_ids])).astype(np.float32)
    n = len(docs)
    idf = np.array(
        [math.log(1 + (n - k + 0.5) / (k + 0.5)) for k in sizes.tolist()],
        dtype=np.float64,
    )
    return Postings(terms, offsets, doc_ids, weights, idf)
