"""Many small sessions, fast (bulk inserts), for zip and command tests."""

import uuid
from datetime import UTC, datetime, timedelta

from botbuilder.models import Session, TranscriptItem

BULK_START = datetime(2026, 2, 1, 8, 0, tzinfo=UTC)


def create_sessions(
    count: int, *, items: int = 10, bot=None, start=BULK_START, step=timedelta(hours=1)
):
    """`count` sessions `step` apart from `start`, each with `items` alternating turns."""
    sessions = Session.objects.bulk_create(
        Session(
            id=uuid.uuid4(),
            bot=bot,
            bot_name=bot.name if bot else "Gone",
            status="completed",
        )
        for _ in range(count)
    )
    for n, session in enumerate(sessions):
        Session.objects.filter(pk=session.pk).update(started_at=start + n * step)
    TranscriptItem.objects.bulk_create(
        TranscriptItem(
            session=session,
            seq=seq,
            role="user" if seq % 2 else "assistant",
            text=f"Turn {seq} of session {n}: " + "some words " * 8,
            started_ms=seq * 3000,
            ended_ms=seq * 3000 + 2500,
        )
        for n, session in enumerate(sessions)
        for seq in range(items)
    )
    return list(
        Session.objects.filter(pk__in=[s.pk for s in sessions]).order_by("started_at")
    )
