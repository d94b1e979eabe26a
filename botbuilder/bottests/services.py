"""Test runs: create, execute (results stored, compared with the previous run)."""

from typing import Any

from asgiref.sync import async_to_sync, sync_to_async
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from botbuilder.bottests import spec
from botbuilder.bottests.execute import Definition, Verdict, tests_run
from botbuilder.bottests.prepare import (
    BotNotTestable,
    PreparedBot,
    prepare_bot,
    testing_model,
)
from botbuilder.models import Bot, BotTest, BotTestResult, BotTestRun
from botbuilder.models.bot_tests import RunStatus, TestOutcome

FAILING = (TestOutcome.FAILED, TestOutcome.ERROR)


def definition_of(
    test: BotTest, prepared: PreparedBot, offline_port: int | None = None
) -> Definition:
    """The test as plain data, with the model that judges it (and plays its caller)."""
    try:
        testing, problem = (
            testing_model(test.simulator_connection, prepared=prepared,
                          offline_port=offline_port), "",
        )  # fmt: skip
    except BotNotTestable as exc:
        testing, problem = None, str(exc)
    return Definition(
        test_id=test.pk,
        name=test.name,
        kind=test.kind,
        turns=[]
        if test.kind == "simulation"
        else spec.script(
            kind=test.kind,
            history=test.history,
            caller_turn=test.caller_turn,
            checks=test.checks,
            turns=test.turns,
        ),
        mocks=list(test.mocks),
        unmatched=test.unmatched_tool_calls,
        repeat=test.repeat,
        testing=testing,
        problem=problem,
        persona=test.persona,
        goal=test.goal,
        max_turns=test.max_turns,
        criteria=list(test.criteria),
    )


def run_create(
    *, bot: Bot, mode: str = "text", repeat: int | None = None, requested_by: Any = None
) -> BotTestRun:
    """A queued run of the bot's enabled tests."""
    return BotTestRun.objects.create(
        bot=bot,
        mode=mode,
        repeat=repeat,
        requested_by=requested_by,
        total=bot.tests.filter(is_enabled=True).count(),
    )


def run_execute(*, run_id: int, parallel: int | None = None) -> BotTestRun:
    """Run a queued run now (blocking) and store its results."""
    return async_to_sync(run_execute_async)(run_id=run_id, parallel=parallel)


async def run_execute_async(
    *,
    run_id: int,
    parallel: int | None = None,
    on_done=None,
    offline_port: int | None = None,
) -> BotTestRun:
    """As `run_execute`, inside an event loop (the command runs several bots at once)."""
    run, prepared, definitions = await sync_to_async(_begin)(run_id, offline_port)
    if prepared is None:
        return run

    async def done(verdict: Verdict) -> None:
        await sync_to_async(_store)(run, verdict)
        if on_done is not None:
            await on_done(run, verdict)

    await tests_run(
        definitions,
        prepared,
        mode=run.mode,
        repeat=run.repeat,
        parallel=parallel or settings.BOT_TESTS_PARALLEL,
        on_done=done,
    )
    return await sync_to_async(_finish)(run)


def _begin(run_id: int, offline_port: int | None):
    run = BotTestRun.objects.select_related("bot").get(pk=run_id)
    tests = list(
        run.bot.tests.filter(is_enabled=True).select_related("simulator_connection")
    )
    run.results.all().delete()  # a re-run starts clean
    run.status, run.total, run.done, run.error = RunStatus.RUNNING, len(tests), 0, ""
    run.save(update_fields=["status", "total", "done", "error"])
    try:
        prepared = prepare_bot(run.bot, offline_port=offline_port)
    except BotNotTestable as exc:
        run.status, run.error, run.finished_at = (
            RunStatus.ERROR,
            str(exc),
            timezone.now(),
        )
        run.save(update_fields=["status", "error", "finished_at"])
        return run, None, []
    return run, prepared, [definition_of(t, prepared, offline_port) for t in tests]


@transaction.atomic
def _store(run: BotTestRun, verdict: Verdict) -> BotTestResult:
    previous = (
        BotTestResult.objects.filter(test_id=verdict.test_id, run__mode=run.mode)
        .exclude(run=run)
        .order_by("-run__created_at", "-run_id")
        .first()
        if verdict.test_id
        else None
    )
    before = previous.outcome if previous else ""
    result = BotTestResult.objects.create(
        run=run,
        test_id=verdict.test_id,
        test_name=verdict.name,
        outcome=verdict.outcome,
        attempts=verdict.attempts,
        passed_attempts=verdict.passed_attempts,
        previous_outcome=before,
        regression=before == TestOutcome.PASSED
        and verdict.outcome != TestOutcome.PASSED,
        message=verdict.message,
        checks=verdict.checks,
        transcript=verdict.transcript,
        latency_ms=verdict.latency_ms,
        duration_ms=verdict.duration_ms,
    )
    BotTestRun.objects.filter(pk=run.pk).update(done=run.results.count())
    return result


def _finish(run: BotTestRun) -> BotTestRun:
    run.refresh_from_db()
    failing = run.results.filter(outcome__in=FAILING).exists()
    run.status = RunStatus.FAILED if failing else RunStatus.PASSED
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "finished_at"])
    return run
