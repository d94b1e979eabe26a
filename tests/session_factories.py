"""Factories for sessions and their transcript items (live monitor and scale-out tests)."""

from decimal import Decimal

from botbuilder.models import Bot, Session, TranscriptItem


def create_session(bot: Bot | None = None, **fields) -> Session:
    defaults = {
        "bot": bot,
        "bot_name": bot.name if bot else "Support line",
        "model": "gpt-realtime-mini",
        "connection_kind": "offline",
        "turn_count": 2,
        "cost_usd": Decimal("0.012345"),
    }
    return Session.objects.create(**{**defaults, **fields})


def create_item(session: Session, seq: int, **fields) -> TranscriptItem:
    defaults = {
        "role": "user",
        "text": f"Item {seq}",
        "upstream_item_id": f"item_{seq}",
    }
    return TranscriptItem.objects.create(
        session=session, seq=seq, **{**defaults, **fields}
    )
