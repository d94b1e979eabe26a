"""TwilioTransport on its own: marks, barge-in reports, and ending the call after playback."""

import asyncio
import json

from realtime.phone.twilio_transport import TwilioTransport


class Control:
    def __init__(self) -> None:
        self.actions: list[str] = []

    async def hang_up(self) -> None:
        self.actions.append("hang_up")

    async def transfer(self) -> None:
        self.actions.append("transfer")


def transport():
    sent, reports, control = [], [], Control()

    async def send_text(text):
        sent.append(json.loads(text))

    async def close(code):
        sent.append({"event": "closed", "code": code})

    async def on_playback(item_id, played_ms):
        reports.append((item_id, played_ms))

    t = TwilioTransport(
        send_text, close, stream_sid="MZ1", control=control, on_playback=on_playback
    )
    return t, sent, reports, control


async def test_each_chunk_is_media_then_a_mark_of_the_items_position():
    t, sent, _, _ = transport()
    await t.send_event({"type": "response.audio.started", "item_id": "item_a"})
    await t.send_audio(b"\xff" * 800)  # 100 ms
    await t.send_audio(b"\xff" * 400)  # 50 ms
    assert [m["event"] for m in sent] == ["media", "mark", "media", "mark"]
    assert [m["mark"]["name"] for m in sent if m["event"] == "mark"] == [
        "item_a:100",
        "item_a:150",
    ]
    assert all(m["streamSid"] == "MZ1" for m in sent)


async def test_barge_in_clears_and_reports_the_last_echoed_mark():
    t, sent, reports, _ = transport()
    await t.send_event({"type": "response.audio.started", "item_id": "item_a"})
    for _ in range(3):
        await t.send_audio(b"\xff" * 800)
    t.on_mark("item_a:100")
    t.on_mark("item_a:200")
    await t.send_event({"type": "playback.flush", "item_id": "item_a"})
    t.on_mark("item_a:300")  # echoed for the audio the clear dropped: not heard
    await t.close()
    assert sent[-2] == {"event": "clear", "streamSid": "MZ1"}
    assert reports == [("item_a", 200)] and t.played_ms("item_a") == 200


async def test_hang_up_waits_for_the_last_words_to_play():
    t, _, _, control = transport()
    await t.send_event({"type": "response.audio.started", "item_id": "item_a"})
    await t.send_audio(b"\xff" * 800)
    await t.send_audio(b"\xff" * 800)
    ending = asyncio.create_task(
        t.send_event({"type": "session.ended", "reason": "end_session_tool"})
    )
    t.on_mark("item_a:100")
    t.on_mark("stale:999")  # not a mark this transport is waiting for
    for _ in range(5):
        await asyncio.sleep(0)
    assert not ending.done() and control.actions == []
    t.on_mark("item_a:200")
    await ending
    assert control.actions == ["hang_up"]


async def test_transfer_and_a_call_the_caller_ended():
    t, _, _, control = transport()
    await t.send_event({"type": "session.ended", "reason": "transferred"})
    assert control.actions == ["transfer"]
    t.call_over = True
    await t.send_event({"type": "session.ended", "reason": "client_closed"})
    assert control.actions == ["transfer"]


async def test_audio_a_clear_dropped_is_not_waited_for():
    t, _, _, control = transport()
    await t.send_event({"type": "response.audio.started", "item_id": "item_a"})
    await t.send_audio(b"\xff" * 800)
    await t.send_event({"type": "playback.flush", "item_id": "item_a"})
    # Well under PLAYBACK_DRAIN_MAX_S: nothing is left to play, so no waiting.
    await asyncio.wait_for(
        t.send_event({"type": "session.ended", "reason": "end_session_tool"}), 1.0
    )
    assert control.actions == ["hang_up"]
    await t.close()
