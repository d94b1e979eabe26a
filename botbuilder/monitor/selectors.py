"""Reads for the live monitor: active sessions and stored transcripts as browser events."""

from typing import Any

from django.db.models import QuerySet

from botbuilder.models import Session, TranscriptItem
from botbuilder.models.choices import ItemKind, ItemRole, SessionStatus


def sessions_active() -> QuerySet[Session]:
    """Sessions some worker is running (or was, if it died without ending them)."""
    return (
        Session.objects.filter(status=SessionStatus.ACTIVE)
        .select_related("bot", "started_by")
        .order_by("-started_at")
    )


def session_caller_label(session: Session) -> str:
    """Who is on the call: the staff member of a preview, else the caller id."""
    if session.started_by is not None:
        return session.started_by.get_username()
    return session.caller or "unknown caller"


def session_summary(*, session: Session) -> dict[str, Any]:
    """The session's live figures as the monitor page shows them (JSON-safe)."""
    return {
        "session_id": str(session.pk),
        "bot": session.bot_name,
        "who": session_caller_label(session),
        "status": session.status,
        "started_at": session.started_at.isoformat() if session.started_at else None,
        "turns": session.turn_count,
        "cost_usd": str(session.cost_usd),
        "end_reason": session.end_reason,
    }


def transcript_item_event(item: TranscriptItem) -> dict[str, Any]:
    """One stored item in the shape of the browser event that announced it live."""
    if item.kind == ItemKind.FUNCTION_CALL or item.role == ItemRole.TOOL:
        return {
            "type": "tool.result",
            "seq": item.seq,
            "call_id": item.tool_call_id,
            "name": item.tool_name,
            "status": item.tool_status,
            "output": item.tool_result,
            "duration_ms": item.tool_duration_ms,
        }
    return {
        "type": "transcript.done",
        "seq": item.seq,
        "role": item.role,
        "item_id": item.upstream_item_id,
        "text": item.text,
        "interrupted": item.interrupted,
        "heard_text": item.heard_text,
    }


def session_transcript_events(*, session: Session) -> list[dict[str, Any]]:
    """Every stored transcript item of the session, in conversation order."""
    return [transcript_item_event(item) for item in session.items.order_by("seq")]
