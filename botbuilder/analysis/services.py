"""Writes of post-call analysis: queue it when a session ends, run it, store the verdict.

`analysis_run` is the body of the background job (botbuilder/analysis/tasks.py); it is
safe to run again for the same session (a worker killed mid-job runs it once more).
"""

import asyncio
import logging
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from botbuilder.analysis import plan as analysis_plan
from botbuilder.analysis.selectors import (
    analysis_plan_for,
    call_facts,
    judge_target,
    judge_transcript,
    plan_skip_reason,
)
from botbuilder.models import Session, SessionAnalysis
from botbuilder.models.analysis_results import AnalysisStatus
from botbuilder.pricing import Usage, cost_usd
from realtime.judge import JudgeTransportError, judge
from realtime.providers import ProviderConfigError

logger = logging.getLogger(__name__)

# Transport errors (model server unreachable, no answer): try again after these delays.
ANALYSIS_RETRY_DELAYS_S = (10, 60, 300)
# A queued (re-)run starts from nothing: no stale results next to a new status.
EMPTY_RESULTS = {
    "summary": "",
    "data": {},
    "rationales": {},
    "criteria": {},
    "successful": None,
    "flagged": False,
    "problems": [],
    "cost_usd": 0,
}


def session_after_end(*, session_id: Any) -> None:
    """Queue what follows an ended session: its analysis, else just its webhook."""
    bot_id = Session.objects.filter(pk=session_id).values_list("bot_id", flat=True)
    plan = analysis_plan_for(bot_id=bot_id.first())
    if plan is None:
        return
    if plan.is_enabled:
        analysis_enqueue(session_id=session_id)
    elif plan.webhook_url:
        from botbuilder.analysis.webhook import webhook_enqueue

        webhook_enqueue(session_id=session_id)


def analysis_enqueue(*, session_id: Any) -> SessionAnalysis:
    """Mark the session's analysis pending and queue the job once the transaction commits."""
    from botbuilder.analysis.tasks import run_analysis

    analysis, _ = SessionAnalysis.objects.update_or_create(
        session_id=session_id,
        defaults={
            "status": AnalysisStatus.PENDING,
            **EMPTY_RESULTS,
            "error": "",
            "attempts": 0,
            "queued_at": timezone.now(),
            "started_at": None,
            "finished_at": None,
        },
    )
    transaction.on_commit(
        lambda: run_analysis.enqueue(session_id=str(session_id), attempt=1)
    )
    return analysis


def _finish(analysis: SessionAnalysis, status: str, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(analysis, name, value)
    analysis.status = status
    analysis.finished_at = timezone.now()
    analysis.save()
    logger.info("Analysis of %s: %s", analysis.session_id, status)
    if status != AnalysisStatus.PENDING:
        from botbuilder.analysis.webhook import webhook_enqueue

        webhook_enqueue(session_id=analysis.session_id)


def analysis_run(*, session_id: Any, attempt: int = 1) -> str:
    """Run the analysis of one ended session now; returns the status it ends in."""
    analysis = (
        SessionAnalysis.objects.select_related("session__bot")
        .filter(pk=session_id)
        .first()
    )
    if analysis is None:
        logger.info("Session %s was deleted before its analysis ran", session_id)
        return "gone"
    session = analysis.session
    plan = analysis_plan_for(bot_id=session.bot_id)
    if plan is None:
        _finish(analysis, AnalysisStatus.FAILED, error="The bot has no analysis plan.")
        return analysis.status
    skip = plan_skip_reason(plan=plan, session=session)
    if skip:
        _finish(analysis, AnalysisStatus.SKIPPED, problems=[skip], successful=None)
        return analysis.status
    snapshot = analysis_plan.plan_snapshot(plan)
    analysis.status, analysis.attempts = AnalysisStatus.RUNNING, attempt
    analysis.started_at, analysis.plan_snapshot = timezone.now(), snapshot
    analysis.save(update_fields=["status", "attempts", "started_at", "plan_snapshot"])
    try:
        target, model = judge_target(session=session)
        result = asyncio.run(
            judge(
                target,
                transcript=judge_transcript(session=session),
                instructions=analysis_plan.instructions(call_facts(session=session)),
                tool_name=analysis_plan.TOOL_NAME,
                description=analysis_plan.TOOL_DESCRIPTION,
                schema=analysis_plan.tool_schema(snapshot),
                timeout_s=settings.ANALYSIS_TIMEOUT_S,
            )
        )
    except ProviderConfigError as exc:
        _finish(analysis, AnalysisStatus.FAILED, error=str(exc))
        return analysis.status
    except JudgeTransportError as exc:
        return _retry_or_fail(analysis, attempt, str(exc))
    usage = sum((Usage.from_response_usage(u) for u in result.usage), Usage())
    cost = (
        cost_usd(model, usage, settings.REALTIME_PRICES) if result.usage else Decimal(0)
    )
    if not result.ok:
        _finish(analysis, AnalysisStatus.FAILED, error=result.error, cost_usd=cost)
        return analysis.status
    outcome = analysis_plan.verdict(snapshot, result.arguments)
    _finish(analysis, AnalysisStatus.DONE, error="", cost_usd=cost, **outcome)
    return analysis.status


def _retry_or_fail(analysis: SessionAnalysis, attempt: int, reason: str) -> str:
    from botbuilder.analysis.tasks import run_analysis

    if attempt > len(ANALYSIS_RETRY_DELAYS_S):
        _finish(
            analysis,
            AnalysisStatus.FAILED,
            error=f"The model server failed {attempt} times; last: {reason}",
        )
        return analysis.status
    delay = ANALYSIS_RETRY_DELAYS_S[attempt - 1]
    analysis.status = AnalysisStatus.PENDING
    analysis.error = f"Attempt {attempt} failed ({reason}); retrying in {delay} s."
    analysis.save(update_fields=["status", "error"])
    run_analysis.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue(
        session_id=str(analysis.session_id), attempt=attempt + 1
    )
    logger.warning("Analysis of %s: %s", analysis.session_id, analysis.error)
    return analysis.status
