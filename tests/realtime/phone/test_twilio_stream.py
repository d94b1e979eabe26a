"""Twilio Media Streams end to end: webhook → TwiML → stream → session core → REST."""

import asyncio
import io
import json
import wave
from xml.etree import ElementTree as ET

import numpy as np
import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.test import AsyncClient

from botbuilder.exports.services import session_export
from botbuilder.models import Session, TranscriptItem
from botbuilder.monitor.selectors import session_summary, sessions_active
from realtime.monitoring import watch_group
from tests.conftest import create_bot, create_snippet, create_voice
from tests.realtime.conftest import make_bot
from tests.realtime.fake_upstream import new_id
from tests.realtime.phone.conftest import (
    ACCOUNT_SID,
    CALLER,
    PUBLIC_BASE,
    TwilioPeer,
    make_twilio_number,
    sign,
    spoken_ulaw,
    voice_webhook_params,
)
from tests.realtime.test_relay_tools import END_SESSION_TOOL

pytestmark = pytest.mark.django_db(transaction=True)

OPENING_HOURS = "Our opening hours are Monday to Friday from nine in the morning to six in the evening."
VOICE_URL = PUBLIC_BASE + "/telephony/twilio/voice/"
ENGINE_WAIT_S = 30.0
TRANSFER_TOOL = {
    "name": "transfer_call",
    "kind": "builtin",
    "builtin": "transfer_call",
    "description": "Hand the caller to a human.",
    "parameters": {"type": "object", "properties": {"reason": {"type": "string"}}},
}


async def answer(params=None) -> tuple[str, str]:
    """POST the signed voice webhook; (stream path, token) from the TwiML answer."""
    params = params or voice_webhook_params()
    response = await AsyncClient().post(
        "/telephony/twilio/voice/",
        params,
        headers={"X-Twilio-Signature": sign(VOICE_URL, params)},
    )
    assert response.status_code == 200, response.content
    stream = ET.fromstring(response.content).find("./Connect/Stream")
    url = stream.get("url")
    assert url.startswith("wss://phone.example.test/telephony/twilio/stream/")
    assert "?" not in url
    token = stream.find("Parameter[@name='token']").get("value")
    return url.removeprefix("wss://phone.example.test"), token


async def open_stream(params=None) -> TwilioPeer:
    params = params or voice_webhook_params()
    path, token = await answer(params)
    peer = TwilioPeer(path, sign(f"wss://phone.example.test{path}", {}))
    connected, _ = await peer.connect()
    assert connected
    await peer.start(params["CallSid"], token)
    return peer


