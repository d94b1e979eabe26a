"""Tool calls through the relay: run on the server, outputs first, then one response."""

import asyncio
import json

import pytest

from botbuilder.tools import ToolOutcome
from realtime.protocol import EXACT_LINE_PREFIX
from tests.realtime.conftest import get_items, get_session, make_bot
from tests.realtime.fake_upstream import new_id

pytestmark = pytest.mark.django_db(transaction=True)

SNIPPETS = [
    {
        "title": "Return policy",
        "mode": "retrieved",
        "content": "Items can be returned within 30 days with the receipt.",
    },
    {
        "title": "Shipping",
        "mode": "retrieved",
        "content": "We ship to twenty countries; delivery takes three days.",
    },
]
END_SESSION_TOOL = {
    "name": "end_session",
    "kind": "builtin",
    "builtin": "end_session",
    "description": "End the call.",
    "parameters": {
        "type": "object",
        "properties": {"closing_line": {"type": "string"}},
    },
}


async def test_two_tool_calls_in_one_response(fake_upstream, open_session):
    async def script(conn):
        await conn.session_created()
        update = await conn.expect("session.update")
        names = {t["name"] for t in update["session"]["tools"]}
        assert names == {"search_knowledge", "get_order_status"}
        await conn.expect("response.create")  # for the typed message
        response_id = new_id("resp")
        await conn.response_start(response_id)
        search = await conn.function_call(
            response_id, "search_knowledge", '{"query": "can I return an item"}', 0
        )
        order = await conn.function_call(
            response_id, "get_order_status", '{"order_number": "A42"}', 1
        )
        await asyncio.sleep(0.1)  # the tools have finished by now ...
        assert conn.of_type("conversation.item.create")[1:] == []  # ... but must wait
        await conn.response_done(response_id, output=[search, order])
        out1 = await conn.expect("conversation.item.create")
        out2 = await conn.expect("conversation.item.create")
        await conn.expect("response.create")
        await conn.reply(
            "You can return items within 30 days. Order A42 ships tomorrow."
        )
        conn.outputs = [out1["item"], out2["item"]]
        conn.calls = [search["call_id"], order["call_id"]]

    fake = await fake_upstream(script)
    bot = await make_bot(
        fake.base_url, greeting_mode="wait", snippets=SNIPPETS, tools=[{}]
    )  # create_tool's default: static get_order_status
    browser = await open_session(bot)
    session_id = browser.events[0]["session_id"]
    await browser.send(
        type="text", text="Can I return an item? And where is order A42?"
    )
    await browser.until("transcript.done", role="assistant")
    await browser.close()
    assert not fake.errors
    conn = fake.connections[0]
    assert [o["call_id"] for o in conn.outputs] == conn.calls
    search_output = json.loads(conn.outputs[0]["output"])
    assert search_output["results"][0]["title"] == "Return policy"
    assert conn.outputs[1]["output"] == "Order A42 ships tomorrow."
    assert (
        conn.sent_types().count("response.create") == 2
    )  # the question + ONE after tools
    calls = browser.of_type("tool.call")
    assert [c["name"] for c in calls] == ["search_knowledge", "get_order_status"]
    assert calls[1]["arguments"] == {"order_number": "A42"}
    results = browser.of_type("tool.result")
    assert {r["status"] for r in results} == {"ok"}
    rows = await get_items(session_id)
    assert [(r["role"], r["tool_name"]) for r in rows] == [
        ("user", ""),
        ("tool", "search_knowledge"),
        ("tool", "get_order_status"),
        ("assistant", ""),
    ]
    order_row = rows[2]
    assert order_row["kind"] == "function_call" and order_row["tool_status"] == "ok"
    assert order_row["tool_arguments"] == {"order_number": "A42"}
    assert order_row["tool_result"] == "Order A42 ships tomorrow."
    assert order_row["tool_call_id"] == conn.calls[1]
    assert order_row["tool_duration_ms"] is not None


async def test_invalid_tool_arguments_reach_the_model_as_an_error(
    fake_upstream, open_session
):
    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")
        await conn.expect("response.create")
        response_id = new_id("resp")
        await conn.response_start(response_id)
        call = await conn.function_call(
            response_id, "get_order_status", "{order: A42", 0
        )
        unknown = await conn.function_call(response_id, "launch_rocket", "{}", 1)
        await conn.response_done(response_id, output=[call, unknown])
        conn.outputs = [
            (await conn.expect("conversation.item.create"))["item"] for _ in range(2)
        ]
        await conn.expect("response.create")

    fake = await fake_upstream(script)
    bot = await make_bot(fake.base_url, greeting_mode="wait", tools=[{}])
    browser = await open_session(bot)
    await browser.send(type="text", text="Where is my order?")
    results = [
        await browser.until("tool.result", name=n)
        for n in ("get_order_status", "launch_rocket")
    ]
    assert [r["status"] for r in results] == ["invalid_arguments", "error"]
    call_event = browser.of_type("tool.call")[0]
    assert call_event["arguments"] == "{order: A42"  # raw when not JSON
    await browser.drain(0.2)
    await browser.close()
    assert not fake.errors
    assert "error" in json.loads(fake.connections[0].outputs[0]["output"])
    assert "launch_rocket" in fake.connections[0].outputs[1]["output"]


