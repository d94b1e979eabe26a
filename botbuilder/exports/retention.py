"""Retention: delete sessions (items and recordings too) older than their bot allows."""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet

from botbuilder.models import Bot, Session

logger = logging.getLogger(__name__)

# Sessions deleted per transaction.
PURGE_BATCH_SIZE = 500


def default_retention_days() -> int:
    """Retention for sessions whose bot was deleted (SESSION_DEFAULT_RETENTION_DAYS)."""
    return int(getattr(settings, "SESSION_DEFAULT_RETENTION_DAYS", 90))


def sessions_expired(*, now: datetime, default_days: int) -> QuerySet[Session]:
    """Sessions that started before `now` minus their bot's retention days (the default
    when the bot is gone), oldest first."""
    condition = Q(bot__isnull=True, started_at__lt=now - timedelta(days=default_days))
    days_in_use = Bot.objects.values_list("retention_days", flat=True).distinct()
    for days in days_in_use:
        condition |= Q(
            bot__retention_days=days, started_at__lt=now - timedelta(days=days)
        )
    return Session.objects.filter(condition).order_by("started_at", "pk")


def session_purge_at(
    session: Session, default_days: int | None = None
) -> datetime | None:
    """When purge_sessions will delete `session`: its bot's retention, or the default
    retention once the bot is gone."""
    if session.started_at is None:
        return None
    if session.bot_id is not None:
        days = session.bot.retention_days
    else:
        days = default_retention_days() if default_days is None else default_days
    return session.started_at + timedelta(days=days)


@dataclass
class PurgeResult:
    sessions: int = 0
    items: int = 0
    recordings: int = 0
    missing_recordings: int = 0
    failed_recordings: list[str] = field(default_factory=list)


def sessions_purge(
    *, now: datetime, default_days: int, batch_size: int = PURGE_BATCH_SIZE
) -> PurgeResult:
    """Delete expired sessions batch by batch; their recording files go with them."""
    result = PurgeResult()
    while True:
        batch = list(
            sessions_expired(now=now, default_days=default_days).values_list(
                "pk", "recording"
            )[:batch_size]
        )
        if not batch:
            return result
        storage = Session._meta.get_field("recording").storage
        names = [name for _pk, name in batch if name]
        existed = {name for name in names if storage.exists(name)}
        with transaction.atomic():
            _count, per_model = Session.objects.filter(
                pk__in=[pk for pk, _ in batch]
            ).delete()
        deleted = per_model.get("botbuilder.Session", 0)
        if not deleted:  # nothing could be deleted: stop rather than loop
            return result
        result.sessions += deleted
        result.items += per_model.get("botbuilder.TranscriptItem", 0)
        # The files go with their rows once the deletion commits (signals.py); inside an
        # outer transaction that has not happened yet, so delete what is left here.
        for name in names:
            if name not in existed:
                result.missing_recordings += 1
                continue
            try:
                storage.delete(name)
                result.recordings += 1
            except OSError:
                logger.exception("Could not delete recording %s", name)
                result.failed_recordings.append(name)
