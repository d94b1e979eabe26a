"""Session services: the row at start, items by seq (upsert), usage, the end."""

from decimal import Decimal

import pytest

from botbuilder.assembly import assemble
from botbuilder.models import Session, TranscriptItem
from botbuilder.pricing import Usage
from botbuilder.selectors import bot_for_session, bot_snapshot
from botbuilder.services.sessions import (
    session_end,
    session_recording_store,
    session_start,
    session_usage_set,
    transcript_append,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(bot, staff_user) -> Session:
    snapshot = bot_snapshot(bot=bot, variables={"shop_name": "Bolt"})
    return session_start(
        bot=bot,
        channel="preview",
        user=staff_user,
        variables={"shop_name": "Bolt"},
        snapshot=snapshot,
        assembly=assemble(snapshot),
        connection_kind="offline",
    )


def test_session_start_freezes_the_configuration(session, bot, staff_user):
    assert session.status == "active" and session.started_by == staff_user
    assert session.bot_name == bot.name and session.voice == "marin"
    frozen = session.config_snapshot
    assert "Bolt" in frozen["session"]["instructions"]
    assert frozen["snapshot"]["variables"] == {"shop_name": "Bolt"}
    assert frozen["report"]["sections"][0]["key"] == "instructions"
    assert session.group_name == f"session.{session.pk.hex}"


def test_transcript_append_updates_the_same_seq(session):
    transcript_append(
        session_id=session.pk,
        item={
            "seq": 2,
            "role": "assistant",
            "text": "Hello there, how are you",
            "latency_ms": 320,
            "unknown_field": "ignored",
        },
    )
    transcript_append(
        session_id=session.pk,
        item={"seq": 1, "role": "user", "text": "Hi", "upstream_item_id": "x" * 300},
    )
    transcript_append(
        session_id=session.pk,
        item={
            "seq": 2,
            "role": "assistant",
            "text": "Hello there, how are you",
            "heard_text": "Hello there",
            "interrupted": True,
        },
    )
    items = list(TranscriptItem.objects.filter(session=session))
    assert [(i.seq, i.role) for i in items] == [(1, "user"), (2, "assistant")]
    assert items[1].interrupted and items[1].heard_text == "Hello there"
    assert items[1].latency_ms == 320
    assert len(items[0].upstream_item_id) == 100


def test_usage_and_recording_and_end(session, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    wav = tmp_path / "spool.wav"
    wav.write_bytes(b"RIFF-not-really" * 4)  # more than a WAV header: audio to keep
    session_usage_set(
        session_id=session.pk,
        usage=Usage(text_in=10, audio_out=20),
        cost_usd=Decimal("0.000406"),
        turn_count=2,
    )
    name = session_recording_store(session_id=session.pk, path=wav)
    assert not wav.exists()  # the temporary file is gone once stored
    assert session_end(
        session_id=session.pk, status="completed", reason="client_closed"
    )
    assert not session_end(session_id=session.pk, status="failed", reason="admin")
    session.refresh_from_db()
    assert (session.text_in_tokens, session.audio_out_tokens, session.turn_count) == (
        10,
        20,
        2,
    )
    assert session.cost_usd == 0  # the offline engine costs nothing (test_engines.py)
    assert session.recording.name == name and name.endswith(f"{session.pk.hex}.wav")
    assert (settings.MEDIA_ROOT / name).read_bytes() == b"RIFF-not-really" * 4
    assert session.status == "completed" and session.end_reason == "client_closed"
    assert session.ended_at is not None


def test_bot_for_session(bot):
    assert bot_for_session(bot_id=bot.pk) == bot
    assert bot_for_session(bot_id=bot.pk + 1000) is None


def test_usage_set_stores_cost_lines_priced_at_the_session_s_model(settings, session):
    settings.REALTIME_PRICES = {}
    Session.objects.filter(pk=session.pk).update(model="gpt-realtime-2")
    usage = Usage(text_in=100, text_out=1000) + Usage.from_transcription_usage(
        "gpt-live-transcribe", {"type": "duration", "seconds": 60}
    )
    # The runner stores a copy made through as_dict(), which drops the model's name:
    # the session's own transcription model (the bot's, gpt-live-transcribe) prices it.
    session_usage_set(
        session_id=session.pk,
        usage=Usage(**usage.as_dict()),
        cost_usd=Decimal("0.0412"),
        turn_count=1,
    )
    lines = {
        line["key"]: line for line in Session.objects.get(pk=session.pk).cost_lines
    }
    # gpt-realtime-2 text out: 1000 * $24 per 1M = $0.024; a minute of gpt-live-transcribe
    # at $0.017
    assert lines["text_out"]["cost_usd"] == "0.024000"
    assert lines["transcription_seconds"]["cost_usd"] == "0.017000"
