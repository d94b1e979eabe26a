"""Defects found against the running product, each pinned by a test of its own."""

import asyncio

import pytest

from realtime.protocol import ERROR_SESSION_EXPIRED
from realtime.session.transport import CLOSE_UPSTREAM_FAILED, CLOSE_UPSTREAM_TIMEOUT
from tests.realtime.conftest import get_items, get_session, make_bot
from tests.realtime.fake_upstream import assistant_item, new_id, pcm_silence

pytestmark = pytest.mark.django_db(transaction=True)

EXPIRED = {
    "type": "invalid_request_error",
    "code": ERROR_SESSION_EXPIRED,
    "message": "Your session hit the maximum duration of 60 minutes.",
    "param": None,
    "event_id": None,
}


async def test_a_rejected_response_create_frees_the_queue(fake_upstream, open_session):
    """`invalid_value` on a create (no response.created): the caller is told, and the
    next typed turn still gets its `response.create`."""

    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")
        await conn.expect("conversation.item.create")
        refused = await conn.expect("response.create")
        await conn.send(
            "error",
            error={
                "type": "invalid_request_error",
                "code": "invalid_value",
                "message": "Invalid value: 'xhigh'.",
                "param": "response.reasoning.effort",
                "event_id": conn.event_id(refused),
            },
        )
        await conn.expect("conversation.item.create")
        await conn.expect("response.create")  # the queue moved on
        await conn.reply("Here you are.")

    fake = await fake_upstream(script)
    bot = await make_bot(fake.base_url, greeting_mode="wait")
    browser = await open_session(bot)
    await browser.send(type="text", text="First question?")
    error = await browser.until("error")
    assert error["code"] == "invalid_value" and not error["fatal"]
    assert "could not answer" in error["reason"]
    await browser.send(type="text", text="Second question?")
    await browser.until("transcript.done", role="assistant", text="Here you are.")
    await browser.close()
    assert not fake.errors


async def test_reconnect_retries_a_refused_connect(
    fake_upstream, open_session, monkeypatch
):
    """At the session cap the first two connects are refused: the third carries on."""
    monkeypatch.setattr("realtime.session.link.CONNECT_BACKOFF_BASE_S", 0.01)

    async def first(conn):
        await conn.session_created()
        await conn.expect("session.update")
        await conn.expect("response.create")
        await conn.reply("Hello.")
        await conn.send("error", error=EXPIRED)
        await conn.close(1001, "session expired")

    async def second(conn):
        await conn.session_created()
        await conn.expect("session.update")
        await conn.expect("conversation.item.create")  # the re-seeded greeting
        await conn.user_turn("item_u2", transcript="Still there?")
        await conn.reply("Yes, still here.")

    fake = await fake_upstream(first, second)
    fake.refuse_handshakes = 2
    bot = await make_bot(fake.base_url, greeting="Hello.")
    browser = await open_session(bot)
    session_id = browser.events[0]["session_id"]
    await browser.send_audio(pcm_silence(20))
    await browser.until("transcript.done", text="Yes, still here.", within=10)
    await browser.close()
    assert fake.handshakes == 4 and len(fake.connections) == 2
    assert not fake.errors
    assert [r["text"] for r in await get_items(session_id)] == [
        "Hello.",
        "Still there?",
        "Yes, still here.",
    ]


async def test_reconnect_gives_up_after_three_refusals(
    fake_upstream, open_session, monkeypatch
):
    monkeypatch.setattr("realtime.session.link.CONNECT_BACKOFF_BASE_S", 0.01)

    async def first(conn):
        await conn.session_created()
        await conn.expect("session.update")
        await conn.send("error", error=EXPIRED)
        await conn.close(1001, "session expired")

    fake = await fake_upstream(first)
    fake.refuse_handshakes = 3
    bot = await make_bot(fake.base_url, greeting_mode="wait")
    browser = await open_session(bot)
    assert await browser.until_closed() == CLOSE_UPSTREAM_FAILED
    ended = browser.of_type("session.ended")[0]
    assert ended["status"] == "failed" and ended["reason"] == "upstream_error"
    assert fake.handshakes == 4


