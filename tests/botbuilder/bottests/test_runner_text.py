"""Text-mode test runs against the offline engine through the real session core."""

import pytest

from botbuilder.bottests.services import run_create, run_execute
from botbuilder.models import BotTestResult
from tests.botbuilder.bottests.conftest import make_test

pytestmark = pytest.mark.django_db(transaction=True)

ORDER = "where is my order 12345"
CALLED = {"kind": "tool_called", "tool": "get_order_status"}


def run_all(bot, **options):
    run = run_execute(run_id=run_create(bot=bot, **options).pk)
    return run, {r.test_name: r for r in run.results.all()}


def outcomes(result: BotTestResult) -> list[str]:
    return [c["outcome"] for c in result.checks[-1]]


def test_reply_checks_pass_and_fail_on_the_real_reply(shop_bot):
    make_test(
        shop_bot,
        name="hours",
        caller_turn="what are your opening hours",
        checks=[
            {"kind": "contains", "text": "monday"},
            {"kind": "not_contains", "text": "refund"},
            {"kind": "regex", "pattern": r"nine .* six"},
        ],
    )
    make_test(
        shop_bot,
        name="hours wrong",
        caller_turn="what are your opening hours",
        checks=[
            {"kind": "contains", "text": "sunday"},
            {"kind": "not_contains", "text": "friday"},
            {"kind": "regex", "pattern": r"^closed"},
            {"kind": "judged", "criterion": "The bot is friendly"},
        ],
    )
    make_test(
        shop_bot,
        name="judged only",
        caller_turn="can I get a refund",
        checks=[{"kind": "judged", "criterion": "The bot explains the refund"}],
    )
    run, results = run_all(shop_bot)
    assert outcomes(results["hours"]) == ["passed"] * 3
    assert results["hours"].outcome == "passed"
    assert outcomes(results["hours wrong"]) == ["failed", "failed", "failed", "unknown"]
    assert results["hours wrong"].outcome == "failed"
    assert results["judged only"].outcome == "unknown"  # offline: never a pass
    assert run.status == "failed" and run.done == 3
    transcript = results["hours"].transcript
    assert transcript[0] == {"role": "user", "text": "what are your opening hours"}
    assert "Monday to Friday" in transcript[1]["text"]
    assert results["hours"].latency_ms[0] > 0


def test_tool_tests_and_mocks(shop_bot):
    make_test(shop_bot, name="called", kind="tool", caller_turn=ORDER, checks=[
        {**CALLED, "arguments": {"order_number": {"exact": "12345"}}},
        {"kind": "contains", "text": "shipped"},  # the real (static) tool answered
    ])  # fmt: skip
    make_test(shop_bot, name="wrong argument", kind="tool", caller_turn=ORDER, checks=[
        {**CALLED, "arguments": {"order_number": {"exact": "999"}}},
    ])  # fmt: skip
    make_test(shop_bot, name="not called", kind="tool", caller_turn=ORDER, checks=[
        {"kind": "tool_not_called", "tool": "get_order_status"},
    ])  # fmt: skip
    make_test(
        shop_bot, name="mocked", kind="tool", caller_turn=ORDER,
        checks=[CALLED, {"kind": "contains", "text": "lost"}],
        mocks=[{"tool": "get_order_status", "arguments": {"order_number": "12345"},
                "output": {"status": "lost"}}],
        unmatched_tool_calls="fail",
    )  # fmt: skip
    make_test(
        shop_bot, name="unmatched fails", kind="tool", caller_turn=ORDER,
        checks=[CALLED],
        mocks=[{"tool": "get_order_status", "arguments": {"order_number": "1"},
                "output": "nope"}],
        unmatched_tool_calls="fail",
    )  # fmt: skip
    make_test(
        shop_bot, name="unmatched runs real", kind="tool", caller_turn=ORDER,
        checks=[CALLED, {"kind": "contains", "text": "shipped"}],
        mocks=[{"tool": "get_order_status", "arguments": {"order_number": "1"},
                "output": "nope"}],
    )  # fmt: skip
    _, results = run_all(shop_bot)
    assert results["called"].outcome == "passed", results["called"].message
    assert results["wrong argument"].outcome == "failed"
    assert "expected '999'" in results["wrong argument"].checks[0][0]["detail"]
    assert results["not called"].outcome == "failed"
    assert results["mocked"].outcome == "passed", results["mocked"].message
    assert "shipped" not in results["mocked"].transcript[1]["text"]
    assert results["unmatched fails"].outcome == "failed"
    assert "no mock matched" in results["unmatched fails"].message
    assert results["unmatched runs real"].outcome == "passed"


def test_scenario_latency_budgets_history_and_repeats(shop_bot):
    make_test(
        shop_bot,
        name="scenario",
        kind="scenario",
        repeat=2,
        turns=[
            {"say": "what are your opening hours", "latency_budget_ms": 20_000,
             "checks": [{"kind": "contains", "text": "monday"}]},
            {"say": "can I return an item", "latency_budget_ms": 1,
             "checks": [{"kind": "contains", "text": "thirty days"}]},
        ],
    )  # fmt: skip
    make_test(
        shop_bot,
        name="with history",
        history=["what are your opening hours"],
        caller_turn="can I return an item",
        checks=[{"kind": "contains", "text": "refund"}],
    )
    _, results = run_all(shop_bot)
    scenario = results["scenario"]
    assert scenario.attempts == 2 and scenario.passed_attempts == 0
    assert scenario.pass_rate == 0.0
    last = scenario.checks[-1]
    assert [(c["turn"], c["outcome"]) for c in last] == [
        (1, "passed"), (1, "passed"), (2, "passed"), (2, "failed"),
    ]  # fmt: skip
    assert "first audio within 1 ms" in scenario.message
    history = results["with history"]
    assert history.outcome == "passed"
    assert len(history.transcript) == 4  # the earlier line was said and answered


def test_repeat_override_pass_rate_and_regressions(shop_bot):
    test = make_test(
        shop_bot,
        name="hours",
        caller_turn="what are your opening hours",
        checks=[{"kind": "contains", "text": "monday"}],
    )
    _, first = run_all(shop_bot, repeat=3)
    assert first["hours"].attempts == 3 and first["hours"].pass_rate == 1.0
    assert not first["hours"].regression
    test.checks = [{"kind": "contains", "text": "sunday"}]
    test.save()
    run, second = run_all(shop_bot)
    assert second["hours"].attempts == 1
    assert second["hours"].regression and second["hours"].previous_outcome == "passed"
    assert run.status == "failed"


def test_an_inactive_bot_is_an_error_run_not_a_crash(shop_bot):
    make_test(shop_bot, name="x", caller_turn="hi", checks=[
        {"kind": "contains", "text": "x"}])  # fmt: skip
    shop_bot.is_active = False
    shop_bot.save()
    run, results = run_all(shop_bot)
    assert run.status == "error" and "inactive" in run.error and not results
