"""Session life cycle: upstream failures, limits, ending from elsewhere, key hygiene."""

import json
import logging
import uuid

import pytest
from channels.layers import get_channel_layer

from realtime.protocol import EXACT_LINE_PREFIX
from tests.realtime.conftest import (
    get_items,
    get_session,
    make_bot,
)
from tests.realtime.fake_upstream import SERVER_LOGGER, new_id

pytestmark = pytest.mark.django_db(transaction=True)


async def test_upstream_drop_mid_response_ends_the_session_as_failed(
    fake_upstream, open_session
):
    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")
        await conn.expect("response.create")
        response_id, item_id = new_id("resp"), new_id("item")
        await conn.response_start(response_id)
        await conn.send(
            "response.output_item.added",
            response_id=response_id,
            output_index=0,
            item={"id": item_id, "type": "message", "role": "assistant", "content": []},
        )
        await conn.send(
            "response.output_audio_transcript.delta",
            response_id=response_id,
            item_id=item_id,
            output_index=0,
            content_index=0,
            delta="Hello, this",
        )
        await conn.close(1011, "internal error")

    fake = await fake_upstream(script)
    bot = await make_bot(fake.base_url)
    browser = await open_session(bot)
    session_id = browser.events[0]["session_id"]
    error = await browser.until("error")
    assert error["fatal"] is True and "closed unexpectedly" in error["reason"]
    ended = await browser.until("session.ended")
    assert ended["status"] == "failed" and ended["reason"] == "upstream_error"
    assert ended["session_id"] == session_id
    await browser.until_closed()
    await browser.close()
    session = await get_session(session_id)
    assert session.status == "failed" and session.end_reason == "upstream_error"
    assert "1011" in session.end_detail and session.ended_at is not None
    rows = await get_items(session_id)
    assert [(r["text"], r["interrupted"]) for r in rows] == [("Hello, this", True)]


async def test_unreachable_upstream_fails_the_session(staff_cookie, open_session):
    bot = await make_bot("ws://127.0.0.1:9/v1")  # discard port: nothing listens
    from tests.realtime.conftest import Browser

    browser = Browser(bot.pk, staff_cookie)
    await browser.connect()
    await browser.send(type="session.start")
    error = await browser.until("error")
    assert error["fatal"] and "Could not connect to the model server" in error["reason"]
    ended = await browser.until("session.ended")
    assert ended["status"] == "failed"
    await browser.close()
    session = await get_session(ended["session_id"])
    assert session.end_reason == "upstream_error"


async def test_channel_layer_message_ends_the_session(fake_upstream, open_session):
    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")

    fake = await fake_upstream(script)
    bot = await make_bot(fake.base_url, greeting_mode="wait")
    browser = await open_session(bot)
    session_id = browser.events[0]["session_id"]
    await get_channel_layer().group_send(
        f"session.{uuid.UUID(session_id).hex}",
        {"type": "session.end", "reason": "admin"},
    )
    ended = await browser.until("session.ended")
    assert ended["reason"] == "admin"
    await browser.until_closed()
    await browser.close()
    assert (await get_session(session_id)).end_reason == "admin"


async def test_idle_reminder_then_end_for_silence(fake_upstream, open_session):
    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")
        await conn.expect("response.create")
        await conn.reply("Hi.", audio_ms=100)
        reminder = await conn.expect("response.create", within=3)
        conn.reminder = reminder["response"]["instructions"]
        await conn.reply("Are you still there?", audio_ms=100)

    fake = await fake_upstream(script)
    bot = await make_bot(
        fake.base_url,
        greeting="Hi.",
        idle_reminder_after_s=1,
        idle_reminder_max=1,
        idle_reminder_text="Are you still there?",
    )
    browser = await open_session(bot)
    ended = await browser.until("session.ended", within=5)
    assert ended["reason"] == "idle"
    await browser.close()
    assert fake.connections[0].reminder == EXACT_LINE_PREFIX + "Are you still there?"
    assert fake.connections[0].sent_types().count("response.create") == 2
    assert not fake.errors


async def test_max_duration_says_the_wrap_up_then_ends(fake_upstream, open_session):
    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")
        wrap_up = await conn.expect("response.create", within=3)
        conn.wrap_up = wrap_up["response"]["instructions"]
        await conn.reply("Time is up, goodbye.", audio_ms=100)

    fake = await fake_upstream(script)
    bot = await make_bot(
        fake.base_url,
        greeting_mode="wait",
        max_session_s=1,
        wrap_up_message="Time is up, goodbye.",
    )
    browser = await open_session(bot)
    session_id = browser.events[0]["session_id"]
    ended = await browser.until("session.ended", within=5)
    assert ended["reason"] == "max_duration"
    await browser.close()
    assert fake.connections[0].wrap_up == EXACT_LINE_PREFIX + "Time is up, goodbye."
    rows = await get_items(session_id)
    assert [r["text"] for r in rows] == ["Time is up, goodbye."]


async def test_api_key_reaches_the_upstream_only(
    fake_upstream, staff_cookie, caplog, monkeypatch
):
    secret = "sk-relay-test-" + uuid.uuid4().hex
    monkeypatch.setenv("BOT_SECRET_RELAY_TEST_KEY", secret)
    caplog.set_level(logging.DEBUG)  # websockets logs handshake headers at DEBUG
    monkeypatch.setattr(SERVER_LOGGER, "disabled", True)  # the fake server's own logs

    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")
        await conn.expect("response.create")
        await conn.reply("Hello.")
        await conn.send(
            "error",
            error={
                "type": "invalid_request_error",
                "code": "bad",
                "message": "Something odd.",
                "event_id": None,
            },
        )

    fake = await fake_upstream(script)
    bot = await make_bot(fake.base_url, api_key_env="BOT_SECRET_RELAY_TEST_KEY")
    from tests.realtime.conftest import Browser

    browser = Browser(bot.pk, staff_cookie)
    await browser.connect()
    await browser.send(type="session.start", debug=True)
    await browser.until("error")
    await browser.close()
    assert fake.connections[0].headers["Authorization"] == f"Bearer {secret}"
    assert browser.of_type("upstream.event")  # debug mode forwards upstream events ...
    assert secret not in json.dumps(browser.events)  # ... but never the key
    assert "Connecting upstream to ws://127.0.0.1" in caplog.text
    assert secret not in caplog.text


async def test_failed_transcription_is_reported_and_stored_empty(
    fake_upstream, open_session
):
    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")
        await conn.user_turn("item_u")
        await conn.send(
            "conversation.item.input_audio_transcription.failed",
            item_id="item_u",
            content_index=0,
            error={"type": "transcription_error", "message": "Audio unclear."},
        )

    fake = await fake_upstream(script)
    bot = await make_bot(fake.base_url, greeting_mode="wait")
    browser = await open_session(bot)
    error = await browser.until("error")
    assert (
        error["code"] == "transcription_failed" and "Audio unclear." in error["reason"]
    )
    await browser.close()
    rows = await get_items(browser.events[0]["session_id"])
    assert [(r["role"], r["text"], r["upstream_item_id"]) for r in rows] == [
        ("user", "", "item_u")
    ]
