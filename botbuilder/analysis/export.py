"""The analysis CSV: one row per session, one column per data field and criterion."""

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from botbuilder.models import SessionAnalysis

BASE_COLUMNS = (
    "session", "bot", "started_at", "duration_s", "status", "end_reason",
    "analysis", "successful", "flagged", "summary", "problems",
)  # fmt: skip


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def analysis_columns(analyses: list[SessionAnalysis]) -> tuple[list[str], list[str]]:
    """(data field names, criterion names) over the analyses' plans, in first-seen order."""
    fields: dict[str, None] = {}
    criteria: dict[str, None] = {}
    for analysis in analyses:
        snapshot = analysis.plan_snapshot or {}
        fields.update((f["name"], None) for f in snapshot.get("fields", []))
        criteria.update((c["name"], None) for c in snapshot.get("criteria", []))
        fields.update((name, None) for name in analysis.data)
        criteria.update((name, None) for name in analysis.criteria)
    return list(fields), list(criteria)


def _criterion_cell(result: dict[str, Any] | None) -> str:
    if not result:
        return ""
    if "score" in result:
        return f"{result['score']}/{result['max_score']}"
    return _cell(result.get("passed"))


def render_analysis_csv(analyses: Iterable[SessionAnalysis]) -> Iterator[str]:
    """The CSV text, header first (sessions with `session` and `session.bot` loaded)."""
    analyses = list(analyses)
    fields, criteria = analysis_columns(analyses)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([*BASE_COLUMNS, *fields, *(f"criterion:{c}" for c in criteria)])
    for analysis in analyses:
        session = analysis.session
        duration = session.duration
        writer.writerow(
            [
                str(session.pk),
                session.bot.slug if session.bot_id else session.bot_name,
                session.started_at.isoformat(),
                _cell(round(duration.total_seconds()) if duration else None),
                session.status,
                session.end_reason,
                analysis.status,
                _cell(analysis.successful),
                _cell(analysis.flagged),
                analysis.summary,
                " | ".join(analysis.problems or []) or analysis.error,
                *(_cell(analysis.data.get(name)) for name in fields),
                *(_criterion_cell(analysis.criteria.get(name)) for name in criteria),
            ]
        )
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()
