"""Running a test N times (no ORM): its attempts, pass rate and verdict."""

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from botbuilder.bottests import checks
from botbuilder.bottests.driver import Attempt, run_attempt
from botbuilder.bottests.judging import judge_for
from botbuilder.bottests.prepare import PreparedBot, TestingModel
from botbuilder.bottests.simulation import run_simulation
from botbuilder.bottests.spec import Turn

OFFLINE_SIMULATION = (
    "Simulations need a real model to play the caller; on the offline engine only "
    "scripted tests (reply, tool, scenario) run. Give the test a testing connection to a "
    "real model, or run it on a bot that has one."
)


@dataclass
class Definition:
    """A test as plain data, read once from its row."""

    test_id: int | None
    name: str
    kind: str
    turns: list[Turn]
    mocks: list[dict[str, Any]] = field(default_factory=list)
    unmatched: str = "real"
    repeat: int = 1
    testing: TestingModel | None = None  # simulated caller and judge; None: unusable
    problem: str = ""  # why the test cannot run (e.g. its testing connection)
    persona: str = ""
    goal: str = ""
    max_turns: int = 6
    criteria: list[str] = field(default_factory=list)


@dataclass
class Verdict:
    name: str
    test_id: int | None
    outcome: str
    attempts: int = 0
    passed_attempts: int = 0
    checks: list[list[dict[str, str]]] = field(default_factory=list)  # per attempt
    transcript: list[dict[str, str]] = field(default_factory=list)
    latency_ms: list[int | None] = field(default_factory=list)
    message: str = ""
    duration_ms: int = 0


def combined_outcome(outcomes: list[str]) -> str:
    """All passed: passed; any failed or errored: that; else unknown."""
    for worst in ("error", checks.FAILED, checks.UNKNOWN):
        if worst in outcomes:
            return worst
    return checks.PASSED


async def test_run(
    definition: Definition, prepared: PreparedBot, *, mode: str,
    repeat: int | None = None,
) -> Verdict:  # fmt: skip
    """Run the test `repeat` times (its own count when None)."""
    verdict = Verdict(definition.name, definition.test_id, checks.SKIPPED)
    testing = definition.testing
    if testing is None:
        verdict.outcome, verdict.message = "error", definition.problem
        return verdict
    if definition.kind == "simulation" and testing.kind == "offline":
        verdict.message = OFFLINE_SIMULATION
        return verdict
    judge = judge_for(connection_kind=testing.kind, target=testing.target)
    started = time.monotonic()
    outcomes = []
    for _ in range(repeat or definition.repeat):
        try:
            attempt = await _attempt(definition, prepared, judge, mode)
        except Exception as exc:  # a broken bot or engine fails the test, not the run
            attempt = Attempt("error", message=f"the test call failed: {exc!r}")
        outcomes.append(attempt.outcome)
        verdict.checks.append(attempt.checks)
        verdict.transcript, verdict.latency_ms = attempt.transcript, attempt.latency_ms
        verdict.message = attempt.message or verdict.message
        verdict.attempts += 1
        verdict.passed_attempts += attempt.outcome == checks.PASSED
    verdict.outcome = combined_outcome(outcomes)
    if not verdict.message:
        verdict.message = _summary(verdict)
    verdict.duration_ms = int((time.monotonic() - started) * 1000)
    return verdict


async def _attempt(
    definition: Definition, prepared: PreparedBot, judge, mode
) -> Attempt:
    if definition.kind == "simulation":
        return await run_simulation(
            prepared, caller_target=definition.testing.target,
            persona=definition.persona, goal=definition.goal,
            max_turns=definition.max_turns, criteria=definition.criteria,
            mocks=definition.mocks, unmatched=definition.unmatched, judge=judge,
        )  # fmt: skip
    return await run_attempt(
        prepared, definition.turns, mocks=definition.mocks,
        unmatched=definition.unmatched, judge=judge, mode=mode,
    )  # fmt: skip


def _summary(verdict: Verdict) -> str:
    failed = [
        f"{c.get('turn', '')}: {c['check']} ({c['detail']})".lstrip(": ")
        for attempt in verdict.checks
        for c in attempt
        if c["outcome"] in (checks.FAILED, checks.UNKNOWN)
    ]
    rate = f"{verdict.passed_attempts}/{verdict.attempts} attempts passed"
    return rate + ("; " + "; ".join(dict.fromkeys(failed)) if failed else "")


async def tests_run(
    definitions: list[Definition], prepared: PreparedBot, *,
    mode: str, repeat: int | None, parallel: int, on_done=None,
) -> list[Verdict]:  # fmt: skip
    """All tests of a bot, at most `parallel` at a time; `on_done(verdict)` as each ends."""
    bound = asyncio.Semaphore(max(1, parallel))

    async def one(definition: Definition) -> Verdict:
        async with bound:
            verdict = await test_run(definition, prepared, mode=mode, repeat=repeat)
        if on_done is not None:
            await on_done(verdict)
        return verdict

    return list(await asyncio.gather(*(one(d) for d in definitions)))
