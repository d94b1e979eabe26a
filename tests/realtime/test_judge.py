"""The judge: forced tool call over a replayed transcript, schema check, one retry."""

import json
from typing import Any

import pytest
from openai.types.realtime import RealtimeClientEvent
from pydantic import BaseModel, TypeAdapter

from realtime.judge import JudgeTransportError, client_events, judge
from realtime.providers import UpstreamTarget
from tests.realtime.fake_upstream import FakeUpstream, new_id

SCHEMA = {
    "type": "object",
    "properties": {
        "urgency": {
            "type": "string",
            "enum": ["urgent", "routine"],
            "description": "urgent: chest pain, bleeding; routine: check-up, refill",
        },
        "callback": {"type": "boolean", "examples": ["call me back"]},
        "summary": {"type": "string"},
    },
    "required": ["urgency", "callback", "summary"],
    "additionalProperties": False,
}
TRANSCRIPT = [
    {"role": "assistant", "text": "Clinic line, how can I help?"},
    {"role": "user", "text": "I have had chest pain since this morning."},
    {"role": "assistant", "text": "Please call 911 now."},
    {"role": "user", "text": "Okay. Can you call me back later too?"},
]


def _no_extras(model: Any, path: str = "") -> list[str]:
    """Fields the openai types do not know (they allow extras; we must not send any)."""
    found = []
    if isinstance(model, BaseModel):
        found += [f"{path}.{k}" for k in (model.model_extra or {})]
        for name in type(model).model_fields:
            found += _no_extras(getattr(model, name), f"{path}.{name}")
    elif isinstance(model, list):
        for i, value in enumerate(model):
            found += _no_extras(value, f"{path}[{i}]")
    return found


def test_client_events_match_the_openai_types():
    events = client_events(
        transcript=TRANSCRIPT + [{"role": "system", "text": "Tool lookup: ok"}],
        instructions="Analyse the call.",
        tool_name="record",
        schema=SCHEMA,
    )
    adapter = TypeAdapter(RealtimeClientEvent)
    for event in events:
        parsed = adapter.validate_python(event)
        assert _no_extras(parsed) == [], event
    assert events[0]["session"]["output_modalities"] == ["text"]
    assert [e["item"]["content"][0]["type"] for e in events[1:-1]] == [
        "output_text",
        "input_text",
        "output_text",
        "input_text",
        "input_text",
    ]
    assert events[-1]["response"]["tool_choice"] == {
        "type": "function",
        "name": "record",
    }


async def test_offline_engine_answers_the_forced_call(offline_engine):
    target = UpstreamTarget(f"{offline_engine.url}?model=gpt-realtime-mini")
    result = await judge(
        target,
        transcript=TRANSCRIPT,
        instructions="Analyse the call.",
        tool_name="record",
        schema=SCHEMA,
    )
    assert result.ok, result.error
    assert result.attempts == 1
    assert result.arguments["urgency"] == "urgent"
    assert result.arguments["callback"] is True
    assert "chest pain" in result.arguments["summary"]
    assert "911" in result.arguments["summary"]
    assert result.usage[0]["input_tokens"] > 0


def _call_script(*answers: str):
    """A server that answers each response.create with the next arguments string."""

    async def script(conn):
        await conn.session_created()
        for arguments in answers:
            await conn.expect("response.create")
            response_id = new_id("resp")
            await conn.response_start(response_id)
            item = await conn.function_call(response_id, "record", arguments)
            await conn.response_done(response_id, output=[item])

    return script


VALID = json.dumps({"urgency": "routine", "callback": False, "summary": "ok"})


async def test_invalid_answer_gets_one_corrective_retry():
    invalid = json.dumps({"urgency": "soon", "callback": False, "summary": "ok"})
    server = await FakeUpstream(_call_script(invalid, VALID)).start()
    try:
        result = await judge(
            UpstreamTarget(server.base_url + "/realtime"),
            transcript=TRANSCRIPT,
            instructions="x",
            tool_name="record",
            schema=SCHEMA,
        )
    finally:
        await server.stop()
    assert result.ok and result.attempts == 2
    assert result.arguments["urgency"] == "routine"
    conn = server.connections[0]
    correction = [
        e["item"]
        for e in conn.of_type("conversation.item.create")
        if e["item"]["type"] == "function_call_output"
    ]
    assert len(correction) == 1 and "soon" in correction[0]["output"]
    assert len(conn.of_type("response.create")) == 2


async def test_two_invalid_answers_fail_with_the_reason():
    server = await FakeUpstream(
        _call_script("{not json", '{"urgency": "urgent"}')
    ).start()
    try:
        result = await judge(
            UpstreamTarget(server.base_url + "/realtime"),
            transcript=TRANSCRIPT,
            instructions="x",
            tool_name="record",
            schema=SCHEMA,
        )
    finally:
        await server.stop()
    assert not result.ok and result.attempts == 2
    assert "'callback' is a required property" in result.error
    assert result.arguments is None


async def test_unreachable_server_is_a_transport_error():
    server = await FakeUpstream().start()
    url = server.base_url + "/realtime"
    await server.stop()
    with pytest.raises(JudgeTransportError):
        await judge(
            UpstreamTarget(url),
            transcript=TRANSCRIPT,
            instructions="x",
            tool_name="record",
            schema=SCHEMA,
            timeout_s=3,
        )


async def test_no_answer_in_time_is_a_transport_error():
    async def silent(conn):
        await conn.session_created()

    server = await FakeUpstream(silent).start()
    try:
        with pytest.raises(JudgeTransportError, match="did not answer"):
            await judge(
                UpstreamTarget(server.base_url + "/realtime"),
                transcript=TRANSCRIPT,
                instructions="x",
                tool_name="record",
                schema=SCHEMA,
                timeout_s=0.5,
            )
    finally:
        await server.stop()
