"""Ranking a bot's snippets for a query with BM25 (pure code, index built once per session)."""

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from botbuilder.assembly.snapshot import SnippetSpec

TOKEN_RE = re.compile(r"[a-z0-9]+")
STOPWORDS = frozenset(
    "a an and are as at be by can do does for from have how i in is it me my of on or our "
    "the to we what when where which who why will with you your".split()
)
BM25_K1 = 1.5
BM25_B = 0.75
TITLE_WEIGHT = 2  # title words count this many times


def tokenize(text: str) -> list[str]:
    """Lower-case word tokens without stopwords, with a light plural/verb-ending stem."""
    return [_stem(t) for t in TOKEN_RE.findall(text.lower()) if t not in STOPWORDS]


def _stem(token: str) -> str:
    for suffix in ("ing", "ies", "es", "ed", "s"):
        if len(token) > len(suffix) + 2 and token.endswith(suffix):
            return token[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return token


@dataclass
class KnowledgeIndex:
    snippets: list[SnippetSpec]
    postings: dict[str, list[tuple[int, int]]]  # term -> [(doc index, term frequency)]
    doc_lengths: list[int]
    avg_length: float

    @classmethod
    def build(cls, snippets: list[SnippetSpec] | tuple[SnippetSpec, ...]) -> "KnowledgeIndex":
        docs = list(snippets)
        postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        lengths = []
        for i, s in enumerate(docs):
            counts = Counter(tokenize(s.title) * TITLE_WEIGHT + tokenize(s.content))
            lengths.append(sum(counts.values()))
            for term, tf in counts.items():
                postings[term].append((i, tf))
        avg = (sum(lengths) / len(lengths)) if lengths else 0.0
        return cls(docs, dict(postings), lengths, avg)

    def search(self, query: str, k: int = 3) -> list[tuple[SnippetSpec, float]]:
        """The `k` best snippets for `query` with their BM25 scores, best first (score > 0)."""
        n = len(self.snippets)
        scores: dict[int, float] = defaultdict(float)
        for term in set(tokenize(query)):
            posting = self.postings.get(term)
            if not posting:
                continue
            idf = math.log(1 + (n - len(posting) + 0.5) / (len(posting) + 0.5))
            for doc, tf in posting:
                norm = 1 - BM25_B + BM25_B * self.doc_lengths[doc] / (self.avg_length or 1)
                scores[doc] += idf * tf * (BM25_K1 + 1) / (tf + BM25_K1 * norm)
        best = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
        return [(self.snippets[doc], score) for doc, score in best if score > 0]
