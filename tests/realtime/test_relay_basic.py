"""The relay against a scripted fake upstream: greeting, a spoken turn, storage, usage."""

import pytest
from channels.db import database_sync_to_async

from botbuilder.models import Session, TranscriptItem
from realtime.protocol import EXACT_LINE_PREFIX
from tests.realtime.conftest import make_bot

pytestmark = pytest.mark.django_db(transaction=True)


def items(session_id):
    return list(TranscriptItem.objects.filter(session_id=session_id).order_by("seq").values())


get_items = database_sync_to_async(items)
get_session = database_sync_to_async(lambda pk: Session.objects.get(pk=pk))


async def test_greeting_is_spoken_and_stored(fake_upstream, open_session):
    async def script(conn):
        await conn.session_created()
        update = await conn.expect("session.update")
        assert update["session"]["type"] == "realtime"
        create = await conn.expect("response.create")
        assert create["response"]["instructions"] == (
            EXACT_LINE_PREFIX + "Hello, this is Acme. How can I help?"
        )
        await conn.reply("Hello, this is Acme. How can I help?", audio_ms=240)

    fake = await fake_upstream(script)
    bot = await make_bot(fake.base_url)
    browser = await open_session(bot)
    started = browser.events[0]
    assert started["type"] == "session.started"
    done = await browser.until("transcript.done", role="assistant")
    assert done["text"] == "Hello, this is Acme. How can I help?"
    usage = await browser.until("usage")
    assert usage["tokens"]["text_in"] == 50 and usage["tokens"]["text_cached"] == 50
    await browser.send(type="session.end")
    ended = await browser.until("session.ended")
    assert ended["reason"] == "client_ended" and ended["status"] == "completed"
    assert await browser.until_closed() == 1000
    assert len(browser.audio) == 240 * 48
    rows = await get_items(started["session_id"])
    assert [(r["role"], r["text"]) for r in rows] == [
        ("assistant", "Hello, this is Acme. How can I help?")
    ]
    session = await get_session(started["session_id"])
    assert session.end_reason == "client_ended" and session.ended_at is not None
    assert session.text_cached_tokens == 50 and session.turn_count == 1
    assert session.cost_usd > 0
    assert not fake.errors
