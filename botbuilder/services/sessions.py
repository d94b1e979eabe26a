"""Writes for live sessions: the Session row, transcript items, usage, the end.

Synchronous ORM code; the realtime side calls these through `database_sync_to_async`,
one small write per completed item or response, never per audio frame.
"""

import logging
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from botbuilder.assembly import Assembly, Snapshot
from botbuilder.exports.recordings import session_recording_save
from botbuilder.models import Bot, Session, TranscriptItem
from botbuilder.pricing import Usage

logger = logging.getLogger(__name__)

# Fields a transcript item dict may set (everything else in the dict is ignored).
ITEM_FIELDS = (
    "upstream_item_id",
    "role",
    "kind",
    "text",
    "heard_text",
    "interrupted",
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
        variables=dict(variables),
        config_snapshot={
            "snapshot": snapshot.to_dict(),
            "session": config,
            "report": assembly.report.to_dict(),
        },
    )


def transcript_append(*, session_id: Any, item: dict[str, Any]) -> None:
    """Store a completed item at its `seq`; storing the same seq again updates it."""
    fields = {k: item[k] for k in ITEM_FIELDS if k in item and item[k] is not None}
    for name, limit in _CHAR_LIMITS.items():
        if name in fields:
            fields[name] = str(fields[name])[:limit]
    TranscriptItem.objects.update_or_create(
        session_id=session_id, seq=int(item["seq"]), defaults=fields
    )


def session_usage_set(
    *, session_id: Any, usage: Usage, cost_usd: Decimal, turn_count: int
) -> None:
    """Record the running usage totals and cost (one UPDATE per response)."""
    Session.objects.filter(pk=session_id).update(
        text_in_tokens=usage.text_in,
        text_cached_tokens=usage.text_cached,
        audio_in_tokens=usage.audio_in,
        audio_cached_tokens=usage.audio_cached,
        text_out_tokens=usage.text_out,
        audio_out_tokens=usage.audio_out,
        cost_usd=cost_usd,
        turn_count=turn_count,
    )


def session_recording_store(*, session_id: Any, path: str | Path) -> str:
    """Store the WAV at `path` as the session's recording, then delete `path`."""
    try:
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
    if not updated:
        logger.info("Session %s had already ended", session_id)
    return bool(updated)
