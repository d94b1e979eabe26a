"""The session runner without Channels or a database: any transport, any audio format."""

import asyncio
import base64

from realtime.providers import UpstreamTarget
from realtime.session.config import SessionSetup
from realtime.session.runner import SessionRunner
from tests.realtime.fake_upstream import assistant_item, new_id


class MemoryTransport:
    def __init__(self):
        self.events, self.audio, self.closed_with = [], bytearray(), None

    async def send_audio(self, audio):
        self.audio += audio

    async def send_event(self, event):
        self.events.append(event)

    async def close(self, code=1000):
        self.closed_with = code

    async def until(self, etype, within=3.0):
        for _ in range(int(within / 0.01)):
            found = [e for e in self.events if e["type"] == etype]
            if found:
                return found[0]
            await asyncio.sleep(0.01)
        raise AssertionError(f"no {etype}: {[e['type'] for e in self.events]}")


class MemoryStore:
    def __init__(self):
        self.items, self.usage, self.closed = {}, None, None

    def append_item(self, record):
        self.items[record["seq"]] = record

    def set_usage(self, usage, cost_usd, turn_count, lines=None):
        self.usage = (usage, cost_usd, turn_count)

    def save_recording(self, path):
        pass

    async def close(self, *, status, reason, detail=""):
        self.closed = (status, reason)


def _setup(fake, **fields):
    session = {
        "type": "realtime",
        "model": "gpt-realtime-mini",
        "audio": {
            "input": {
                "format": {"type": "audio/pcmu"},
                "transcription": {"model": "whisper-1"},
                "turn_detection": {"type": "server_vad", "interrupt_response": True},
            }
        },
    }
    return SessionSetup(
        session_id="s-1",
        model="gpt-realtime-mini",
        session=session,
        target=UpstreamTarget(f"{fake.base_url}/realtime?model=m"),
        **fields,
    )


async def test_runner_works_over_a_phone_like_transport_in_mulaw(fake_upstream):
    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")
        await conn.expect("response.create")
        response_id, item_id = new_id("resp"), new_id("item")
        conn.item_id = item_id
        await conn.response_start(response_id)
        await conn.send(
            "response.output_item.added",
            response_id=response_id,
            output_index=0,
            item={**assistant_item(item_id, ""), "content": []},
        )
        mulaw_2s = base64.b64encode(b"\xff" * 16_000).decode()  # 2000 ms at 8 bytes/ms
        await conn.send(
            "response.output_audio.delta",
            response_id=response_id,
            item_id=item_id,
            output_index=0,
            content_index=0,
            delta=mulaw_2s,
        )
        await conn.send(
            "response.output_audio_transcript.done",
            response_id=response_id,
            item_id=item_id,
            output_index=0,
            content_index=0,
            transcript="Thanks for calling the shop today.",
        )
        await conn.send(
            "response.output_item.done",
            response_id=response_id,
            output_index=0,
            item=assistant_item(item_id, "Thanks for calling the shop today."),
        )
        await conn.response_done(response_id)
        await conn.send(
            "input_audio_buffer.speech_started", item_id="u1", audio_start_ms=0
        )
        conn.truncate = await conn.expect("conversation.item.truncate")

    fake = await fake_upstream(script)
    transport, store, observed = MemoryTransport(), MemoryStore(), []

    async def observer(event):
        observed.append(event["type"])

    runner = SessionRunner(
        _setup(
            fake,
            greeting_mode="bot_greeting",
            greeting="Thanks for calling.",
            audio_format="pcmu",
        ),
        transport,
        store,
        observer=observer,
    )
    assert await runner.start(announce={"type": "session.started"})
    flush = await transport.until("playback.flush")
    await runner.on_playback(
        flush["item_id"], 500
    )  # a phone transport derives this from marks
    await transport.until("item.truncated")
    await runner.end(reason="client_closed")
    assert fake.connections[0].truncate["audio_end_ms"] == 500
    assert len(transport.audio) == 16_000
    assert (
        transport.events[-1]["type"] == "session.ended"
        and transport.closed_with == 1000
    )
    assert store.closed == ("completed", "client_closed")
    (item,) = store.items.values()
    assert item["interrupted"] and item["heard_text"] == "Thanks for"  # 25 % of 6 words
    assert observed[0] == "session.started" and "item.truncated" in observed
    assert not fake.errors


async def test_keypad_digits_reach_the_conversation_and_are_answered(fake_upstream):
    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")
        conn.note = await conn.expect("conversation.item.create")
        await conn.expect("response.create")
        await conn.reply("You chose option five.")
        await conn.send(
            "input_audio_buffer.dtmf_event_received", event="#", received_at=1
        )

    fake = await fake_upstream(script)
    transport, store = MemoryTransport(), MemoryStore()
    runner = SessionRunner(_setup(fake, audio_format="pcmu"), transport, store)
    assert await runner.start()
    await runner.on_caller_dtmf("5")
    await transport.until("usage")
    for _ in range(100):  # the SIP-style keypad event after the reply
        if len([e for e in transport.events if e["type"] == "dtmf"]) == 2:
            break
        await asyncio.sleep(0.01)
    await runner.end(reason="client_closed")
    note = fake.connections[0].note["item"]
    assert note["role"] == "user"
    assert note["content"][0]["text"] == "[The caller pressed 5 on the keypad]"
    assert [e["digits"] for e in transport.events if e["type"] == "dtmf"] == ["5", "#"]
    assert runner.caller.digits == "5#"
    assert runner.tools.context.variables["dtmf_digits"] == "5#"
    assert runner.tools.context.variables["dtmf_last"] == "#"
    assert not fake.errors
