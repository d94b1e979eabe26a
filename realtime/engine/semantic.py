"""Sentence similarity for the engine's matching: all-MiniLM-L6-v2 (`minilm.py`).

A knowledge text is embedded sentence by sentence as well as whole (`Vectors`): a caller
asks about one detail ("is there a deadline for sending things back?") and a snippet's
sentence about it is nearer than the snippet as a whole. A caller's words are embedded once
per turn; the recognition alternatives of a spoken turn are embedded together in one pass
(`prime`), since one pass over the weights costs about what a single sentence does.
"""

import re
import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from realtime.engine import minilm

DIM = minilm.MINILM_DIM
# Texts kept embedded: callers' utterances with their alternatives, and the pieces of
# small text sets such as a search's results (a session's knowledge has its own Vectors).
CACHE_SIZE = 4096
CACHED_SET_MAX = 64  # a set of more pieces than this is embedded without the cache
SENTENCE_RE = re.compile(r"(?<=[.!?])\s+")

_cache: OrderedDict[str, np.ndarray] = OrderedDict()
_cache_lock = threading.Lock()


def model() -> minilm.MiniLM:
    """The process's encoder (blocking on first use: call it in a thread)."""
    return minilm.model()


def embed(texts: Sequence[str]) -> np.ndarray:
    """Unit-length float32 vectors, one row per text (zeros for empty text)."""
    if not texts:
        return np.zeros((0, DIM), np.float32)
    return model().embed(list(texts))


def prime(queries: Sequence[str]) -> None:
    """Embed the queries not seen yet, in one pass (the alternatives of a spoken turn)."""
    with _cache_lock:
        todo = [q for q in dict.fromkeys(queries) if q.strip() and q not in _cache]
    if not todo:
        return
    vectors = embed(todo)
    with _cache_lock:
        for query, vector in zip(todo, vectors, strict=True):
            _cache[query] = vector
            _cache.move_to_end(query)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)


def query_vector(query: str) -> np.ndarray:
    """The vector of a caller's words, from the cache when embedded before."""
    with _cache_lock:
        found = _cache.get(query)
        if found is not None:
            _cache.move_to_end(query)
            return found
    prime([query])
    with _cache_lock:
        return _cache.get(query, np.zeros(DIM, np.float32))


def sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_RE.split(text) if s.strip()]


class Vectors:
    """The embedded texts of a session's knowledge; `similarity` compares a query.

    Each text is given as (whole, parts): the whole text and the shorter texts it is made
    of (title and sentences). A query's similarity to a text is the best of them."""

    def __init__(self, texts: Sequence[tuple[str, Sequence[str]]]):
        flat, owner = [], []
        for i, (whole, parts) in enumerate(texts):
            for piece in dict.fromkeys([whole, *parts]):
                if piece.strip():
                    flat.append(piece)
                    owner.append(i)
        self.count = len(texts)
        if len(flat) <= CACHED_SET_MAX:
            prime(flat)
            self.matrix = (
                np.stack([query_vector(p) for p in flat]) if flat else embed([])
            )
        else:
            self.matrix = embed(flat)
        self.owner = np.asarray(owner, dtype=np.int64)

    def similarity(self, query: str) -> np.ndarray:
        """Cosine similarity of `query` to every text (its best piece), in order."""
        out = np.zeros(self.count, np.float32)
        if not self.matrix.size or not query.strip():
            return out
        scores = self.matrix @ query_vector(query)
        out.fill(-1.0)
        np.maximum.at(out, self.owner, scores)
        return np.maximum(out, 0.0)
