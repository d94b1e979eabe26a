"""gpt-realtime-2 behaviour through the relay: several assistant items per response
(a preamble, then the answer), parallel calls with a slow tool, the service's idle timeout."""

import asyncio

import pytest
from channels.db import database_sync_to_async

from botbuilder.exports.services import session_export
from botbuilder.tools import ToolOutcome
from realtime.session.bargein import heard_prefix
from tests.realtime.conftest import get_items, get_session, make_bot
from tests.realtime.fake_upstream import TRANSCRIPTION_USAGE, assistant_item, new_id

pytestmark = pytest.mark.django_db(transaction=True)

PREAMBLE = "Let me look that up for you."
ANSWER = "Your order left our warehouse this morning and should arrive by Friday noon."
SECOND_TOOL = {
    "name": "get_delivery_slot",
    "description": "The delivery slot of an order.",
    "static_response": "Friday morning.",
}


async def test_a_preamble_and_an_answer_in_one_response(fake_upstream, open_session):
    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")
        await conn.user_turn("item_u1", transcript="Where is my order?")
        response_id = new_id("resp")
        conn.preamble, conn.answer = new_id("item"), new_id("item")
        await conn.response_start(response_id)
        await conn.audio_item(response_id, conn.preamble, PREAMBLE, audio_ms=200)
        await conn.audio_item(response_id, conn.answer, ANSWER, audio_ms=3000, chunks=6)
        await conn.response_done(
            response_id,
            output=[
                assistant_item(conn.preamble, PREAMBLE),
                assistant_item(conn.answer, ANSWER),
            ],
        )
        await conn.browser_heard_some.wait()
        await conn.send(
            "input_audio_buffer.speech_started", item_id="item_u2", audio_start_ms=0
        )
        conn.truncate = await conn.expect("conversation.item.truncate")

    heard_some = asyncio.Event()

    async def scripted(conn):
        conn.browser_heard_some = heard_some
        await script(conn)

    fake = await fake_upstream(scripted)
    bot = await make_bot(fake.base_url, greeting_mode="wait")
    browser = await open_session(bot)
    session_id = browser.events[0]["session_id"]
    await browser.until("usage")
    await asyncio.sleep(0.6)  # the preamble (0.2 s) has played; the answer is playing
    heard_some.set()
    flush = await browser.until("playback.flush")
    conn = fake.connections[0]
    assert flush["item_id"] == conn.answer  # the second item is the one being heard
    await browser.send(type="playback", item_id=conn.answer, played_ms=1000)
    await browser.until("item.truncated", item_id=conn.answer)
    await browser.close()
    assert not fake.errors
    assert conn.truncate["item_id"] == conn.answer
    assert conn.truncate["audio_end_ms"] == 1000
    rows = await get_items(session_id)
    assert [(r["role"], r["text"]) for r in rows] == [
        ("user", "Where is my order?"),
        ("assistant", PREAMBLE),
        ("assistant", ANSWER),
    ]
    preamble, answer = rows[1], rows[2]
    assert not preamble["interrupted"] and preamble["latency_ms"] is not None
    assert answer["interrupted"] and answer["cut_reason"] == "barge_in"
    assert answer["heard_text"] == heard_prefix(ANSWER, 1000, 3000)
    assert answer["latency_ms"] is None  # latency is the response's first audio
    session = await get_session(session_id)
    assert session.turn_count == 1  # one response, two items
    text = await database_sync_to_async(
        lambda: b"".join(session_export(session=session, fmt="txt")).decode()
    )()
    heard = heard_prefix(ANSWER, 1000, 3000)
    assert text.index(PREAMBLE) < text.index(heard)  # both items, in order, as heard