async def test_a_reply_cut_by_a_hang_up_stores_what_was_heard(
    fake_upstream, open_session
):
    """The caller hangs up 0.3 s into 3 s of audio: heard is a short prefix, not all."""
    text = "one two three four five six seven eight nine ten eleven twelve"

    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")
        await conn.expect("response.create")
        await conn.reply(text, audio_ms=3000, chunks=3)

    fake = await fake_upstream(script)
    bot = await make_bot(fake.base_url, greeting=text)
    browser = await open_session(bot)
    session_id = browser.events[0]["session_id"]
    await browser.until("transcript.done", role="assistant")
    await asyncio.sleep(0.3)
    await browser.close()
    row = next(r for r in await get_items(session_id) if r["role"] == "assistant")
    assert row["interrupted"] and row["cut_reason"] == "disconnect"
    heard = row["heard_text"].split()
    assert 0 < len(heard) < 6 and text.startswith(row["heard_text"])


async def test_a_reply_cut_by_a_reconnect_is_heard_up_to_the_audio_sent(
    fake_upstream, open_session
):
    """The transcript ran ahead of the audio when the connection dropped: the caller
    heard only what was sent (300 ms of the ~2.4 s the text takes), not the whole text."""
    text = "alpha beta gamma delta epsilon zeta"

    async def first(conn):
        await conn.session_created()
        await conn.expect("session.update")
        await conn.expect("response.create")
        response_id, item_id = new_id("resp"), new_id("item")
        await conn.response_start(response_id)
        await conn.item_started(response_id, item_id)
        await conn.send(
            "response.output_audio_transcript.delta",
            response_id=response_id,
            item_id=item_id,
            output_index=0,
            content_index=0,
            delta=text,
        )
        for _ in range(3):  # 300 ms of audio sent; the text needs ~2.4 s to be said
            await conn.audio_delta(response_id, item_id, 100)
        conn.item_id = item_id
        await conn.send("error", error=EXPIRED)
        await conn.close(1001, "session expired")

    async def second(conn):
        await conn.session_created()
        await conn.expect("session.update")
        conn.seed = await conn.expect("conversation.item.create")

    fake = await fake_upstream(first, second)
    bot = await make_bot(fake.base_url, greeting=text)
    browser = await open_session(bot)
    session_id = browser.events[0]["session_id"]
    for _ in range(100):
        if len(fake.connections) == 2 and hasattr(fake.connections[1], "seed"):
            break
        await asyncio.sleep(0.02)
    await browser.close()
    row = next(r for r in await get_items(session_id) if r["role"] == "assistant")
    assert row["interrupted"] and row["cut_reason"] == "reconnect"
    assert row["heard_text"] and row["heard_text"] != text
    assert text.startswith(row["heard_text"])
    seeded = fake.connections[1].seed["item"]["content"][0]["text"]
    assert seeded == row["heard_text"]  # the new connection knows only what was heard


async def test_barge_in_before_any_audio_was_played_cancels_instead_of_truncating(
    fake_upstream, open_session
):
    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")
        await conn.expect("response.create")
        response_id, item_id = new_id("resp"), new_id("item")
        conn.item_id = item_id
        await conn.response_start(response_id)
        await conn.item_started(response_id, item_id)
        await conn.audio_delta(response_id, item_id, 2000)
        await conn.send(
            "input_audio_buffer.speech_started", item_id="item_u", audio_start_ms=0
        )
        conn.cancel = await conn.expect("response.cancel")

    fake = await fake_upstream(script)
    bot = await make_bot(fake.base_url, greeting="Hi.")
    browser = await open_session(bot)
    flush = await browser.until("playback.flush")
    await browser.send(type="playback", item_id=flush["item_id"], played_ms=0)
    truncated = await browser.until("item.truncated")
    assert truncated["audio_end_ms"] == 0 and truncated["heard_text"] == ""
    await browser.close()
    conn = fake.connections[0]
    assert hasattr(conn, "cancel") and not fake.errors
    assert conn.of_type("conversation.item.truncate") == []


