"""Barge-in: flush the browser, truncate the model's item to what was heard, store both texts."""

import asyncio
import base64

import pytest
from channels.db import database_sync_to_async

from botbuilder.models import TranscriptItem
from realtime.session.bargein import heard_prefix
from tests.realtime.conftest import make_bot
from tests.realtime.fake_upstream import new_id

pytestmark = pytest.mark.django_db(transaction=True)

REPLY = (
    "Our shop opens at nine and closes at five on weekdays and at noon on Saturdays."
)
get_assistant = database_sync_to_async(
    lambda sid: TranscriptItem.objects.get(session_id=sid, role="assistant")
)


async def test_barge_in_truncates_to_the_reported_playback(fake_upstream, open_session):
    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")
        await conn.expect("response.create")
        conn.item_id = (await conn.reply(REPLY, audio_ms=2000, chunks=4))[1]
        await asyncio.sleep(0.05)
        await conn.send(
            "input_audio_buffer.speech_started", item_id="item_u", audio_start_ms=50
        )
        conn.truncate = await conn.expect("conversation.item.truncate")

    fake = await fake_upstream(script)
    bot = await make_bot(fake.base_url, greeting=REPLY)
    browser = await open_session(bot)
    session_id = browser.events[0]["session_id"]
    flush = await browser.until("playback.flush")
    await browser.send(type="playback", item_id=flush["item_id"], played_ms=700)
    truncated = await browser.until("item.truncated")
    assert truncated["audio_end_ms"] == 700 and truncated["text"] == REPLY
    expected_heard = heard_prefix(REPLY, 700, 2000)
    assert truncated["heard_text"] == expected_heard
    assert (
        expected_heard and REPLY.startswith(expected_heard) and expected_heard != REPLY
    )
    await browser.close()
    assert not fake.errors
    conn = fake.connections[0]
    assert conn.truncate == {
        "type": "conversation.item.truncate",
        "item_id": conn.item_id,
        "content_index": 0,
        "audio_end_ms": 700,
    }
    assert (
        "response.cancel" not in conn.sent_types()
    )  # the server cancels (interrupt_response)
    item = await get_assistant(session_id)
    assert item.interrupted and item.text == REPLY and item.heard_text == expected_heard


async def test_barge_in_without_report_uses_the_estimate_and_drops_late_audio(
    fake_upstream, open_session
):
    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")
        await conn.expect("response.create")
        response_id, item_id = new_id("resp"), new_id("item")
        conn.item_id = item_id
        await conn.response_start(response_id)
        await conn.send(
            "response.output_item.added",
            response_id=response_id,
            output_index=0,
            item={"id": item_id, "type": "message", "role": "assistant", "content": []},
        )
        chunk = base64.b64encode(b"\x01\x00" * 24_000).decode()  # 1000 ms
        await conn.send(
            "response.output_audio.delta",
            response_id=response_id,
            item_id=item_id,
            output_index=0,
            content_index=0,
            delta=chunk,
        )
        await conn.send(
            "response.output_audio_transcript.delta",
            response_id=response_id,
            item_id=item_id,
            output_index=0,
            content_index=0,
            delta="One two three four",
        )
        await conn.send(
            "input_audio_buffer.speech_started", item_id="item_u", audio_start_ms=0
        )
        await conn.send(
            "response.output_audio.delta",
            response_id=response_id,
            item_id=item_id,
            output_index=0,
            content_index=0,
            delta=chunk,
        )  # generated before the cancel: dropped
        conn.truncate = await conn.expect("conversation.item.truncate")
        await conn.send(
            "response.output_audio_transcript.done",
            response_id=response_id,
            item_id=item_id,
            output_index=0,
            content_index=0,
            transcript="One two three four",
        )
        await conn.send(
            "response.output_item.done",
            response_id=response_id,
            output_index=0,
            item={
                "id": item_id,
                "type": "message",
                "role": "assistant",
                "status": "incomplete",
                "content": [
                    {"type": "output_audio", "transcript": "One two three four"}
                ],
            },
        )
        await conn.response_done(response_id, status="cancelled")

    fake = await fake_upstream(script)
    bot = await make_bot(fake.base_url, greeting="One two three four")
    browser = await open_session(bot)
    session_id = browser.events[0]["session_id"]
    await browser.until("playback.flush")
    truncated = await browser.until("item.truncated", within=3)
    await browser.until("usage")
    await browser.close()
    assert not fake.errors
    assert (
        len(browser.audio) == 48_000
    )  # the second second of audio never reached the browser
    end_ms = fake.connections[0].truncate["audio_end_ms"]
    assert 0 <= end_ms < 1000 and truncated["audio_end_ms"] == end_ms
    item = await get_assistant(session_id)
    assert item.interrupted and item.text == "One two three four"


async def test_no_barge_in_when_the_bot_may_not_be_interrupted(
    fake_upstream, open_session
):
    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")
        await conn.expect("response.create")
        await conn.reply(REPLY, audio_ms=2000)
        await conn.send(
            "input_audio_buffer.speech_started", item_id="item_u", audio_start_ms=0
        )

    fake = await fake_upstream(script)
    bot = await make_bot(fake.base_url, greeting=REPLY, interrupt_on_speech=False)
    browser = await open_session(bot)
    await browser.until("speech.started")
    await browser.drain(0.6)
    await browser.close()
    assert browser.of_type("playback.flush") == []
    assert "conversation.item.truncate" not in fake.connections[0].sent_types()


