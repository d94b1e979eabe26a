"""The engine as a gpt-realtime-2 family model: a preamble item before tool calls, and two
function calls in one response when parallel tool calls are on."""

import contextlib

import pytest
from websockets.asyncio.client import connect

from realtime.engine.calls import PREAMBLE
from tests.realtime.engine.conftest import ORDER_TOOL, Client

CALLBACK_TOOL = {
    "type": "function",
    "name": "book_callback",
    "description": "Book a callback from a colleague to the phone number the caller gives.",
    "parameters": {
        "type": "object",
        "properties": {
            "phone_number": {
                "type": "string",
                "description": "The caller's phone number, digits only.",
            }
        },
        "required": ["phone_number"],
    },
}
TWO_REQUESTS = "where is my order 12345 and please book a callback to 5551234"


@contextlib.asynccontextmanager
async def session_on(engine, model: str, **session):
    async with connect(f"{engine.url}?model={model}") as ws:
        client = Client(ws)
        await client.until("session.created")
        await client.update(model=model, tools=[ORDER_TOOL, CALLBACK_TOOL], **session)
        yield client


async def response_to(client: Client, text: str) -> dict:
    await client.say_user_text(text)
    await client.send("response.create")
    return (await client.until("response.done"))["response"]


def kinds(response: dict) -> list[tuple]:
    return [
        (i["type"], i.get("name") or "", i.get("arguments") or "")
        for i in response["output"]
    ]


async def test_a_reasoning_model_speaks_a_preamble_before_its_tool_call(
    engine_for_protocol_tests,
):
    async with session_on(engine_for_protocol_tests, "gpt-realtime-2.1-mini") as client:
        response = await response_to(client, "where is my order 12345")
    assert kinds(response) == [
        ("message", "", ""),
        ("function_call", "get_order_status", '{"order_number": "12345"}'),
    ]
    preamble = response["output"][0]
    assert preamble["content"][0]["transcript"] == PREAMBLE
    types = client.types()
    # the preamble item is complete (its audio streamed) before the call item starts
    first_call = types.index("response.function_call_arguments.delta")
    assert types.index("response.output_audio.done") < first_call


async def test_parallel_tool_calls_put_two_calls_in_one_response(
    engine_for_protocol_tests,
):
    async with session_on(
        engine_for_protocol_tests, "gpt-realtime-2.1", parallel_tool_calls=True
    ) as client:
        response = await response_to(client, TWO_REQUESTS)
    assert kinds(response) == [
        ("message", "", ""),
        ("function_call", "get_order_status", '{"order_number": "12345"}'),
        ("function_call", "book_callback", '{"phone_number": "5551234"}'),
    ]
    assert [i["output_index"] for i in client.events if i["type"] == "response.output_item.added"][-3:] == [0, 1, 2]  # fmt: skip


@pytest.mark.parametrize(
    ("model", "session"),
    [
        ("gpt-realtime-mini", {}),  # not a reasoning model: no preamble, one call
        ("gpt-realtime-2.1-mini", {"parallel_tool_calls": False}),
    ],
)
async def test_without_parallel_calls_one_call_and_only_2x_models_preamble(
    engine_for_protocol_tests, model, session
):
    async with session_on(engine_for_protocol_tests, model, **session) as client:
        response = await response_to(client, TWO_REQUESTS)
    calls = [k for k in kinds(response) if k[0] == "function_call"]
    assert len(calls) == 1
    has_preamble = kinds(response)[0][0] == "message"
    assert has_preamble is (model != "gpt-realtime-mini")