async def test_a_failed_session_closes_with_an_application_code(
    fake_upstream, open_session
):
    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")
        await conn.close(1011, "internal error")

    fake = await fake_upstream(script)
    bot = await make_bot(fake.base_url, greeting_mode="wait")
    browser = await open_session(bot)
    assert await browser.until_closed() == CLOSE_UPSTREAM_FAILED


async def test_a_silent_model_is_reported_then_ends_the_session(
    fake_upstream, open_session, monkeypatch
):
    monkeypatch.setattr("realtime.session.watchdog.MODEL_SLOW_AFTER_S", 0.2)
    monkeypatch.setattr("realtime.session.watchdog.MODEL_SILENT_END_AFTER_S", 0.6)

    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")
        await conn.expect("response.create")  # then nothing, as if paused

    fake = await fake_upstream(script)
    bot = await make_bot(fake.base_url, greeting_mode="wait")
    browser = await open_session(bot)
    session_id = browser.events[0]["session_id"]
    await browser.send(type="text", text="Hello?")
    slow = await browser.until("error", code="model_slow")
    assert not slow["fatal"]
    assert await browser.until_closed() == CLOSE_UPSTREAM_TIMEOUT
    ended = browser.of_type("session.ended")[0]
    assert ended["reason"] == "upstream_timeout" and ended["status"] == "failed"
    session = await get_session(session_id)
    assert session.status == "failed" and session.end_reason == "upstream_timeout"


async def test_a_model_that_answers_slowly_but_surely_keeps_the_session(
    fake_upstream, open_session, monkeypatch
):
    """Events keep the watchdog quiet: a long reply is not mistaken for silence."""
    monkeypatch.setattr("realtime.session.watchdog.MODEL_SLOW_AFTER_S", 0.3)
    monkeypatch.setattr("realtime.session.watchdog.MODEL_SILENT_END_AFTER_S", 0.6)

    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")
        await conn.expect("response.create")
        response_id, item_id = new_id("resp"), new_id("item")
        await conn.response_start(response_id)
        await conn.audio_item(
            response_id, item_id, "a b c d e f", chunks=6, pause_s=0.15
        )
        await conn.response_done(
            response_id, output=[assistant_item(item_id, "a b c d e f")]
        )

    fake = await fake_upstream(script)
    bot = await make_bot(fake.base_url, greeting="a b c d e f")
    browser = await open_session(bot)
    await browser.until("usage", within=5)
    await browser.close()
    assert browser.of_type("error") == []


async def test_the_knowledge_index_is_built_off_the_event_loop(
    fake_upstream, open_session, monkeypatch
):
    """Thousands of snippets take hundreds of ms to index: never on the loop, which every
    live call of the worker shares (bench/session_start_stall.py measures the gap)."""
    import threading

    import realtime.consumers.starting as starting

    threads = []
    real_build = starting.build_setup

    def recording_build(**kwargs):
        threads.append(threading.current_thread())
        return real_build(**kwargs)

    monkeypatch.setattr(starting, "build_setup", recording_build)

    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")

    fake = await fake_upstream(script)
    bot = await make_bot(fake.base_url, greeting_mode="wait")
    browser = await open_session(bot)
    await browser.close()
    assert threads and threads[0] is not threading.main_thread()


def test_stored_text_is_always_valid_unicode(db):
    from botbuilder.services.sessions import valid_unicode

    assert valid_unicode({"a": ["x\ud800y", 3], "\udfffk": None}) == {
        "a": ["x\ufffdy", 3],
        "\ufffdk": None,
    }
