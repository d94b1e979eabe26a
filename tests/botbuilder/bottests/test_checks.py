"""Check evaluation without a session: every kind passing and failing, judged verdicts."""

import pytest

from botbuilder.bottests import checks
from botbuilder.bottests.judging import OfflineJudge
from botbuilder.bottests.spec import check_errors, definition_errors

REPLY = checks.TurnResult(
    say="where is order 42",
    reply="Your order 42 has shipped.",
    tool_calls=[{"name": "get_order_status", "arguments": {"order_number": "42"}}],
)


class StubJudge:
    def __init__(self, verdict):
        self.verdict, self.asked = verdict, []

    async def __call__(self, *, transcript, criterion):
        self.asked.append(criterion)
        return self.verdict, "because"


async def outcomes(check_list, judge=None):
    found = await checks.evaluate(check_list, REPLY, judge or OfflineJudge(), [])
    return [r["outcome"] for r in found]


async def test_text_checks_pass_and_fail():
    got = await outcomes(
        [
            {"kind": "contains", "text": "SHIPPED"},
            {"kind": "contains", "text": "refund"},
            {"kind": "not_contains", "text": "refund"},
            {"kind": "not_contains", "text": "order"},
            {"kind": "regex", "pattern": r"order \d+ has"},
            {"kind": "regex", "pattern": r"^refund"},
        ]
    )
    assert got == ["passed", "failed", "passed", "failed", "passed", "failed"]


async def test_tool_checks_with_argument_rules():
    called = {"kind": "tool_called", "tool": "get_order_status"}
    got = await outcomes(
        [
            called,
            {**called, "arguments": {"order_number": {"exact": "42"}}},
            {**called, "arguments": {"order_number": {"exact": "43"}}},
            {**called, "arguments": {"order_number": {"regex": r"^\d+$"}}},
            {**called, "arguments": {"order_number": {"regex": "^x"}}},
            {**called, "arguments": {"order_number": {"anything": True}}},
            {**called, "arguments": {"email": {"anything": True}}},
            {"kind": "tool_called", "tool": "transfer_to_human"},
            {"kind": "tool_not_called", "tool": "transfer_to_human"},
            {"kind": "tool_not_called", "tool": "get_order_status"},
        ]
    )
    assert got == [
        "passed", "passed", "failed", "passed", "failed",
        "passed", "failed", "failed", "passed", "failed",
    ]  # fmt: skip


@pytest.mark.parametrize("verdict", ["passed", "failed", "unknown"])
async def test_judged_checks_take_the_judges_verdict(verdict):
    judge = StubJudge(verdict)
    rule = {"order_number": {"judged": "is the number the caller said"}}
    got = await outcomes(
        [
            {"kind": "judged", "criterion": "The bot is polite"},
            {"kind": "tool_called", "tool": "get_order_status", "arguments": rule},
        ],
        judge,
    )
    assert got == [verdict, verdict]
    assert judge.asked[0] == "The bot is polite"
    assert "'42'" in judge.asked[1]


async def test_offline_a_judged_check_is_unknown_never_passed():
    got = await checks.evaluate(
        [{"kind": "judged", "criterion": "The bot is polite"}],
        REPLY,
        OfflineJudge(),
        [],
    )
    assert got[0]["outcome"] == "unknown" and "offline" in got[0]["detail"]
    assert checks.outcome_of(got) == "unknown"


def test_timing_checks():
    turn = checks.TurnResult(say="x", response_ms=900, interrupted_at_ms=None)
    found = checks.timing_checks(
        turn, latency_budget_ms=1000, barge_in_ms=None, audio=False
    )
    assert [r["outcome"] for r in found] == ["passed"]
    found = checks.timing_checks(
        turn, latency_budget_ms=800, barge_in_ms=500, audio=True
    )
    assert [r["outcome"] for r in found] == ["failed", "failed"]
    found = checks.timing_checks(
        turn, latency_budget_ms=None, barge_in_ms=500, audio=False
    )
    assert [r["outcome"] for r in found] == ["skipped"]
    for cut_ms, outcome in ((900, "passed"), (1900, "failed"), (700, "failed")):
        turn.interrupted_at_ms = cut_ms  # speech begins at 500 + 300 ms
        found = checks.timing_checks(
            turn,
            latency_budget_ms=None,
            barge_in_ms=500,
            audio=True,
            speech_lead_ms=300,
        )
        assert found[0]["outcome"] == outcome, found


def test_definitions_are_validated_with_readable_errors():
    assert check_errors([{"kind": "regex", "pattern": "("}])[0].startswith(
        "check 1: the"
    )
    assert "needs a kind" in check_errors([{"kind": "nope"}])[0]
    assert (
        "exact"
        in check_errors(
            [{"kind": "tool_called", "tool": "t", "arguments": {"a": {"equals": 1}}}]
        )[0]
    )
    errors = definition_errors(
        kind="tool", history=[], caller_turn="hi", goal="", criteria=[],
        checks=[{"kind": "contains", "text": "x"}], turns=[],
        mocks=[{"tool": "t"}],
    )  # fmt: skip
    assert "tool_called" in errors["checks"][0]
    assert "output" in errors["mocks"][0]
    errors = definition_errors(
        kind="scenario", history=[], caller_turn="", goal="", criteria=[], checks=[],
        turns=[{"say": "hi", "barge_in_ms": -1, "latency": 3}], mocks=[],
    )  # fmt: skip
    assert any("barge_in_ms" in e for e in errors["turns"])
    assert any("unknown keys latency" in e for e in errors["turns"])
