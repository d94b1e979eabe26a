"""The echo upstream used by the relay benchmark and the multi-worker tests."""

import asyncio
import base64
import json
import time

import pytest
from websockets.asyncio.client import connect

from bench.echo_upstream import (
    FRAME_BYTES,
    audio_of_append,
    frame_tag,
    serve_echo,
    server_port,
    stamp_audio,
    tag_frame,
)
from tests.protocol_oracle import check_client_event, check_server_event

RECEIVE_TIMEOUT_S = 3


@pytest.fixture
async def echo_url():
    server = await serve_echo()
    yield f"ws://127.0.0.1:{server_port(server)}/v1/realtime?model=gpt-realtime-mini"
    server.close()
    await server.wait_closed()


async def receive(websocket) -> dict:
    """The next server event; it must be one the official SDK's types accept."""
    event = json.loads(await asyncio.wait_for(websocket.recv(), RECEIVE_TIMEOUT_S))
    check_server_event(event)
    return event


async def send(websocket, event: dict) -> None:
    """Send a client event the official SDK's types accept."""
    check_client_event(event)
    await websocket.send(json.dumps(event))


def test_frame_tags_round_trip_in_the_first_bytes():
    frame = tag_frame(7, 123456, bytes(range(256)) * 4)
    assert frame_tag(frame) == (7, 123456, 0)
    assert frame[16:] == (bytes(range(256)) * 4)[16:]


def test_stamp_audio_writes_the_receive_time_and_keeps_everything_else():
    frame = tag_frame(3, 9, bytes(range(240)) * 4)
    stamped = base64.b64decode(stamp_audio(base64.b64encode(frame).decode(), 2**40 + 5))
    assert frame_tag(stamped) == (3, 9, 2**40 + 5)
    assert stamped[16:] == frame[16:]
    assert len(stamped) == len(frame)


def test_stamp_audio_stamps_every_frame_of_a_coalesced_append():
    frames = [tag_frame(3, seq, bytes(range(240)) * 4) for seq in (4, 5, 6)]
    audio = b"".join(frames)
    stamped = base64.b64decode(stamp_audio(base64.b64encode(audio).decode(), 77))
    assert len(stamped) == len(audio)
    for k, seq in enumerate((4, 5, 6)):
        piece = stamped[k * 960 : (k + 1) * 960]
        assert frame_tag(piece) == (3, seq, 77)
        assert piece[16:] == frames[k][16:]


def test_a_caller_times_each_frame_of_a_coalesced_delta():
    from bench.loadgen import Caller

    caller = Caller(3, 200)
    caller.sent_ns[60], caller.sent_ns[61] = 1_000, 2_000
    audio = tag_frame(3, 60, bytes(960)) + tag_frame(3, 61, bytes(960))
    caller.on_audio(audio, 10_000)
    assert caller.timings.received == 2
    assert caller.timings.rtt_ns == [9_000, 8_000]


@pytest.mark.parametrize("separators", [(",", ":"), (", ", ": ")])
def test_audio_of_append_finds_the_audio_whatever_the_key_order(separators):
    audio = base64.b64encode(b"\x01\x02" * 480).decode()
    event = {"audio": audio, "event_id": "e1", "type": "input_audio_buffer.append"}
    assert audio_of_append(json.dumps(event, separators=separators)) == audio


def test_audio_of_append_ignores_other_events():
    text = json.dumps({"type": "session.update", "session": {"instructions": "audio"}})
    assert audio_of_append(text) is None


async def test_echo_answers_the_session_handshake(echo_url):
    async with connect(echo_url) as websocket:
        assert (await receive(websocket))["type"] == "session.created"
        update = {"type": "realtime", "instructions": "Be brief."}
        await send(websocket, {"type": "session.update", "session": update})
        updated = await receive(websocket)
        assert updated["type"] == "session.updated"
        assert updated["session"]["instructions"] == "Be brief."


async def test_echo_returns_each_appended_frame_as_output_audio(echo_url):
    async with connect(echo_url) as websocket:
        await receive(websocket)  # session.created
        frames = [tag_frame(1, seq, bytes(FRAME_BYTES)) for seq in range(3)]
        for frame in frames:
            audio = base64.b64encode(frame).decode()
            await send(websocket, {"type": "input_audio_buffer.append", "audio": audio})
        opening = [(await receive(websocket))["type"] for _ in range(3)]
        assert opening == [
            "response.created",
            "response.output_item.added",
            "response.content_part.added",
        ]
        for seq in range(3):
            delta = await receive(websocket)
            assert delta["type"] == "response.output_audio.delta"
            client_id, echoed_seq, received_ns = frame_tag(
                base64.b64decode(delta["delta"])
            )
            assert (client_id, echoed_seq) == (1, seq)
            assert 0 < received_ns <= time.monotonic_ns()


async def test_echo_answers_a_text_item_with_a_transcript_and_usage(echo_url):
    async with connect(echo_url) as websocket:
        await receive(websocket)  # session.created
        item = {
            "type": "message",
            "role": "user",
            "content": [{"type": "input_text", "text": "Where is my order?"}],
        }
        await send(websocket, {"type": "conversation.item.create", "item": item})
        await send(websocket, {"type": "response.create"})
        events = []
        while not events or events[-1]["type"] != "response.done":
            events.append(await receive(websocket))
        by_type = {event["type"]: event for event in events}
        done = by_type["response.output_audio_transcript.done"]
        assert done["transcript"] == "You said: Where is my order?"
        assert by_type["response.done"]["response"]["usage"]["output_tokens"] > 0
        assert "response.output_audio.delta" in by_type