async def pump_until(peer: TwilioPeer, check, within: float, echo_marks=True):
    """Receive (echoing marks, as Twilio does once audio played) until `check()` holds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    echoed = 0
    while not await database_sync_to_async(check)():
        if loop.time() >= deadline:
            raise AssertionError(f"condition not met within {within}s: {peer.events()}")
        try:
            await peer.receive_one(0.1)
        except TimeoutError:
            pass
        if echo_marks:
            for mark in peer.of("mark")[echoed:]:
                await peer.echo_mark(mark["mark"]["name"])
            echoed = len(peer.of("mark"))


def _engine_bot(**fields):
    voice = create_voice(name="Klatt", offline_voice="en-us+klatt3")
    bot = create_bot(
        voice=voice,
        slug="phone-bot",
        greeting_mode="wait",
        instructions="You answer the Acme line. The caller's number is {{caller_number}}.",
        **fields,
    )
    create_snippet(bot, title="Opening hours", content=OPENING_HOURS)
    return bot


make_engine_bot = database_sync_to_async(_engine_bot)


def _items(role: str):
    return list(
        TranscriptItem.objects.filter(role=role)
        .order_by("seq")
        .values_list("text", flat=True)
    )


async def test_spoken_question_is_answered_with_ulaw_media_and_dtmf_reaches_the_model(
    engine_default, phone_settings, fake_twilio
):
    bot = await make_engine_bot(record_audio=True)
    await make_twilio_number(bot)
    peer = await open_stream()
    await peer.speak(spoken_ulaw("what are your opening hours"))
    await pump_until(
        peer,
        # the stored answer, and more than a second of it (μ-law 8 kHz) played to Twilio
        lambda: OPENING_HOURS in _items("assistant") and len(peer.audio) > 8000,
        ENGINE_WAIT_S,
    )
    assert peer.of("media")[0]["streamSid"] == peer.stream_sid
    assert all(m["event"] in ("media", "mark") for m in peer.messages)
    await peer.send(event="dtmf", streamSid=peer.stream_sid, dtmf={"digit": "5"})
    await pump_until(
        peer,
        lambda: "[The caller pressed 5 on the keypad]" in _items("user"),
        ENGINE_WAIT_S,
    )
    live = await database_sync_to_async(
        lambda: [session_summary(session=s) for s in sessions_active()]
    )()
    assert [(row["bot"], row["who"]) for row in live] == [(bot.name, CALLER)]
    await peer.send(event="stop", stop={"accountSid": ACCOUNT_SID, "callSid": "x"})
    await peer.until_closed()
    await peer.comm.wait()
    session = await database_sync_to_async(Session.objects.get)()
    assert session.channel == "phone" and session.caller == CALLER
    assert session.provider_call_id == voice_webhook_params()["CallSid"]
    assert session.variables["caller_number"] == CALLER
    assert CALLER in session.config_snapshot["session"]["instructions"]
    assert session.config_snapshot["session"]["audio"]["input"]["format"] == {
        "type": "audio/pcmu"
    }
    assert session.status == "completed" and session.end_reason == "client_closed"
    assert fake_twilio.requests == []  # the caller hung up: nothing to end
    with session.recording.open("rb") as f, wave.open(io.BytesIO(f.read())) as wav:
        assert (wav.getnchannels(), wav.getframerate()) == (2, 24000)
        stereo = np.frombuffer(wav.readframes(wav.getnframes()), "<i2").reshape(-1, 2)
    assert np.abs(stereo[:, 0]).max() > 1000 and np.abs(stereo[:, 1]).max() > 1000
    exported = await database_sync_to_async(
        lambda: b"".join(session_export(session=session, fmt="json", redact=True))
    )()
    assert CALLER.encode() not in exported and b"[PHONE]" in exported
    plain = await database_sync_to_async(
        lambda: b"".join(session_export(session=session, fmt="json"))
    )()
    # (The text formats show what was heard: the caller hung up while it still played.)
    assert CALLER.encode() in plain and OPENING_HOURS.encode() in plain
    exported_call = json.loads(plain)
    assert exported_call["provider_call_id"] == session.provider_call_id
    assert exported_call["engine"] == "offline rehearsal engine"


async def test_barge_in_sends_clear_and_truncates_at_the_echoed_mark(
    fake_upstream, phone_settings
):
    reply = "Our shop opens at nine and closes at five on weekdays and at noon."

    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")
        await conn.expect("response.create")
        conn.item_id = (await conn.reply(reply, audio_ms=2000, chunks=4))[1]
        await conn.expect("input_audio_buffer.append")
        await conn.send(
            "input_audio_buffer.speech_started", item_id="item_u", audio_start_ms=0
        )
        conn.truncate = await conn.expect("conversation.item.truncate")

    fake = await fake_upstream(script)
    bot = await make_bot(fake.base_url, greeting=reply)
    await make_twilio_number(bot)
    peer = await open_stream()
    first_mark = await peer.until("mark")
    await peer.echo_mark(first_mark["mark"]["name"])  # only the first chunk played
    await peer.speak(b"\xff" * 160)
    clear = await peer.until("clear")
    assert clear == {"event": "clear", "streamSid": peer.stream_sid}
    for _ in range(50):
        if hasattr(fake.connections[0], "truncate"):
            break
        await asyncio.sleep(0.05)
    played_ms = int(first_mark["mark"]["name"].rsplit(":", 1)[1])
    assert played_ms > 0
    assert fake.connections[0].truncate == {
        "type": "conversation.item.truncate",
        "item_id": fake.connections[0].item_id,
        "content_index": 0,
        "audio_end_ms": played_ms,
    }
    await peer.send(event="stop", stop={})
    await peer.until_closed()


async def _tool_call_by_keypad(fake_upstream, tool_name, arguments, line):
    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")
        pressed = await conn.expect("conversation.item.create")
        conn.pressed = pressed["item"]["content"][0]["text"]
        await conn.expect("response.create")
        response_id = new_id("resp")
        await conn.response_start(response_id)
        call = await conn.function_call(response_id, tool_name, arguments)
        await conn.response_done(response_id, output=[call])
        await conn.expect("conversation.item.create")
        await conn.expect("response.create")
        await conn.reply(line, audio_ms=100)

    return await fake_upstream(script)


async def test_end_session_hangs_up_through_the_rest_api(
    fake_upstream, phone_settings, fake_twilio
):
    fake = await _tool_call_by_keypad(
        fake_upstream, "end_session", '{"closing_line": "Goodbye!"}', "Goodbye!"
    )
    bot = await make_bot(fake.base_url, greeting_mode="wait", tools=[END_SESSION_TOOL])
    await make_twilio_number(bot)
    peer = await open_stream()
    await pump_until(peer, lambda: Session.objects.exists(), 10)
    session = await database_sync_to_async(Session.objects.get)()
    layer = get_channel_layer()
    watcher = await layer.new_channel()
    await layer.group_add(watch_group(session.group_name), watcher)
    await peer.send(event="dtmf", streamSid=peer.stream_sid, dtmf={"digit": "0"})
    await pump_until(peer, lambda: bool(fake_twilio.requests), 10)
    watched = []
    while "session.ended" not in watched:
        watched.append(
            (await asyncio.wait_for(layer.receive(watcher), 5))["event"]["type"]
        )
    assert "transcript.done" in watched and "tool.result" in watched
    assert fake.connections[0].pressed == "[The caller pressed 0 on the keypad]"
    call_sid = voice_webhook_params()["CallSid"]
    assert fake_twilio.requests == [
        {
            "path": f"/2010-04-01/Accounts/{ACCOUNT_SID}/Calls/{call_sid}.json",
            "auth": f"{ACCOUNT_SID}:test-auth-token-1234",
            "form": {"Status": "completed"},
        }
    ]
    await peer.until_closed()
    session = await database_sync_to_async(Session.objects.get)()
    assert session.end_reason == "end_session_tool" and session.status == "completed"


async def test_transfer_redirects_the_call_to_dial_the_transfer_number(
    fake_upstream, phone_settings, fake_twilio
):
    line = "I am transferring you to a colleague now. Please hold."
    fake = await _tool_call_by_keypad(
        fake_upstream, "transfer_call", '{"reason": "refund"}', line
    )
    bot = await make_bot(
        fake.base_url,
        greeting_mode="wait",
        tools=[TRANSFER_TOOL],
        transfer_number="+14155550999",
    )
    await make_twilio_number(bot)
    peer = await open_stream()
    await peer.send(event="dtmf", streamSid=peer.stream_sid, dtmf={"digit": "9"})
    await pump_until(peer, lambda: bool(fake_twilio.requests), 10)
    (request,) = fake_twilio.requests
    twiml = ET.fromstring(request["form"]["Twiml"])
    assert twiml.find("Dial").text == "+14155550999"
    await peer.until_closed()
    session = await database_sync_to_async(Session.objects.get)()
    assert session.end_reason == "transferred"


async def test_a_call_twilio_already_ended_counts_as_hung_up(
    fake_upstream, phone_settings, fake_twilio
):
    fake_twilio.already_ended = True
    fake = await _tool_call_by_keypad(
        fake_upstream, "end_session", '{"closing_line": "Bye."}', "Bye."
    )
    bot = await make_bot(fake.base_url, greeting_mode="wait", tools=[END_SESSION_TOOL])
    await make_twilio_number(bot)
    peer = await open_stream()
    await peer.send(event="dtmf", streamSid=peer.stream_sid, dtmf={"digit": "1"})
    await pump_until(peer, lambda: bool(fake_twilio.requests), 10)
    await peer.until_closed()
    session = await database_sync_to_async(Session.objects.get)()
    assert session.status == "completed" and session.end_reason == "end_session_tool"


async def test_keypad_digits_reach_tools_as_variables(fake_upstream, phone_settings):
    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")
        for _ in range(2):  # one user message and one reply request per key
            await conn.expect("conversation.item.create")
            await conn.expect("response.create")
            if _ == 0:
                await conn.reply("Next digit, please.", audio_ms=50)
        response_id = new_id("resp")
        await conn.response_start(response_id)
        call = await conn.function_call(response_id, "read_account", "{}")
        await conn.response_done(response_id, output=[call])
        conn.output = (await conn.expect("conversation.item.create"))["item"]
        await conn.expect("response.create")
        await conn.reply("Thanks.", audio_ms=50)

    fake = await fake_upstream(script)
    bot = await make_bot(
        fake.base_url,
        greeting_mode="wait",
        tools=[
            {
                "name": "read_account",
                "description": "Read the account number the caller typed.",
                "parameters": {"type": "object", "properties": {}},
                "static_response": "Account {{dtmf_digits}}, last key {{dtmf_last}}.",
            }
        ],
    )
    await make_twilio_number(bot)
    peer = await open_stream()
    for digit in "42":
        await peer.send(event="dtmf", streamSid=peer.stream_sid, dtmf={"digit": digit})
    conn_ready = lambda: bool(  # noqa: E731
        fake.connections and hasattr(fake.connections[0], "output")
    )
    await pump_until(peer, conn_ready, 10)
    assert fake.connections[0].output["output"] == "Account 42, last key 2."
    await peer.send(event="stop", stop={})
    await peer.until_closed()


async def test_staff_ending_the_call_hangs_up_through_twilio(
    fake_upstream, phone_settings, fake_twilio
):
    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")

    fake = await fake_upstream(script)
    bot = await make_bot(fake.base_url, greeting_mode="wait")
    await make_twilio_number(bot)
    peer = await open_stream()
    await pump_until(peer, lambda: Session.objects.exists(), 10)
    session = await database_sync_to_async(Session.objects.get)()
    await get_channel_layer().group_send(
        session.group_name, {"type": "session.end", "reason": "admin"}
    )
    await pump_until(peer, lambda: bool(fake_twilio.requests), 10)
    assert fake_twilio.requests[0]["form"] == {"Status": "completed"}
    await peer.until_closed()
    session = await database_sync_to_async(Session.objects.get)()
    assert session.end_reason == "admin" and session.status == "completed"
