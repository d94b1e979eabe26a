"""Audio mode: turns spoken by the offline voice, streamed in 20 ms frames in real time."""

import pytest

from botbuilder.bottests.services import run_create, run_execute
from tests.botbuilder.bottests.conftest import make_test

pytestmark = pytest.mark.django_db(transaction=True)


def test_spoken_scenario_recognition_barge_in_and_latency(shop_bot):
    make_test(
        shop_bot,
        name="spoken",
        kind="scenario",
        turns=[
            {"say": "what are your opening hours", "latency_budget_ms": 20_000,
             "checks": [{"kind": "contains", "text": "monday"}]},
            {"say": "can i return an item", "barge_in_ms": 1500,
             "checks": [{"kind": "contains", "text": "thirty days"}]},
        ],
    )  # fmt: skip
    make_test(
        shop_bot,
        name="too late to barge in",
        kind="scenario",
        turns=[
            {"say": "can i return an item", "latency_budget_ms": 1},
            {"say": "what are your opening hours", "barge_in_ms": 9000},
        ],
    )
    run = run_execute(run_id=run_create(bot=shop_bot, mode="audio").pk)
    results = {r.test_name: r for r in run.results.all()}
    spoken = results["spoken"]
    assert spoken.outcome == "passed", spoken.message
    user_lines = [line["text"] for line in spoken.transcript if line["role"] == "user"]
    assert (
        "opening hours" in user_lines[0]
    )  # what the engine recognised, not the script
    barge_in = spoken.checks[0][-1]
    assert barge_in["check"] == "barge-in 1500 ms into the reply"
    assert "after the caller began speaking" in barge_in["detail"]
    assert all(ms is not None and ms < 20_000 for ms in spoken.latency_ms)
    late = results["too late to barge in"]
    assert [(c["check"], c["outcome"]) for c in late.checks[0]] == [
        ("first audio within 1 ms", "failed"),
        ("barge-in 9000 ms into the reply", "failed"),
    ]
    assert "was not interrupted" in late.checks[0][1]["detail"]