async def test_no_barge_in_after_the_reply_has_finished_playing(
    fake_upstream, open_session, monkeypatch
):
    monkeypatch.setattr("realtime.session.bargein.PLAYBACK_MARGIN_MS", 0)

    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")
        await conn.expect("response.create")
        await conn.reply("Hi.", audio_ms=100)
        await asyncio.sleep(0.2)  # the 100 ms of audio have played
        await conn.send(
            "input_audio_buffer.speech_started", item_id="item_u", audio_start_ms=0
        )

    fake = await fake_upstream(script)
    bot = await make_bot(fake.base_url, greeting="Hi.")
    browser = await open_session(bot)
    await browser.until("speech.started")
    await browser.drain(0.6)
    await browser.close()
    assert browser.of_type("playback.flush") == []
    assert "conversation.item.truncate" not in fake.connections[0].sent_types()


async def test_barge_in_truncates_queued_replies_to_nothing(
    fake_upstream, open_session
):
    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")
        await conn.expect("response.create")
        conn.first = (await conn.reply("One moment please.", audio_ms=1000))[1]
        await conn.expect("response.create")  # the typed question, answered at once
        conn.second = (await conn.reply(REPLY, audio_ms=3000))[1]
        await conn.send(
            "input_audio_buffer.speech_started", item_id="item_u", audio_start_ms=0
        )
        # The queued reply was never heard: deleted, not truncated to 0 ms (refused by
        # the service: "only model output audio messages can be truncated").
        conn.deleted = await conn.expect("conversation.item.delete")
        conn.truncates = [await conn.expect("conversation.item.truncate")]

    fake = await fake_upstream(script)
    bot = await make_bot(fake.base_url, greeting="One moment please.")
    browser = await open_session(bot)
    session_id = browser.events[0]["session_id"]
    await browser.send(type="text", text="When do you open?")
    flush = await browser.until("playback.flush")
    conn = fake.connections[0]
    assert flush["item_id"] == conn.first  # the one being heard, not the queued reply
    await browser.send(type="playback", item_id=conn.first, played_ms=400)
    await browser.until("item.truncated", item_id=conn.first)
    await browser.close()
    assert not fake.errors
    assert [(t["item_id"], t["audio_end_ms"]) for t in conn.truncates] == [
        (conn.first, 400)
    ]
    assert conn.deleted["item_id"] == conn.second
    assert not [
        t for t in conn.of_type("conversation.item.truncate") if t["audio_end_ms"] == 0
    ]
    rows = await database_sync_to_async(
        lambda: list(
            TranscriptItem.objects.filter(session_id=session_id, role="assistant")
            .order_by("seq")
            .values_list("interrupted", "heard_text")
        )
    )()
    assert rows == [(True, heard_prefix("One moment please.", 400, 1000)), (True, "")]


async def test_push_to_talk_cut_cancels_and_truncates_to_what_was_played(
    fake_upstream, open_session
):
    """With push-to-talk the server detects no speech: the browser's cut is the barge-in."""

    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")
        await conn.expect("response.create")  # the greeting
        response_id, conn.item_id = new_id("resp"), new_id("item")
        await conn.response_start(response_id)
        await conn.audio_item(
            response_id, conn.item_id, REPLY, audio_ms=2000, chunks=4, pause_s=0.15
        )
        conn.cancel = await conn.expect("response.cancel")
        conn.truncate = await conn.expect("conversation.item.truncate")
        await conn.response_done(response_id, status="cancelled")

    fake = await fake_upstream(script)
    bot = await make_bot(fake.base_url, greeting=REPLY)
    browser = await open_session(bot, push_to_talk=True)
    session_id = browser.events[0]["session_id"]
    started = await browser.until("response.audio.started")
    # A periodic report (no cut) changes nothing ...
    await browser.send(type="playback", item_id=started["item_id"], played_ms=100)
    # ... the caller pressing the talk button while the bot speaks does.
    await browser.send(
        type="playback", item_id=started["item_id"], played_ms=300, interrupted=True
    )
    truncated = await browser.until("item.truncated")
    assert truncated["audio_end_ms"] == 300
    await browser.until("usage")  # the cancelled response is done
    await browser.close()
    assert not fake.errors
    conn = fake.connections[0]
    assert conn.truncate["item_id"] == conn.item_id
    assert conn.truncate["audio_end_ms"] == 300
    item = await get_assistant(session_id)
    assert item.interrupted and item.text == REPLY
    assert item.heard_text == heard_prefix(REPLY, 300, 2000) != REPLY


async def test_a_cut_report_is_ignored_when_the_server_detects_turns(
    fake_upstream, open_session
):
    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")
        await conn.expect("response.create")
        conn.item_id = (await conn.reply(REPLY, audio_ms=2000, chunks=4))[1]
        await asyncio.sleep(0.4)

    fake = await fake_upstream(script)
    bot = await make_bot(fake.base_url, greeting=REPLY)
    browser = await open_session(bot)
    session_id = browser.events[0]["session_id"]
    started = await browser.until("response.audio.started")
    await browser.send(
        type="playback", item_id=started["item_id"], played_ms=600, interrupted=True
    )
    await browser.drain(0.3)
    await browser.close()
    conn = fake.connections[0]
    assert "conversation.item.truncate" not in conn.sent_types()
    assert "response.cancel" not in conn.sent_types()
    item = await get_assistant(session_id)
    # Not cut by the report; closing the page mid-reply is a hang-up of its own kind.
    assert item.cut_reason != "barge_in"
    assert not item.interrupted or item.cut_reason == "disconnect"