async def test_end_session_tool_speaks_the_closing_line_then_ends(
    fake_upstream, open_session
):
    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")
        await conn.expect("response.create")
        response_id = new_id("resp")
        await conn.response_start(response_id)
        call = await conn.function_call(
            response_id, "end_session", '{"closing_line": "Goodbye and thanks!"}'
        )
        await conn.response_done(response_id, output=[call])
        await conn.expect("conversation.item.create")
        closing = await conn.expect("response.create")
        assert (
            closing["response"]["instructions"]
            == EXACT_LINE_PREFIX + "Goodbye and thanks!"
        )
        await conn.reply("Goodbye and thanks!", audio_ms=100)

    fake = await fake_upstream(script)
    bot = await make_bot(fake.base_url, greeting_mode="wait", tools=[END_SESSION_TOOL])
    browser = await open_session(bot)
    session_id = browser.events[0]["session_id"]
    await browser.send(type="text", text="That's all, bye.")
    ended = await browser.until("session.ended")
    assert ended["reason"] == "end_session_tool" and ended["status"] == "completed"
    assert await browser.until_closed() == 1000
    assert browser.of_type("transcript.done")[-1]["text"] == "Goodbye and thanks!"
    await browser.close()
    session = await get_session(session_id)
    assert session.end_reason == "end_session_tool" and session.ended_at is not None
    rows = await get_items(session_id)
    assert [r["role"] for r in rows] == ["user", "tool", "assistant"]


async def test_slow_tool_says_its_line_while_working(
    fake_upstream, open_session, monkeypatch
):
    async def slow_run_tool(*, spec, arguments, context):
        await asyncio.sleep(0.3)
        return ToolOutcome(output="Order A42 ships tomorrow.", duration_ms=300)

    monkeypatch.setattr("realtime.session.toolcalls.run_tool", slow_run_tool)
    monkeypatch.setattr("realtime.session.toolcalls.SAY_WHILE_WORKING_AFTER_S", 0.05)

    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")
        await conn.expect("response.create")
        response_id = new_id("resp")
        await conn.response_start(response_id)
        call = await conn.function_call(
            response_id, "get_order_status", '{"order_number": "1"}'
        )
        await conn.response_done(response_id, output=[call])
        say = await conn.expect("response.create")
        assert say["response"] == {
            "conversation": "none",
            "instructions": EXACT_LINE_PREFIX + "One moment please.",
        }
        await conn.reply("One moment please.", audio_ms=100)
        await conn.expect("conversation.item.create")
        await conn.expect("response.create")
        await conn.reply("It ships tomorrow.")

    fake = await fake_upstream(script)
    bot = await make_bot(
        fake.base_url,
        greeting_mode="wait",
        tools=[{"say_while_working": "One moment please."}],
    )
    browser = await open_session(bot)
    await browser.send(type="text", text="Where is order 1?")
    await browser.until("transcript.done", role="assistant", text="It ships tomorrow.")
    await browser.close()
    assert not fake.errors


async def test_transfer_call_is_recorded_after_the_transfer_line(
    fake_upstream, open_session
):
    transfer_tool = {
        "name": "transfer_call",
        "kind": "builtin",
        "builtin": "transfer_call",
        "description": "Hand the caller to a human.",
        "parameters": {"type": "object", "properties": {"reason": {"type": "string"}}},
    }

    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")
        await conn.expect("response.create")
        response_id = new_id("resp")
        await conn.response_start(response_id)
        call = await conn.function_call(
            response_id, "transfer_call", '{"reason": "refund"}'
        )
        await conn.response_done(response_id, output=[call])
        await conn.expect("conversation.item.create")
        line = await conn.expect("response.create")
        conn.line = line["response"]["instructions"]
        await conn.reply(
            "I am transferring you to a colleague now. Please hold.", audio_ms=100
        )

    fake = await fake_upstream(script)
    bot = await make_bot(fake.base_url, greeting_mode="wait", tools=[transfer_tool])
    browser = await open_session(bot)
    await browser.send(type="text", text="I want a human.")
    ended = await browser.until("session.ended")
    assert ended["reason"] == "transferred"
    await browser.close()
    assert fake.connections[0].line == (
        EXACT_LINE_PREFIX + "I am transferring you to a colleague now. Please hold."
    )
    assert (await get_session(ended["session_id"])).end_reason == "transferred"
