"""The relay against a scripted fake upstream: greeting, a spoken turn, storage, usage."""

import base64

import pytest
from channels.db import database_sync_to_async

from botbuilder.models import TranscriptItem
from realtime.protocol import EXACT_LINE_PREFIX
from tests.realtime.conftest import get_session, make_bot

pytestmark = pytest.mark.django_db(transaction=True)


def items(session_id):
    return list(
        TranscriptItem.objects.filter(session_id=session_id).order_by("seq").values()
    )


get_items = database_sync_to_async(items)


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
    session_hex = ended["session_id"].replace("-", "")
    assert ended["admin_url"] == started["admin_url"] != ""
    assert (
        set(ended["exports"]) >= {"json", "csv", "txt"}
        and "wav" not in ended["exports"]
    )
    assert ended["exports"]["json"].endswith("/export/json/")
    assert session_hex in ended["exports"]["json"].replace("-", "")
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


async def test_late_user_transcript_sorts_before_the_reply(fake_upstream, open_session):
    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")
        await conn.expect("input_audio_buffer.append")
        await conn.user_turn("item_user1")  # no transcript yet
        await conn.reply("We are open nine to five.")
        await conn.transcript("item_user1", "When are you open?")

    fake = await fake_upstream(script)
    bot = await make_bot(fake.base_url, greeting_mode="wait")
    browser = await open_session(bot)
    session_id = browser.events[0]["session_id"]
    await browser.send_audio(b"\x00\x01" * 2400)
    user = await browser.until("transcript.done", role="user")
    assistant = browser.of_type("transcript.done")[0]
    assert assistant["role"] == "assistant"  # the reply arrived first ...
    assert user["seq"] < assistant["seq"]  # ... but the caller's words come first
    latency = browser.of_type("turn.latency")[0]
    assert latency["response_ms"] >= 0 and latency["endpointing_ms"] == 500
    assert browser.types()[:3] == [
        "session.started",
        "speech.started",
        "speech.stopped",
    ]
    await browser.close()
    rows = await get_items(session_id)
    assert [(r["role"], r["text"]) for r in rows] == [
        ("user", "When are you open?"),
        ("assistant", "We are open nine to five."),
    ]
    assert rows[1]["latency_ms"] == latency["response_ms"]
    assert rows[0]["upstream_item_id"] == "item_user1"
    appended = fake.connections[0].of_type("input_audio_buffer.append")
    assert (
        base64.b64decode(appended[0]["audio"]) == b"\x00\x01" * 2400
    )  # bytes unchanged
    session = await get_session(session_id)
    assert session.end_reason == "client_closed" and session.status == "completed"


async def test_missing_user_transcript_is_stored_empty_at_the_end(
    fake_upstream, open_session
):
    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")
        await conn.user_turn("item_lost")
        await conn.reply("Sorry, could you repeat that?")

    fake = await fake_upstream(script)
    bot = await make_bot(fake.base_url, greeting_mode="wait")
    browser = await open_session(bot)
    session_id = browser.events[0]["session_id"]
    await browser.until("transcript.done", role="assistant")
    await browser.send(type="session.end")
    await browser.until("session.ended")
    rows = await get_items(session_id)
    assert [(r["role"], r["text"]) for r in rows] == [
        ("user", ""),
        ("assistant", "Sorry, could you repeat that?"),
    ]


@pytest.mark.parametrize(
    ("mode", "greeting", "expected"),
    [
        ("bot_greeting", "Hi there!", EXACT_LINE_PREFIX + "Hi there!"),
        ("model_first", "", None),
        ("wait", "", "nothing"),
        ("bot_greeting", "", "nothing"),  # empty greeting: behaves like wait
    ],
)
async def test_greeting_modes(fake_upstream, open_session, mode, greeting, expected):
    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")

    fake = await fake_upstream(script)
    bot = await make_bot(fake.base_url, greeting_mode=mode, greeting=greeting)
    browser = await open_session(bot)
    await browser.drain(0.2)
    creates = fake.connections[0].of_type("response.create")
    if expected == "nothing":
        assert creates == []
    elif expected is None:
        assert len(creates) == 1 and "instructions" not in creates[0].get(
            "response", {}
        )
    else:
        assert [c["response"]["instructions"] for c in creates] == [expected]
    await browser.close()


async def test_typed_text_is_stored_and_answered(fake_upstream, open_session):
    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")
        item = await conn.expect("conversation.item.create")
        assert item["item"]["content"] == [
            {"type": "input_text", "text": "Do you ship to Spain?"}
        ]
        await conn.expect("response.create")
        await conn.reply("Yes, we ship to Spain.")

    fake = await fake_upstream(script)
    bot = await make_bot(fake.base_url, greeting_mode="wait")
    browser = await open_session(bot)
    await browser.send(type="text", text="  Do you ship to Spain? ")
    await browser.until("transcript.done", role="assistant")
    await browser.close()
    rows = await get_items(browser.events[0]["session_id"])
    assert [(r["role"], r["text"]) for r in rows] == [
        ("user", "Do you ship to Spain?"),
        ("assistant", "Yes, we ship to Spain."),
    ]
    assert not fake.errors


async def test_session_started_describes_the_session(fake_upstream, open_session):
    async def script(conn):
        await conn.session_created()
        update = await conn.expect("session.update")
        assert "Bilbo" in update["session"]["instructions"]
        assert (
            update["session"]["audio"]["input"]["turn_detection"] is None
        )  # push-to-talk

    fake = await fake_upstream(script)
    bot = await make_bot(
        fake.base_url,
        greeting_mode="wait",
        instructions="You help {{customer_name}} of {{shop_name}}.",
        variable_defaults={"shop_name": "Acme", "customer_name": "there"},
    )
    browser = await open_session(
        bot, variables={"customer_name": "Bilbo"}, push_to_talk=True
    )
    started = browser.events[0]
    assert started["bot"] == {"id": bot.pk, "name": bot.name}
    assert (
        started["provider"] == "compatible"
        and started["model"] == "gpt-realtime-2.1-mini"
    )
    assert started["variables"]["customer_name"] == "Bilbo"
    assert started["push_to_talk"] is True and started["voice"] == "marin"
    assert started["instructions"]["sections"][0]["key"] == "instructions"
    session = await get_session(started["session_id"])
    assert session.variables == {"customer_name": "Bilbo"}
    assert session.started_by_id is not None and session.channel == "preview"
    assert (
        session.config_snapshot["session"]["audio"]["input"]["turn_detection"] is None
    )
    assert session.config_snapshot["snapshot"]["bot"]["name"] == bot.name
    assert "sections" in session.config_snapshot["report"]
    await browser.close()
    assert not fake.errors
