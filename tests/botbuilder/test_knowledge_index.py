"""Large knowledge bases are indexed in a worker process: same rankings, off the GIL."""

import os

from botbuilder.assembly import SnippetSpec
from botbuilder.knowledge import bm25, search


def _snippets(n: int) -> list[SnippetSpec]:
    return [
        SnippetSpec(
            id=i,
            title=f"Topic {i} {'returns' if i % 3 else 'delivery'}",
            content=f"Fact {i}: parcels to district {i % 300} take {i % 7} days; "
            f"{'refunds within thirty days' if i % 5 == 0 else 'express on request'}.",
            mode="retrieved",
        )
        for i in range(n)
    ]


def _pid_of_builder(docs):
    """Runs where build_postings runs: its process id rides on the first term."""
    postings = bm25.build_postings(docs)
    postings.terms = [f"{os.getpid()}", *postings.terms[1:]]
    return postings


def test_a_large_knowledge_base_is_built_in_another_process(monkeypatch):
    monkeypatch.setattr(search, "OUT_OF_PROCESS_MIN_SNIPPETS", 50)
    search._cached_index.cache_clear()
    snippets = _snippets(60)
    seen = []
    real = search.build_postings_elsewhere

    def spy(docs):
        seen.append(len(docs))
        return real(docs)

    monkeypatch.setattr(search, "build_postings_elsewhere", spy)
    remote = search.index_for(snippets)
    local = search.KnowledgeIndex.build(snippets)
    assert seen == [60]
    for query in ("refunds within thirty days", "district 42 delivery", "express"):
        assert remote.search(query, k=5) == local.search(query, k=5)
    assert remote.term_count == local.term_count > 0
    search._cached_index.cache_clear()


def test_the_worker_is_really_another_process():
    pool = search._process_pool()
    postings = pool.submit(_pid_of_builder, [("a", "b c")]).result()
    assert postings.terms[0] != str(os.getpid())


def test_small_knowledge_bases_stay_in_this_process(monkeypatch):
    search._cached_index.cache_clear()
    monkeypatch.setattr(
        search,
        "build_postings_elsewhere",
        lambda docs: (_ for _ in ()).throw(AssertionError("no process for 10")),
    )
    assert search.index_for(_snippets(10)).search("refunds", k=1)
    search._cached_index.cache_clear()
