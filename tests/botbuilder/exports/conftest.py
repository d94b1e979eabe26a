"""A realistic stored session: greeting, a late caller transcript, a tool call, an
interruption, non-ASCII text, an item without an end time and an untimed event."""

import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connection, connections
from django.test import Client

from botbuilder.models import Session, TranscriptItem
from botbuilder.pricing import Usage, cost_lines, cost_usd
from tests.conftest import create_bot

GOLDEN_SESSION_ID = uuid.UUID("5f0c1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f")
GOLDEN_STARTED_AT = datetime(2026, 3, 14, 9, 30, 0, tzinfo=UTC)
INSTRUCTIONS = "You are the support line of Acme. Be brief and friendly."

# (seq, stored after this many ms, fields): the caller's first transcript (seq 1) arrives
# after the bot's reply (seq 2) was stored, as the relay does when transcription is slow.
GOLDEN_ITEMS = [
    (0, 3300, {"role": "assistant", "text": "Hello, this is Acme support. How can I help you today?",
               "started_ms": 0, "ended_ms": 3200}),
    (1, 11500, {"role": "user", "text": "Hi, I'm calling about order 4567. Grüße aus München! "
                "I ordered a café table.", "started_ms": 4100, "ended_ms": 8900}),
    (2, 11100, {"role": "assistant", "text": "Let me look that up for you.",
                "started_ms": 9600, "ended_ms": 11000, "latency_ms": 700}),
    (3, 11200, {"role": "tool", "kind": "function_call", "tool_name": "get_order_status",
                "tool_call_id": "call_7f3a", "tool_arguments": {"order_number": "4567"},
                "tool_result": "Order 4567 ships tomorrow to 東京 (Tokyo).", "tool_status": "ok",
                "tool_duration_ms": 120, "started_ms": 11050, "ended_ms": 11170}),
    (4, 14400, {"role": "assistant", "text": "Your order 4567 ships tomorrow and should arrive "
                "in Tokyo by Friday. Is there anything else I can help you with?",
                "heard_text": "Your order 4567 ships tomorrow and should", "interrupted": True,
                "started_ms": 11800, "ended_ms": 14300, "latency_ms": 630}),
    (5, 19900, {"role": "user", "text": "Sorry, can you e-mail the tracking link to "
                "jane.doe@example.com? My number is +44 20 7946 0958.",
                "started_ms": 14000, "ended_ms": 19500}),
    (6, 25900, {"role": "assistant", "text": "Of course, the tracking link is on its way to "
                "your e-mail. Danke und auf Wiedersehen!",
                "started_ms": 20300, "ended_ms": 25800, "latency_ms": 800}),
    (7, 27600, {"role": "user", "text": "Thanks, bye!", "started_ms": 26500, "ended_ms": None}),
    (8, 28000, {"role": "system", "kind": "event", "text": "Caller hung up."}),
]  # fmt: skip


# Usage behind the golden session's cost lines (text_in excludes the cached part).
GOLDEN_USAGE = Usage(
    text_in=420,
    text_cached=400,
    audio_in=310,
    text_out=95,
    audio_out=560,
    transcription_ms=6400,
    transcription_model="gpt-live-transcribe",
)


def create_golden_session(
    bot=None, *, session_id=GOLDEN_SESSION_ID, started_at=None
) -> Session:
    """The realistic session above, stored as the relay stores it."""
    started_at = started_at or GOLDEN_STARTED_AT
    session = Session.objects.create(
        id=session_id,
        bot=bot,
        bot_name=bot.name if bot else "Deleted bot",
        channel="phone",
        caller="+44 20 7946 0958",
        ended_at=started_at + timedelta(seconds=28),
        status="completed",
        end_reason="client_closed",
        model="gpt-realtime-mini",
        voice="marin",
        connection_kind="offline",
        variables={"shop_name": "Acme", "customer_email": "jane.doe@example.com"},
        config_snapshot={
            "type": "session.update",
            "session": {
                "type": "realtime",
                "model": "gpt-realtime-mini",
                "instructions": INSTRUCTIONS,
                "audio": {"output": {"voice": "marin"}},
                "tools": [{"type": "function", "name": "get_order_status"}],
            },
        },
        text_in_tokens=820,
        text_cached_tokens=400,
        audio_in_tokens=310,
        audio_cached_tokens=0,
        text_out_tokens=95,
        audio_out_tokens=560,
        cost_usd=cost_usd("gpt-realtime-mini", GOLDEN_USAGE),  # $0.016617
        cost_lines=cost_lines("gpt-realtime-mini", GOLDEN_USAGE),
        turn_count=4,
    )
    Session.objects.filter(pk=session.pk).update(started_at=started_at)
    session.refresh_from_db()
    # Store in arrival order (seq 1 after seq 2), then pin the stored timestamps.
    for seq, stored_ms, fields in sorted(GOLDEN_ITEMS, key=lambda row: row[1]):
        item = TranscriptItem.objects.create(session=session, seq=seq, **fields)
        TranscriptItem.objects.filter(pk=item.pk).update(
            created_at=started_at + timedelta(milliseconds=stored_ms)
        )
    return session


@pytest.fixture
def golden_bot(db, voice):
    return create_bot(voice=voice, name="Acme support", slug="acme-support")


@pytest.fixture
def golden_session(golden_bot) -> Session:
    return create_golden_session(golden_bot)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The staff fixtures hash passwords; the default hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def staff_cookie(staff_user) -> str:
    """`Cookie` header value of a logged-in superuser (the session stored in the DB)."""
    client = Client()
    client.force_login(staff_user)
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}"


@pytest.fixture
async def asgiref_thread_connections_closed() -> AsyncIterator[None]:
    """Close, after the test, the connections left in asgiref's shared sync thread.

    AsyncClient (and `sync_to_async` outside a request) runs sync code there, and the
    test client keeps `close_old_connections` off `request_finished`: on PostgreSQL the
    connection would outlive the test and keep the test database from being dropped.
    """
    yield
    await sync_to_async(connections.close_all)()


@pytest.fixture(autouse=True)
def no_connection_left_open(request) -> Iterator[None]:
    """On PostgreSQL, fail a test that leaves a connection to the test database open."""
    yield
    if connection.vendor != "postgresql":
        return
    own = connection.connection.info.backend_pid if connection.connection else None
    params = connection.get_connection_params()
    server = {k: params[k] for k in ("user", "password", "host", "port") if k in params}
    # Connected to the maintenance database, so as not to count itself.
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        rows = admin.execute(
            "SELECT pid, query FROM pg_stat_activity WHERE datname = %s AND pid <> %s",
            [connection.settings_dict["NAME"], own or 0],
        ).fetchall()
    assert not rows, f"connections left open by the test: {rows}"
