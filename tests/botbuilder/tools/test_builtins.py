"""Built-in tools: search_knowledge ranking, end_session, transfer_call."""

import json

import pytest

from botbuilder.assembly.knowledge import SEARCH_KNOWLEDGE_TOOL
from botbuilder.assembly.snapshot import SnippetSpec, ToolSpec
from botbuilder.demo import SNIPPETS
from botbuilder.knowledge.search import KnowledgeIndex, index_for, tokenize
from botbuilder.tools import ToolContext, run_tool

DISTRACTORS = [
    (
        "Gift wrapping",
        "We wrap gifts in recycled paper for two dollars; add a card with your message.",
    ),
    (
        "Store locations",
        "Our shops are in Springfield and Shelbyville, next to the train station.",
    ),
    (
        "Warranty",
        "Electronics carry a two year warranty covering manufacturing faults.",
    ),
    (
        "Price match",
        "If you find the same product cheaper elsewhere we match the price.",
    ),
    (
        "Loyalty points",
        "Earn one point per dollar spent and redeem points for vouchers.",
    ),
]


@pytest.fixture(scope="module")
def demo_snippets() -> tuple[SnippetSpec, ...]:
    specs = [
        SnippetSpec(id=i, title=s["title"], content=s["content"], mode="retrieved")
        for i, s in enumerate(SNIPPETS)
    ]
    specs += [
        SnippetSpec(id=100 + i, title=t, content=c, mode="retrieved")
        for i, (t, c) in enumerate(DISTRACTORS)
    ]
    return tuple(specs)


@pytest.mark.parametrize(
    ("query", "expected_title"),
    [
        ("do you make deliveries on a saturday", "Weekend delivery"),
        ("my package arrived broken", "Damaged items"),
        ("the things I ordered were damaged in transit", "Damaged items"),
        ("what payment options are there", "Payment methods"),
        (
            "I moved house, can the parcel go to my new address",
            "Changing a delivery address",
        ),
        ("how do I stop my Acme Plus membership", "Cancelling a subscription"),
        ("is shipping free", "Shipping costs and times"),
        ("how long does express shipping take", "Shipping costs and times"),
        ("when are you open", "Opening hours"),
    ],
)
def test_search_ranks_the_right_snippet_first(demo_snippets, query, expected_title):
    hits = KnowledgeIndex.build(demo_snippets).search(query, k=3)
    assert hits, query
    assert hits[0][0].title == expected_title
    assert [score for _, score in hits] == sorted(
        (score for _, score in hits), reverse=True
    )


def test_search_returns_nothing_for_unrelated_words(demo_snippets):
    assert KnowledgeIndex.build(demo_snippets).search("zebra xylophone", k=3) == []


def test_stemming_joins_word_forms():
    assert tokenize("deliveries delivered delivering") == ["deliver"] * 3
    assert tokenize("cancelled cancelling cancellation") == ["cancel"] * 3


def test_index_is_built_once_per_snippet_set(demo_snippets):
    assert index_for(demo_snippets) is index_for(list(demo_snippets))
    assert index_for(demo_snippets[:3]) is not index_for(demo_snippets)


async def test_search_knowledge_returns_titles_and_snippets(demo_snippets):
    context = ToolContext(session_id="s", knowledge=index_for(demo_snippets))
    outcome = await run_tool(
        spec=SEARCH_KNOWLEDGE_TOOL,
        arguments='{"query": "can I pay with paypal"}',
        context=context,
    )
    assert outcome.status == "ok"
    payload = json.loads(outcome.output)
    assert payload["results"][0]["title"] == "Payment methods"
    assert "PayPal" in payload["results"][0]["content"]
    assert len(payload["results"]) <= 3


async def test_search_knowledge_without_matches_says_so(demo_snippets):
    context = ToolContext(session_id="s", knowledge=index_for(demo_snippets))
    outcome = await run_tool(
        spec=SEARCH_KNOWLEDGE_TOOL, arguments='{"query": "zebra"}', context=context
    )
    payload = json.loads(outcome.output)
    assert payload["results"] == [] and "do not guess" in payload["note"]


async def test_search_knowledge_without_query_is_correctable():
    outcome = await run_tool(
        spec=SEARCH_KNOWLEDGE_TOOL, arguments="{}", context=ToolContext(session_id="s")
    )
    assert outcome.status == "invalid_arguments"
    assert json.loads(outcome.output)["problems"][0]["field"] == "query"


async def test_end_session_asks_the_relay_to_end_with_a_closing_line():
    spec = ToolSpec(
        name="end_call",
        description="d",
        kind="builtin",
        builtin="end_session",
        parameters={
            "type": "object",
            "properties": {"closing_line": {"type": "string"}},
        },
    )
    outcome = await run_tool(
        spec=spec,
        arguments='{"closing_line": "Bye now!"}',
        context=ToolContext(session_id="s"),
    )
    assert (outcome.status, outcome.action, outcome.closing_line) == (
        "ok",
        "end_session",
        "Bye now!",
    )
    default = await run_tool(
        spec=spec, arguments="{}", context=ToolContext(session_id="s")
    )
    assert default.action == "end_session" and default.closing_line


async def test_transfer_call_records_the_request():
    spec = ToolSpec(
        name="transfer_to_human",
        description="d",
        kind="builtin",
        builtin="transfer_call",
        parameters={"type": "object", "properties": {"reason": {"type": "string"}}},
    )
    outcome = await run_tool(
        spec=spec,
        arguments='{"reason": "wants a refund"}',
        context=ToolContext(session_id="s"),
    )
    assert outcome.action == "transfer_call"
    assert outcome.detail["transfer"]["reason"] == "wants a refund"
    assert json.loads(outcome.output)["transfer"] == "requested"
