"""Ranking a bot's snippets for a query with BM25 (pure code, index built once per session).

Each term's postings hold the snippet numbers and their precomputed BM25 term weights as
numpy arrays, so a query costs one vectorised add per query term plus a partial sort:
well under a millisecond at 10,000 snippets (see bench/knowledge_search.py).

Building the postings of a large knowledge base takes hundreds of milliseconds of pure
Python; a thread would still hold the GIL that every live call of the worker needs, so
from OUT_OF_PROCESS_MIN_SNIPPETS on they are built in a worker process of their own.
"""

import logging
import multiprocessing
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import lru_cache
from threading import Lock

import numpy as np

from botbuilder.assembly.snapshot import SnippetSpec
from botbuilder.knowledge.bm25 import Postings, build_postings, tokenize

logger = logging.getLogger(__name__)

INDEX_CACHE_SIZE = 32  # distinct snippet sets kept by index_for()
# From this many snippets the postings are built in a worker process (measured: 10,000
# take ~300 ms of GIL-holding Python; a few hundred take a few ms, not worth a process).
OUT_OF_PROCESS_MIN_SNIPPETS = 1000

_pool: ProcessPoolExecutor | None = None
_pool_lock = Lock()


@dataclass
class KnowledgeIndex:
    """BM25 over snippet titles and contents; `search` returns the best snippets first."""

    snippets: list[SnippetSpec]
    postings: Postings
    term_numbers: dict[str, int]

    @classmethod
    def build(cls, snippets: Iterable[SnippetSpec]) -> "KnowledgeIndex":
        """Index `snippets` here (a few hundred ms at 10,000; use index_for() to reuse)."""
        docs = list(snippets)
        return cls.of(docs, build_postings([(s.title, s.content) for s in docs]))

    @classmethod
    def of(cls, docs: list[SnippetSpec], postings: Postings) -> "KnowledgeIndex":
        return cls(docs, postings, {t: i for i, t in enumerate(postings.terms)})

    @property
    def term_count(self) -> int:
        return len(self.term_numbers)

    def search(self, query: str, k: int = 3) -> list[tuple[SnippetSpec, float]]:
        """The `k` best snippets for `query` with their BM25 scores, best first (score > 0)."""
        numbers = [
            self.term_numbers[t]
            for t in dict.fromkeys(tokenize(query))
            if t in self.term_numbers
        ]
        if not numbers or k <= 0:
            return []
        p = self.postings
        scores = np.zeros(len(self.snippets), dtype=np.float32)
        for n in numbers:
            start, end = p.offsets[n], p.offsets[n + 1]
            scores[p.doc_ids[start:end]] += p.idf[n] * p.weights[start:end]
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        # Best score first; ties by snippet order so results are stable.
        ranked = sorted(top.tolist(), key=lambda i: (-float(scores[i]), i))
        return [(self.snippets[i], float(scores[i])) for i in ranked if scores[i] > 0]


def _process_pool() -> ProcessPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            # spawn: the worker imports only botbuilder.knowledge.bm25 (no fork of a
            # process with threads and an event loop).
            _pool = ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context("spawn")
            )
        return _pool


def build_postings_elsewhere(docs: list[tuple[str, str]]) -> Postings:
    """`build_postings` in the worker process (here if that process cannot be used)."""
    global _pool
    try:
        return _process_pool().submit(build_postings, docs).result()
    except (BrokenProcessPool, OSError, RuntimeError):
        logger.exception("Knowledge index worker failed; building in this process")
        with _pool_lock:
            _pool = None
        return build_postings(docs)


@lru_cache(maxsize=INDEX_CACHE_SIZE)
def _cached_index(snippets: tuple[SnippetSpec, ...]) -> KnowledgeIndex:
    if len(snippets) < OUT_OF_PROCESS_MIN_SNIPPETS:
        return KnowledgeIndex.build(snippets)
    docs = [(s.title, s.content) for s in snippets]
    return KnowledgeIndex.of(list(snippets), build_postings_elsewhere(docs))


def index_for(snippets: Iterable[SnippetSpec]) -> KnowledgeIndex:
    """The index of `snippets`, built once per distinct snippet set and then reused
    (blocking: call it in a thread, as the session setup does)."""
    return _cached_index(tuple(snippets))
