"""The model's 60-minute cap: reconnect, re-seed, carry on in the same session."""

import asyncio

import pytest

from realtime.protocol import ERROR_SESSION_EXPIRED
from tests.realtime.conftest import (
    count_sessions,
    get_items,
    get_session,
    make_bot,
    seeded_texts,
)
from tests.realtime.fake_upstream import pcm_silence

pytestmark = pytest.mark.django_db(transaction=True)


async def test_session_expired_reconnects_and_reseeds_the_conversation(
    fake_upstream, open_session, monkeypatch
):
    monkeypatch.setattr("realtime.session.bargein.PLAYBACK_MARGIN_MS", 0)

    async def first(conn):
        await conn.session_created()
        conn.update = await conn.expect("session.update")
        await conn.expect("response.create")
        await conn.reply("Hello.")
        await asyncio.sleep(0.25)  # played out: the caller does not interrupt it
        await conn.user_turn("item_u1", transcript="What time is it?")
        await conn.reply("It is noon.")
        await conn.send(
            "error",
            error={
                "type": "invalid_request_error",
                "code": ERROR_SESSION_EXPIRED,
                "message": "Your session hit the maximum duration of 60 minutes.",
                "param": None,
                "event_id": None,
            },
        )
        await conn.close(1001, "session expired")

    async def second(conn):
        await conn.session_created()
        conn.update = await conn.expect("session.update")
        conn.seeded = [await conn.expect("conversation.item.create") for _ in range(3)]
        await conn.expect("input_audio_buffer.append")  # audio flows again
        await conn.user_turn("item_u2", transcript="Thanks, bye.")
        await conn.reply("Goodbye!")

    fake = await fake_upstream(first, second)
    bot = await make_bot(fake.base_url, greeting="Hello.")
    browser = await open_session(bot)
    session_id = browser.events[0]["session_id"]
    await browser.until("transcript.done", text="It is noon.")
    for _ in range(20):
        await browser.send_audio(pcm_silence(20))
        await asyncio.sleep(0.02)
        if len(fake.connections) == 2 and fake.connections[1].of_type(
            "input_audio_buffer.append"
        ):
            break
    await browser.until("transcript.done", text="Goodbye!")
    await browser.close()
    assert not fake.errors
    first_conn, second_conn = fake.connections
    assert second_conn.update["session"] == first_conn.update["session"]
    assert seeded_texts(second_conn.seeded) == [
        ("assistant", "output_text", "Hello."),
        ("user", "input_text", "What time is it?"),
        ("assistant", "output_text", "It is noon."),
    ]
    assert (
        "session.ended" not in browser.types()[:-1] and browser.of_type("error") == []
    )
    assert await count_sessions() == 1
    rows = await get_items(session_id)
    assert [r["text"] for r in rows] == [
        "Hello.",
        "What time is it?",
        "It is noon.",
        "Thanks, bye.",
        "Goodbye!",
    ]
    session = await get_session(session_id)
    assert session.end_reason == "client_closed" and session.status == "completed"
    assert session.turn_count == 3


async def test_proactive_reconnect_between_turns(
    fake_upstream, open_session, monkeypatch
):
    monkeypatch.setattr("realtime.session.runner.UPSTREAM_RECONNECT_AFTER_S", 0)

    async def first(conn):
        await conn.session_created()
        await conn.expect("session.update")
        await conn.expect("response.create")
        await conn.reply("Hello.")

    async def second(conn):
        await conn.session_created()
        await conn.expect("session.update")
        conn.seeded = [await conn.expect("conversation.item.create")]

    fake = await fake_upstream(first, second)
    bot = await make_bot(fake.base_url, greeting="Hello.")
    browser = await open_session(bot)
    for _ in range(50):
        if len(fake.connections) == 2 and getattr(fake.connections[1], "seeded", None):
            break
        await browser.drain(0.05)
    assert seeded_texts(fake.connections[1].seeded) == [
        ("assistant", "output_text", "Hello.")
    ]
    await browser.close()
    assert not fake.errors


async def test_failed_reconnect_ends_the_session_as_failed(fake_upstream, open_session):
    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")
        fake.shut_down()  # no more connections; this one goes away (1001)

    fake = await fake_upstream(script)
    bot = await make_bot(fake.base_url, greeting_mode="wait")
    browser = await open_session(bot)
    ended = await browser.until("session.ended")
    assert ended["status"] == "failed" and ended["reason"] == "upstream_error"
    error = browser.of_type("error")[0]
    assert error["fatal"] and "Reconnecting to the model failed" in error["reason"]
    await browser.close()
    session = await get_session(ended["session_id"])
    assert session.status == "failed" and "Reconnecting" in session.end_detail
