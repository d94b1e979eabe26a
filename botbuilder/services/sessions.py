"""Writes for live sessions: the Session row, transcript items, usage, the end.

Synchronous ORM code; the realtime side calls these through `database_sync_to_async`,
one small write per completed item or response, never per audio frame.
"""

import logging
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Case, DecimalField, Value, When
from django.utils import timezone

from botbuilder.analysis.services import session_after_end
from botbuilder.assembly import Assembly, Snapshot
from botbuilder.exports.recordings import WAV_HEADER_BYTES, session_recording_save
from botbuilder.models import Bot, Session, TranscriptItem
from botbuilder.models.choices import ConnectionKind
from botbuilder.pricing import Usage, cost_lines, transcription_usage

logger = logging.getLogger(__name__)

# Fields a transcript item dict may set (everything else in the dict is ignored).
ITEM_FIELDS = (
    "upstream_item_id",
    "role",
    "kind",
    "text",
    "heard_text",
    "interrupted",
    "cut_reason",
    "started_ms",
    "ended_ms",
    "latency_ms",
    "tool_name",
    "tool_call_id",
    "tool_arguments",
    "tool_result",
    "tool_status",
    "tool_duration_ms",
)
_CHAR_LIMITS = {"upstream_item_id": 100, "tool_name": 64, "tool_call_id": 100}


def session_start(
    *,
    bot: Bot,
    channel: str,
    user: Any,
    variables: dict[str, str],
    snapshot: Snapshot,
    assembly: Assembly,
    connection_kind: str = "",
    engine: str = "",
    session_config: dict[str, Any] | None = None,
    caller: str = "",
    provider_call_id: str = "",
) -> Session:
    """Create the Session row with the frozen configuration it runs with."""
    config = session_config if session_config is not None else assembly.session
    return Session.objects.create(
        bot=bot,
        bot_name=snapshot.bot.name,
        channel=channel,
        caller=caller,
        provider_call_id=provider_call_id,
        started_by=user if getattr(user, "is_authenticated", False) else None,
        model=snapshot.bot.model,
        voice=snapshot.voice.provider_voice if snapshot.voice else "",
        connection_kind=connection_kind,
        engine=engine,
        variables=dict(variables),
        config_snapshot={
            "snapshot": snapshot.to_dict(),
            "session": config,
            "report": assembly.report.to_dict(),
        },
    )


_SURROGATE = re.compile("[\ud800-\udfff]")


def valid_unicode(value: Any) -> Any:
    """`value` with lone surrogates in its strings replaced (U+FFFD), so that what is
    stored can always be shown and exported again."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [valid_unicode(v) for v in value]
    if isinstance(value, dict):
        return {valid_unicode(k): valid_unicode(v) for k, v in value.items()}
    return value


def transcript_append(*, session_id: Any, item: dict[str, Any]) -> None:
    """Store a completed item at its `seq`; storing the same seq again updates it."""
    fields = {
        k: valid_unicode(item[k])
        for k in ITEM_FIELDS
        if k in item and item[k] is not None
    }
    for name, limit in _CHAR_LIMITS.items():
        if name in fields:
            fields[name] = str(fields[name])[:limit]
    TranscriptItem.objects.update_or_create(
        session_id=session_id, seq=int(item["seq"]), defaults=fields
    )


def session_usage_set(
    *,
    session_id: Any,
    usage: Usage,
    cost_usd: Decimal,
    turn_count: int,
    lines: list[dict[str, Any]] | None = None,
) -> None:
    """Record the running usage totals, cost and cost lines (one UPDATE per response).

    Without `lines`, they are computed from the session's model and the settings' prices.
    On the offline engine nothing was paid: its cost is stored as 0 (the estimate on the
    bot's model is computed from the tokens when shown, botbuilder.engines.session_cost).
    """
    rows = Session.objects.filter(pk=session_id)
    if lines is None:
        model, config = rows.values_list("model", "config_snapshot").first() or ("", {})
        if not usage.transcription_model:  # a copy through as_dict() loses the name
            session = (config or {}).get("session") or {}
            usage = usage + transcription_usage(session, {})
        lines = cost_lines(model, usage, settings.REALTIME_PRICES)
    rows.update(
        cost_lines=lines,
        text_in_tokens=usage.text_in,
        text_cached_tokens=usage.text_cached,
        audio_in_tokens=usage.audio_in,
        audio_cached_tokens=usage.audio_cached,
        text_out_tokens=usage.text_out,
        audio_out_tokens=usage.audio_out,
        cost_usd=Case(
            When(connection_kind=ConnectionKind.OFFLINE, then=Value(Decimal(0))),
            default=Value(cost_usd),
            output_field=DecimalField(),
        ),
        turn_count=turn_count,
    )


def session_recording_store(*, session_id: Any, path: str | Path) -> str:
    """Store the WAV at `path` as the session's recording, then delete `path`.

    A WAV without audio (a session that failed before anyone spoke) is not stored: the
    session then has no recording, and "" is returned.
    """
    try:
        if Path(path).stat().st_size <= WAV_HEADER_BYTES:
            logger.info("Session %s: empty recording not stored", session_id)
            return ""
        session = Session.objects.get(pk=session_id)
        return session_recording_save(session=session, path=path)
    finally:
        Path(path).unlink(missing_ok=True)


def session_end(*, session_id: Any, status: str, reason: str, detail: str = "") -> bool:
    """Mark an active session ended; False if it had already ended."""
    with transaction.atomic():
        updated = Session.objects.filter(pk=session_id, ended_at__isnull=True).update(
            ended_at=timezone.now(), status=status, end_reason=reason, end_detail=detail
        )
        if updated:
            # Post-call analysis and the end-of-call webhook (botbuilder/analysis).
            transaction.on_commit(
                lambda: session_after_end(session_id=session_id), robust=True
            )
    if not updated:
        logger.info("Session %s had already ended", session_id)
    return bool(updated)
