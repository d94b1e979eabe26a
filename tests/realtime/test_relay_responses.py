"""One active response at a time, benign errors, and upstream errors shown to the caller."""

import asyncio

import pytest

from realtime.protocol import ERROR_ACTIVE_RESPONSE, ERROR_CANCEL_NOT_ACTIVE
from tests.realtime.conftest import make_bot
from tests.realtime.fake_upstream import new_id

pytestmark = pytest.mark.django_db(transaction=True)


def _error(code, message, event_id=None):
    return {
        "type": "invalid_request_error",
        "code": code,
        "message": message,
        "param": None,
        "event_id": event_id,
    }


async def test_response_create_waits_for_the_active_response(
    fake_upstream, open_session
):
    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")
        await conn.expect("response.create")  # the greeting
        greeting_id, item_id = new_id("resp"), new_id("item")
        await conn.response_start(greeting_id)
        await conn.audio_item(greeting_id, item_id, "Hello there.")
        await conn.browser_typed.wait()  # the caller typed meanwhile
        await asyncio.sleep(0.1)
        # Held back, the caller's item too: it joins the conversation after the greeting
        # (inside it, a model may answer the greeting instead of the question).
        assert conn.sent_types().count("response.create") == 1
        assert "conversation.item.create" not in conn.sent_types()
        await conn.response_done(greeting_id)
        item = await conn.expect("conversation.item.create")  # now both go, in order
        await conn.expect("response.create")
        assert conn.sent_types()[-2:] == ["conversation.item.create", "response.create"]
        assert item["item"]["content"][0]["text"] == "Can you help me?"
        await conn.reply("Sure, I can help.")

    typed = asyncio.Event()

    async def scripted(conn):
        conn.browser_typed = typed
        await script(conn)

    fake = await fake_upstream(scripted)
    bot = await make_bot(fake.base_url, greeting="Hello there.")
    browser = await open_session(bot)
    await browser.until("response.audio.started")
    await browser.send(type="text", text="Can you help me?")
    await browser.until("transcript.done", role="user", text="Can you help me?")
    typed.set()
    await browser.until("transcript.done", role="assistant", text="Sure, I can help.")
    await browser.close()
    assert not fake.errors


async def test_rejected_response_create_is_retried_after_the_active_one(
    fake_upstream, open_session
):
    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")
        await conn.expect("conversation.item.create")
        ours = await conn.expect("response.create")
        vad_id = new_id("resp")
        await conn.response_start(vad_id)  # server VAD started one at the same moment
        await conn.send(
            "error",
            error=_error(
                ERROR_ACTIVE_RESPONSE,
                f"Conversation already has an active response in progress: {vad_id}.",
                conn.event_id(ours),
            ),
        )
        await conn.audio_item(vad_id, new_id("item"), "Mm-hmm.")
        await conn.response_done(vad_id)
        again = await conn.expect("response.create")
        assert conn.event_id(again) == conn.event_id(ours)
        await conn.reply("Here is your answer.")

    fake = await fake_upstream(script)
    bot = await make_bot(fake.base_url, greeting_mode="wait")
    browser = await open_session(bot)
    await browser.send(type="text", text="Question?")
    await browser.until(
        "transcript.done", role="assistant", text="Here is your answer."
    )
    await browser.close()
    assert browser.of_type("error") == []
    assert not fake.errors


async def test_active_response_error_without_code_is_recognised(
    fake_upstream, open_session
):
    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")
        ours = await conn.expect("response.create")
        vad_id = new_id("resp")
        await conn.response_start(vad_id)
        await conn.send(
            "error",
            error=_error(
                None, "Conversation already has an active response in progress"
            ),
        )
        await conn.response_done(vad_id)
        again = await conn.expect("response.create")
        assert conn.event_id(again) == conn.event_id(ours)

    fake = await fake_upstream(script)
    bot = await make_bot(fake.base_url, greeting_mode="model_first")
    browser = await open_session(bot)
    await browser.drain(0.3)
    await browser.close()
    assert browser.of_type("error") == []
    assert not fake.errors


async def test_cancel_not_active_is_benign_and_other_errors_reach_the_browser(
    fake_upstream, open_session
):
    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")
        await conn.send(
            "error",
            error=_error(
                ERROR_CANCEL_NOT_ACTIVE, "Cancellation failed: no active response found"
            ),
        )
        await conn.send(
            "error",
            error=_error(
                "invalid_value",
                "Invalid value: 'shouty'. Supported values are: 'marin'.",
            ),
        )
        # unknown types are ignored
        await conn.send_unchecked("some.future_event", payload=1)
        await conn.expect("conversation.item.create")
        await conn.expect("response.create")
        await conn.reply("Still working.")

    fake = await fake_upstream(script)
    bot = await make_bot(fake.base_url, greeting_mode="wait")
    browser = await open_session(bot)
    error = await browser.until("error")
    assert error["code"] == "invalid_value" and error["fatal"] is False
    assert "Invalid value: 'shouty'" in error["reason"]
    await browser.send(type="text", text="Hello?")
    await browser.until("transcript.done", role="assistant", text="Still working.")
    await browser.close()
    assert len(browser.of_type("error")) == 1
    assert not fake.errors


async def test_failed_response_is_reported(fake_upstream, open_session):
    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")
        await conn.expect("response.create")
        response_id = new_id("resp")
        await conn.response_start(response_id)
        await conn.send(
            "response.done",
            response={
                "id": response_id,
                "status": "failed",
                "output": [],
                "status_details": {
                    "type": "failed",
                    "error": {
                        "type": "server_error",
                        "code": "server_error",
                        "message": "The server had an error while processing your request.",
                    },
                },
            },
        )

    fake = await fake_upstream(script)
    bot = await make_bot(fake.base_url, greeting_mode="model_first")
    browser = await open_session(bot)
    error = await browser.until("error")
    assert "server had an error" in error["reason"] and error["fatal"] is False
    await browser.close()
