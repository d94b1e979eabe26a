"""Reads: sessions and their items from the database into plain export data."""

from collections.abc import Iterator
from datetime import datetime

from django.db.models import QuerySet

from botbuilder.analysis.payload import analysis_dict, session_analysis
from botbuilder.engines import cost_summary, session_cost, session_engine_label
from botbuilder.exports.data import ItemData, SessionData
from botbuilder.models import Session, TranscriptItem

# Items fetched per database round trip; bounds memory for very long sessions.
ITEM_CHUNK_SIZE = 2000
# Sessions fetched per round trip when exporting many (rows carry the config snapshot, a
# few KB each: small chunks keep a long export's memory flat).
SESSION_CHUNK_SIZE = 20

ITEM_FIELDS = (
    "seq", "role", "kind", "text", "heard_text", "interrupted", "started_ms", "ended_ms",
    "latency_ms", "tool_name", "tool_call_id", "tool_arguments", "tool_result",
    "tool_status", "tool_duration_ms", "upstream_item_id",
)  # fmt: skip
USAGE_FIELDS = (
    "text_in_tokens", "text_cached_tokens", "audio_in_tokens", "audio_cached_tokens",
    "text_out_tokens", "audio_out_tokens",
)  # fmt: skip


def session_data(*, session: Session) -> SessionData:
    """The session's metadata as plain data (reads `session.bot` if it is set)."""
    return SessionData(
        id=str(session.pk),
        bot_slug=session.bot.slug if session.bot_id else "",
        bot_name=session.bot_name,
        started_at=session.started_at,
        ended_at=session.ended_at,
        channel=session.channel,
        caller=session.caller,
        provider_call_id=session.provider_call_id,
        status=session.status,
        end_reason=session.end_reason,
        end_detail=session.end_detail,
        model=session.model,
        voice=session.voice,
        connection_kind=session.connection_kind,
        variables=session.variables if isinstance(session.variables, dict) else {},
        config_snapshot=session.config_snapshot
        if isinstance(session.config_snapshot, dict)
        else {},
        usage={f: getattr(session, f) for f in USAGE_FIELDS},
        cost_usd=str(session.cost_usd),
        cost_lines=session.cost_lines if isinstance(session.cost_lines, list) else [],
        turn_count=session.turn_count,
        recording=session.recording.name or "",
        analysis=analysis_dict(session_analysis(session)),
        engine=session_engine_label(session),
        cost_summary=cost_summary(session_cost(session)),
        cost_is_estimate=session_cost(session).estimate_usd is not None,
    )


def session_items(
    *, session_id, chunk_size: int = ITEM_CHUNK_SIZE
) -> Iterator[ItemData]:
    """The session's items in conversation order (`seq`), fetched in chunks.

    Keyset pages (`seq` > the last one) rather than a server-side cursor: on PostgreSQL
    each cursor is a query text of its own, which psycopg would cache once per session.
    """
    last_seq = -1
    while True:
        rows = list(
            TranscriptItem.objects.filter(session_id=session_id, seq__gt=last_seq)
            .order_by("seq")
            .values(*ITEM_FIELDS, "created_at")[:chunk_size]
        )
        for row in rows:
            row["stored_at"] = row.pop("created_at")
            yield ItemData(**row)
        if len(rows) < chunk_size:
            return
        last_seq = rows[-1]["seq"]


def sessions_for_export(
    *,
    bot_slug: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[Session]:
    """Sessions to export, oldest first: optionally one bot's, started in [since, until)."""
    qs = Session.objects.select_related("bot", "analysis").order_by("started_at", "pk")
    if bot_slug:
        qs = qs.filter(bot__slug=bot_slug)
    if since is not None:
        qs = qs.filter(started_at__gte=since)
    if until is not None:
        qs = qs.filter(started_at__lt=until)
    return qs