async def test_parallel_calls_with_a_slow_tool_do_not_hold_the_conversation(
    fake_upstream, open_session, monkeypatch
):
    """Two calls in one response; one is slow. The caller speaks meanwhile and is
    answered; when the slow tool is done both outputs go, then one response.create."""
    release = asyncio.Event()
    real_outputs = {
        "get_order_status": "Order 7 ships tomorrow.",
        "get_delivery_slot": "Friday morning.",
    }

    async def run_tool(*, spec, arguments, context):
        if spec.name == "get_order_status":
            await release.wait()  # slow: held until the caller's turn was answered
        return ToolOutcome(output=real_outputs[spec.name], duration_ms=1)

    monkeypatch.setattr("realtime.session.toolcalls.run_tool", run_tool)

    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")
        await conn.user_turn("item_u1", transcript="Order 7: when and what slot?")
        response_id = new_id("resp")
        await conn.response_start(response_id)
        first = await conn.function_call(
            response_id, "get_order_status", '{"order_number": "7"}', index=0
        )
        second = await conn.function_call(
            response_id, "get_delivery_slot", '{"order_number": "7"}', index=1
        )
        await conn.response_done(response_id, output=[first, second])
        # The caller speaks while the slow tool runs: server VAD answers at once.
        await conn.user_turn("item_u2", transcript="Are you still there?")
        await conn.reply("Yes, I am checking your order.")
        await conn.tools_may_finish.wait()
        outputs = [await conn.expect("conversation.item.create") for _ in range(2)]
        conn.outputs = {o["item"]["call_id"]: o["item"]["output"] for o in outputs}
        conn.calls = {
            first["call_id"]: first["name"],
            second["call_id"]: second["name"],
        }
        await conn.expect("response.create")
        await conn.reply("Order 7 ships tomorrow, Friday morning.")

    may_finish = asyncio.Event()

    async def scripted(conn):
        conn.tools_may_finish = may_finish
        await script(conn)

    fake = await fake_upstream(scripted)
    bot = await make_bot(fake.base_url, greeting_mode="wait", tools=[{}, SECOND_TOOL])
    browser = await open_session(bot)
    session_id = browser.events[0]["session_id"]
    fast = await browser.until("tool.result", name="get_delivery_slot")
    assert fast["output"] == "Friday morning."
    await browser.until(
        "transcript.done", role="assistant", text="Yes, I am checking your order."
    )
    conn = fake.connections[0]
    assert "response.create" not in conn.sent_types()  # nothing waited on the tool
    may_finish.set()
    release.set()
    await browser.until(
        "transcript.done",
        role="assistant",
        text="Order 7 ships tomorrow, Friday morning.",
    )
    await browser.close()
    assert not fake.errors
    assert {conn.calls[c]: out for c, out in conn.outputs.items()} == real_outputs
    assert conn.sent_types().count("response.create") == 1  # one answer for both calls
    rows = await get_items(session_id)
    tools = [r for r in rows if r["role"] == "tool"]
    assert {r["tool_name"] for r in tools} == set(real_outputs)
    assert [r["text"] for r in rows if r["role"] != "tool"] == [
        "Order 7: when and what slot?",
        "Are you still there?",
        "Yes, I am checking your order.",
        "Order 7 ships tomorrow, Friday morning.",
    ]


async def test_the_services_idle_timeout_counts_as_a_reminder(
    fake_upstream, open_session
):
    """With `idle_timeout_ms` the service itself says "are you still there?"
    (`input_audio_buffer.timeout_triggered`); after the bot's reminders the call ends."""

    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")
        for _ in range(2):
            await conn.send(
                "input_audio_buffer.timeout_triggered",
                item_id=new_id("item"),
                audio_start_ms=0,
                audio_end_ms=15000,
            )
            await conn.reply("Are you still there?")
        await conn.send(
            "input_audio_buffer.timeout_triggered",
            item_id=new_id("item"),
            audio_start_ms=0,
            audio_end_ms=15000,
        )

    fake = await fake_upstream(script)
    bot = await make_bot(
        fake.base_url,
        greeting_mode="wait",
        idle_reminder_after_s=15,
        idle_reminder_max=2,
        idle_reminder_text="Are you still there?",
        idle_timeout_ms=15000,  # the service's own timeout (server VAD)
    )
    browser = await open_session(bot)
    ended = await browser.until("session.ended", within=5)
    assert ended["reason"] == "idle" and ended["status"] == "completed"
    conn = fake.connections[0]
    detection = conn.of_type("session.update")[0]["session"]["audio"]["input"]
    assert detection["turn_detection"]["idle_timeout_ms"] == 15000
    assert "response.create" not in conn.sent_types()  # the relay's own timer is off
    assert not fake.errors


async def test_input_transcription_usage_is_billed_with_the_next_reply(
    fake_upstream, open_session
):
    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")
        await conn.user_turn("item_u1")
        await conn.send(
            "conversation.item.input_audio_transcription.completed",
            item_id="item_u1",
            content_index=0,
            transcript="Hello there.",
            usage=TRANSCRIPTION_USAGE,
        )
        await conn.reply("Hi!")

    fake = await fake_upstream(script)
    bot = await make_bot(fake.base_url, greeting_mode="wait")
    browser = await open_session(bot)
    usage = await browser.until("usage")
    await browser.close()
    assert not fake.errors
    assert usage["tokens"]["transcription_ms"] == 800
    kinds = [line["key"] for line in usage["lines"]]
    assert any(k.startswith("transcription") for k in kinds), kinds
