"""The engine speaks the Realtime GA protocol over a real socket (lifecycle, errors, turns)."""

import asyncio
import base64
import json

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.realtime.engine.conftest import Client, session_config


async def test_session_created_then_update_returns_effective_config(client):
    created = client.events[0]
    assert created["session"]["model"] == "gpt-realtime-mini"
    assert "id" not in created["session"]  # not a field of the SDK's session object
    updated = await client.update(instructions="Be brief.")
    session = updated["session"]
    assert session["instructions"] == "Be brief."
    assert session["audio"]["input"]["turn_detection"]["silence_duration_ms"] == 400
    assert session["audio"]["output"]["voice"] == "marin"
    assert updated["event_id"].startswith("event_")


async def test_beta_shaped_session_update_gets_unknown_parameter_error(client):
    await client.send_invalid(
        "session.update",
        event_id="evt_1",
        session={"type": "realtime", "input_audio_format": "pcm16"},
    )
    error = (await client.until("error"))["error"]
    assert error["type"] == "invalid_request_error"
    assert error["code"] == "unknown_parameter"
    assert error["param"] == "session.input_audio_format"
    assert error["event_id"] == "evt_1"


async def test_session_update_without_type_is_rejected(client):
    await client.send_invalid("session.update", session={"instructions": "hi"})
    error = (await client.until("error"))["error"]
    assert (error["code"], error["param"]) == (
        "missing_required_parameter",
        "session.type",
    )


async def test_string_audio_format_is_an_invalid_type(client):
    await client.send_invalid(
        "session.update",
        session={"type": "realtime", "audio": {"input": {"format": "pcm16"}}},
    )
    error = (await client.until("error"))["error"]
    assert (error["code"], error["param"]) == (
        "invalid_type",
        "session.audio.input.format",
    )


async def test_malformed_events_get_errors_and_the_session_continues(client):
    await client.ws.send("{not json")
    assert (await client.until("error"))["error"]["code"] == "invalid_json"
    await client.ws.send(json.dumps({"no_type": 1}))
    assert (await client.until("error"))["error"]["param"] == "type"
    await client.send_invalid("session.fly")
    assert (await client.until("error"))["error"]["code"] == "invalid_value"
    await client.send("input_audio_buffer.append", audio="***not base64***")
    assert (await client.until("error"))["error"]["param"] == "audio"
    await client.send_invalid("conversation.item.create", item={"type": "banana"})
    assert (await client.until("error"))["error"]["param"] == "item.type"
    updated = await client.update()
    assert updated["type"] == "session.updated"


async def test_manual_commit_needs_100_ms_of_audio(client):
    await client.update(audio={"input": {"turn_detection": None}})
    await client.append_audio(b"\x00\x00" * 1200)  # 50 ms
    await client.send("input_audio_buffer.commit")
    error = (await client.until("error"))["error"]
    assert error["code"] == "input_audio_buffer_commit_empty"
    await client.send("input_audio_buffer.clear")
    await client.until("input_audio_buffer.cleared")


async def test_second_response_while_one_is_active_is_an_error(client):
    await client.update()
    await client.send(
        "response.create",
        response={
            "instructions": "Say exactly this to the caller, word for word: "
            "This is a long sentence that takes a few seconds to say."
        },
    )
    await client.send("response.create")
    error = (await client.until("error"))["error"]
    assert error["code"] == "conversation_already_has_active_response"
    done = await client.until("response.done")
    assert done["response"]["status"] == "completed"
    assert client.types().count("response.created") == 1


async def test_response_cancel_ends_with_status_cancelled(client):
    await client.update()
    await client.send(
        "response.create",
        response={
            "instructions": "Say exactly this to the caller, word for word: "
            + "Please hold. " * 40
        },
    )
    await client.until("response.output_audio.delta")
    await client.send("response.cancel")
    done = await client.until("response.done")
    assert done["response"]["status"] == "cancelled"
    assert done["response"]["status_details"]["reason"] == "client_cancelled"
    assert "response.output_audio.done" in client.types()
    await client.send("response.cancel")
    assert (await client.until("error"))["error"][
        "code"
    ] == "response_cancel_not_active"


async def test_truncate_shortens_assistant_audio_and_rejects_overlong_end(client):
    await client.update()
    await client.send(
        "response.create",
        response={
            "instructions": "Say exactly this to the caller, word for word: One two three four."
        },
    )
    done = await client.until("response.done")
    item = done["response"]["output"][0]
    audio_ms = done["response"]["usage"]["output_token_details"]["audio_tokens"] * 50
    await client.send(
        "conversation.item.truncate",
        item_id=item["id"],
        content_index=0,
        audio_end_ms=audio_ms + 5000,
    )
    error = (await client.until("error"))["error"]
    assert "already shorter than" in error["message"]
    await client.send(
        "conversation.item.truncate",
        item_id=item["id"],
        content_index=0,
        audio_end_ms=300,
    )
    truncated = await client.until("conversation.item.truncated")
    assert (truncated["item_id"], truncated["audio_end_ms"]) == (item["id"], 300)


async def test_truncating_a_user_item_is_rejected(client):
    await client.update()
    await client.say_user_text("hello")
    user_item = client.events[-1]["item"]
    await client.send(
        "conversation.item.truncate",
        item_id=user_item["id"],
        content_index=0,
        audio_end_ms=10,
    )
    assert (await client.until("error"))["error"]["param"] == "item_id"


async def test_session_expiry_sends_session_expired_and_closes_1001(
    offline_engine_factory,
):
    engine = offline_engine_factory(max_session_s=0.5)
    async with connect(engine.url + "?model=gpt-realtime-mini") as ws:
        client = Client(ws)
        await client.until("session.created")
        error = (await client.until("error"))["error"]
        assert error["code"] == "session_expired"
        assert "maximum duration" in error["message"]
        try:
            await asyncio.wait_for(ws.recv(), 5)
        except ConnectionClosed:
            pass
        assert ws.close_code == 1001


async def test_unknown_path_is_refused(offline_engine):
    try:
        async with connect(f"ws://127.0.0.1:{offline_engine.port}/elsewhere"):
            raise AssertionError("connected to a wrong path")
    except Exception as exc:  # websockets raises InvalidStatus for the 404
        assert "404" in str(exc)


async def test_audio_append_is_accepted_silently_without_vad_events(client):
    await client.update(audio={"input": {"turn_detection": None}})
    silence = base64.b64encode(b"\x00\x00" * 4800).decode()
    await client.send("input_audio_buffer.append", audio=silence)
    await client.send("input_audio_buffer.commit")
    committed = await client.until("input_audio_buffer.committed")
    assert committed["item_id"].startswith("item_")
    assert "input_audio_buffer.speech_started" not in client.types()
    assert session_config()["type"] == "realtime"


async def test_unknown_item_ids_get_item_not_found(client):
    await client.update()
    for type_, fields, param in (
        ("conversation.item.retrieve", {"item_id": "item_nope"}, "item_id"),
        ("conversation.item.delete", {"item_id": "item_nope"}, "item_id"),
        (
            "conversation.item.create",
            {
                "previous_item_id": "item_nope",
                "item": {
                    "type": "message",
                    "role": "user",
                    "content": [{"type": "input_text", "text": "hi"}],
                },
            },
            "previous_item_id",
        ),
    ):
        await client.send(type_, **fields)
        error = (await client.until("error"))["error"]
        assert (error["code"], error["param"]) == ("item_not_found", param), type_
        assert error["message"] == "Item with id 'item_nope' not found."
