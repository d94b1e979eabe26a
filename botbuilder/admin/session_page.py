"""The stored session page: the conversation as people read it, the recording, the costs."""

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.admin.sites import AdminSite
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path

from botbuilder.engines import cost_summary, session_cost, session_engine_label
from botbuilder.exports.data import ROLE_LABELS, ItemData, format_clock
from botbuilder.exports.formats import WAV_CONTENT_TYPE
from botbuilder.exports.ranges import ranged_file_response
from botbuilder.exports.recordings import recording_playable
from botbuilder.exports.selectors import session_items
from botbuilder.models import Session
from botbuilder.models.choices import ToolCallStatus


@dataclass(frozen=True)
class ToolCallLine:
    name: str
    arguments: str  # pretty JSON
    result: str
    status: str  # the status's label, e.g. "Succeeded"
    ok: bool
    duration_ms: int | None


@dataclass(frozen=True)
class Line:
    """One line of the conversation, ready for the template."""

    seq: int
    role: str
    speaker: str
    clock: str  # mm:ss from session start
    start_s: float | None  # for seeking the recording
    end_s: float | None
    text: str  # what the other side got (the heard part of an interrupted reply)
    unheard: str  # the part of an interrupted reply nobody heard
    interrupted: bool
    typed: bool
    event: bool
    latency_ms: int | None
    tool: ToolCallLine | None = None


def _seconds(ms: int | None) -> float | None:
    return None if ms is None else ms / 1000


def _tool(item: ItemData) -> ToolCallLine:
    status = item.tool_status
    return ToolCallLine(
        name=item.tool_name or "tool",
        arguments=json.dumps(item.tool_arguments, indent=2, ensure_ascii=False)
        if item.tool_arguments is not None
        else "",
        result=item.tool_result,
        status=ToolCallStatus(status).label if status in ToolCallStatus else status,
        ok=status == ToolCallStatus.OK,
        duration_ms=item.tool_duration_ms,
    )


def is_typed(item: ItemData) -> bool:
    """Caller messages typed in the browser: stored without a model item id, and taking
    no time (they start and end at the moment they were sent)."""
    return (
        item.role == "user"
        and item.kind == "message"
        and not item.upstream_item_id
        and item.started_ms is not None
        and item.started_ms == item.ended_ms
    )


def conversation_lines(*, session: Session) -> list[Line]:
    """The session's items in order, as lines for the conversation view."""
    lines = []
    for item in session_items(session_id=session.pk):
        lines.append(
            Line(
                seq=item.seq,
                role=item.role,
                speaker=ROLE_LABELS.get(item.role, item.role),
                clock=format_clock(item.started_ms),
                start_s=_seconds(item.started_ms),
                end_s=_seconds(item.ended_ms),
                text=item.spoken_text.strip(),
                unheard=item.unheard_text,
                interrupted=item.interrupted,
                typed=is_typed(item),
                event=item.kind == "event",
                latency_ms=item.latency_ms,
                tool=_tool(item) if item.is_tool_call else None,
            )
        )
    return lines


def format_duration(duration: timedelta | None) -> str:
    """'2 min 05 s', '40 s', or '—' for a session still running."""
    if duration is None:
        return "—"
    minutes, seconds = divmod(int(duration.total_seconds()), 60)
    return f"{minutes} min {seconds:02d} s" if minutes else f"{seconds} s"


def session_page_context(*, session: Session) -> dict[str, Any]:
    """What the session change page shows above the stored fields."""
    cost = session_cost(session)
    return {
        "conversation": conversation_lines(session=session),
        "engine_label": session_engine_label(session),
        "cost": cost,
        "cost_summary": cost_summary(cost),
        "has_recording": recording_playable(session),
        "duration": format_duration(session.duration) if session.duration else "",
    }


def session_recording_play(request: HttpRequest, session_id) -> HttpResponse:
    """The recording inline, with byte ranges, for the page's audio player."""
    if not request.user.has_perm("botbuilder.view_session"):
        raise PermissionDenied
    session = get_object_or_404(Session, pk=session_id)
    if not recording_playable(session):
        return HttpResponseNotFound("No recording.", content_type="text/plain")
    return ranged_file_response(
        request,
        session.recording.open("rb"),
        size=session.recording.size,
        content_type=WAV_CONTENT_TYPE,
    )


def session_page_urls(admin_site: AdminSite) -> list[URLPattern]:
    """URL patterns of the session page's extras, for the Session ModelAdmin."""
    return [
        path(
            "<uuid:session_id>/recording/",
            admin_site.admin_view(session_recording_play),
            name="botbuilder_session_recording",
        )
    ]
