"""Running many tests: the parallel bound, verdicts combined over repeats."""

import asyncio

import pytest

from botbuilder.bottests import execute
from botbuilder.bottests.execute import Definition, Verdict, combined_outcome


@pytest.mark.parametrize("parallel", [1, 3])
async def test_tests_run_at_most_parallel_at_a_time(monkeypatch, parallel):
    running, peak, finished = 0, 0, []

    async def fake_test_run(definition, prepared, *, mode, repeat=None):
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.02)
        running -= 1
        return Verdict(definition.name, None, "passed")

    async def on_done(verdict):
        finished.append(verdict.name)

    monkeypatch.setattr(execute, "test_run", fake_test_run)
    definitions = [Definition(None, f"t{n}", "reply", []) for n in range(7)]
    verdicts = await execute.tests_run(
        definitions, None, mode="text", repeat=None, parallel=parallel, on_done=on_done
    )
    assert peak == parallel
    assert [v.name for v in verdicts] == [d.name for d in definitions]
    assert sorted(finished) == sorted(d.name for d in definitions)


def test_repeats_combine_worst_first():
    assert combined_outcome(["passed", "passed"]) == "passed"
    assert combined_outcome(["passed", "unknown"]) == "unknown"
    assert combined_outcome(["unknown", "failed", "passed"]) == "failed"
    assert combined_outcome(["failed", "error"]) == "error"
