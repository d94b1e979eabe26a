"""The analysis and the end-of-call webhook body as plain JSON data."""

from typing import Any

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from botbuilder.exports.formats import TEXT_FORMATS
from botbuilder.models import Session, SessionAnalysis

EVENT_TYPE = "session.ended"


LOCAL_BASE_URL = "http://127.0.0.1:8000"  # make run's address, when none is set


def analysis_dict(analysis: SessionAnalysis | None) -> dict[str, Any] | None:
    """Everything the analysis produced (None when the session has none)."""
    if analysis is None:
        return None
    return {
        "status": analysis.status,
        "summary": analysis.summary,
        "data": analysis.data,
        "rationales": analysis.rationales,
        "criteria": analysis.criteria,
        "successful": analysis.successful,
        "flagged": analysis.flagged,
        "problems": analysis.problems,
        "error": analysis.error,
        "attempts": analysis.attempts,
        "cost_usd": str(analysis.cost_usd),
        "finished_at": analysis.finished_at.isoformat()
        if analysis.finished_at
        else None,
    }


def session_analysis(session: Session) -> SessionAnalysis | None:
    """The session's analysis row, or None (no query error when it has none)."""
    try:
        return session.analysis
    except SessionAnalysis.DoesNotExist:
        return None


def _links(session: Session) -> dict[str, str]:
    base = (settings.PUBLIC_BASE_URL or LOCAL_BASE_URL).rstrip("/")
    try:
        links = {"admin": base + session.get_absolute_url()}
        for fmt in TEXT_FORMATS:
            url = reverse("admin:botbuilder_session_export", args=[session.pk, fmt])
            links[fmt] = base + url
    except NoReverseMatch:
        return {}
    return links


def session_payload(*, session: Session, message_id: str) -> dict[str, Any]:
    """The webhook body: the session, links to its exports, the analysis, cost, duration."""
    duration = session.duration
    return {
        "type": EVENT_TYPE,
        "id": message_id,
        "data": {
            "session": {
                "id": str(session.pk),
                "bot": {
                    "slug": session.bot.slug if session.bot_id else None,
                    "name": session.bot_name,
                },
                "channel": session.channel,
                "caller": session.caller,
                "started_at": session.started_at,
                "ended_at": session.ended_at,
                "duration_s": duration.total_seconds() if duration else None,
                "status": session.status,
                "end_reason": session.end_reason,
                "turn_count": session.turn_count,
                "cost_usd": str(session.cost_usd),
            },
            "links": _links(session),
            "analysis": analysis_dict(session_analysis(session)),
        },
    }
