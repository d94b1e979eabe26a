"""Stored sessions over a few days, for two bots, on paid and offline engines."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from botbuilder.models import Session, TranscriptItem
from tests.conftest import create_bot

DAY1 = date(2026, 3, 10)


def stored_session(bot, *, day: date, hour: int = 10, minutes: float = 2.0,
                   kind: str = "openai", cost: str = "0", latencies=(), **fields):  # fmt: skip
    """A finished session of `bot` on `day`, with bot replies at `latencies` (ms)."""
    started = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
    session = Session.objects.create(
        bot=bot,
        bot_name=bot.name,
        model=bot.model,
        connection_kind=kind,
        status="completed",
        cost_usd=Decimal(cost),
        ended_at=started + timedelta(minutes=minutes),
        **fields,
    )
    Session.objects.filter(pk=session.pk).update(started_at=started)
    for seq, latency in enumerate(latencies):
        TranscriptItem.objects.create(
            session=session, seq=seq, role="assistant", text="ok", latency_ms=latency
        )
    return session


@pytest.fixture
def bots(db, voice):
    shop = create_bot(name="Acme Shop", slug="acme", voice=voice, model="gpt-realtime")
    desk = create_bot(name="Help Desk", slug="desk", voice=voice)
    return shop, desk


@pytest.fixture
def history(bots):
    """Day 1: two paid shop sessions; day 2: none; day 3: shop paid + desk offline."""
    shop, desk = bots
    stored_session(shop, day=DAY1, minutes=3, cost="0.25", latencies=[400, 600, 800])
    stored_session(shop, day=DAY1, hour=15, minutes=1.5, cost="0.10", latencies=[1000])
    day3 = DAY1 + timedelta(days=2)
    stored_session(shop, day=day3, minutes=4, cost="0.40", latencies=[300, 500])
    stored_session(
        desk, day=day3, minutes=6, kind="offline", cost="0",
        audio_in_tokens=100_000, audio_out_tokens=50_000, latencies=[200, 240, 260, 900],
    )  # fmt: skip
    # Outside the range: the day before, and a failed session with no end.
    stored_session(shop, day=DAY1 - timedelta(days=1), cost="9.99")
    return shop, desk
