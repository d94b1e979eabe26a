"""Test runs: create, execute (results stored, compared with the previous run).

A running run beats (`heartbeat_at`) while its tests run. A run whose process was killed
stops beating; `runs_sweep_lost` ends it as an error, so its page stops saying "running"
and the bot can be tested again. A run that fails on its own ends as an error too.
"""

import asyncio
import contextlib
import logging
from datetime import timedelta
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

logger = logging.getLogger(__name__)

FAILING = (TestOutcome.FAILED, TestOutcome.ERROR)
LOST = (
    "The process running these tests stopped before they finished ({done} of {total} "
    "done). Run them again."
)
BROKE = (
    "The run stopped on an unexpected error after {done} of {total} tests; the "
    "worker's log has the details. Run them again."
)


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

    beating = asyncio.create_task(_beat(run.pk))
    try:
        await tests_run(
            definitions,
            prepared,
            mode=run.mode,
            repeat=run.repeat,
            parallel=parallel or settings.BOT_TESTS_PARALLEL,
            on_done=done,
        )
    except Exception:
        logger.exception("Bot test run %s stopped on an error", run.pk)
        return await sync_to_async(_end_as_error)(run, BROKE)
    finally:
        beating.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await beating
    return await sync_to_async(_finish)(run)


async def _beat(run_id: int) -> None:
    """Say the run is alive every BOT_TESTS_HEARTBEAT_S until cancelled."""
    while True:
        await asyncio.sleep(settings.BOT_TESTS_HEARTBEAT_S)
        try:
            await sync_to_async(_mark_alive)(run_id)
        except Exception:  # the database may be briefly away: beat again next time
            logger.exception("Bot test run %s: heartbeat failed", run_id)


def _mark_alive(run_id: int) -> None:
    BotTestRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(
        heartbeat_at=timezone.now()
    )


def _end_as_error(run: BotTestRun, message: str) -> BotTestRun:
    run.refresh_from_db()
    run.status, run.finished_at = RunStatus.ERROR, timezone.now()
    run.error = message.format(done=run.done, total=run.total)
    run.save(update_fields=["status", "finished_at", "error"])
    return run


def runs_sweep_lost(*, stale_after_s: float | None = None) -> list[int]:
    """End running runs whose process stopped beating (killed, crashed) as errors, at
    their last beat; the ids of those ended."""
    stale_after_s = (
        settings.BOT_TESTS_LOST_AFTER_S if stale_after_s is None else stale_after_s
    )
    cutoff = timezone.now() - timedelta(seconds=stale_after_s)
    lost = list(
        BotTestRun.objects.filter(status=RunStatus.RUNNING, heartbeat_at__lt=cutoff)
    )
    ended = []
    for run in lost:
        updated = BotTestRun.objects.filter(
            pk=run.pk, status=RunStatus.RUNNING, heartbeat_at__lt=cutoff
        ).update(
            status=RunStatus.ERROR,
            finished_at=run.heartbeat_at,
            error=LOST.format(done=run.done, total=run.total),
        )
        if updated:
            ended.append(run.pk)
    if ended:
        logger.warning(
            "Ended %d bot test run(s) of stopped processes: %s", len(ended), ended
        )
    return ended


def _begin(run_id: int, offline_port: int | None):
    run = BotTestRun.objects.select_related("bot").get(pk=run_id)
    tests = list(
        run.bot.tests.filter(is_enabled=True).select_related("simulator_connection")
    )
    run.results.all().delete()  # a re-run starts clean
    run.status, run.total, run.done, run.error = RunStatus.RUNNING, len(tests), 0, ""
    run.heartbeat_at = timezone.now()
    run.save(update_fields=["status", "total", "done", "error", "heartbeat_at"])
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
    BotTestRun.objects.filter(pk=run.pk).update(
        done=run.results.count(), heartbeat_at=timezone.now()
    )
    return result


def _finish(run: BotTestRun) -> BotTestRun:
    run.refresh_from_db()
    failing = run.results.filter(outcome__in=FAILING).exists()
    run.status = RunStatus.FAILED if failing else RunStatus.PASSED
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "finished_at"])
    return run
