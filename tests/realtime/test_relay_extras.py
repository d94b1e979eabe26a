"""Push-to-talk and the recording hook."""

import os
import uuid
import wave
from pathlib import Path

import numpy as np
import pytest
from channels.db import database_sync_to_async

from botbuilder.models import Session, TranscriptItem
from tests.realtime.conftest import make_bot
from tests.realtime.fake_upstream import pcm_silence

pytestmark = pytest.mark.django_db(transaction=True)


async def test_push_to_talk_commits_and_asks_for_a_reply(fake_upstream, open_session):
    async def script(conn):
        await conn.session_created()
        update = await conn.expect("session.update")
        assert update["session"]["audio"]["input"]["turn_detection"] is None
        await conn.expect("input_audio_buffer.clear")  # the too-short commit
        await conn.expect("input_audio_buffer.commit")
        await conn.expect("response.create")
        await conn.send(
            "input_audio_buffer.committed", item_id="item_ptt", previous_item_id=None
        )
        await conn.reply("Got it.")
        await conn.transcript("item_ptt", "Check my order.")
        await conn.expect("input_audio_buffer.clear")

    fake = await fake_upstream(script)
    bot = await make_bot(fake.base_url, greeting_mode="wait")
    browser = await open_session(bot, push_to_talk=True)
    await browser.send_audio(pcm_silence(40))
    await browser.send(type="audio.commit")  # 40 ms: too short
    assert (await browser.until("error"))["code"] == "audio_too_short"
    for _ in range(5):
        await browser.send_audio(pcm_silence(40))
    await browser.send(type="audio.commit")
    user = await browser.until("transcript.done", role="user")
    assert user["text"] == "Check my order."
    assert user["seq"] < browser.of_type("transcript.done")[0]["seq"]
    assert browser.of_type("turn.latency")[0]["endpointing_ms"] is None
    await browser.send(type="audio.clear")
    await browser.drain(0.1)
    await browser.close()
    assert not fake.errors


def _file_exists(path: str) -> bool:
    return os.path.exists(path)


class FakeRecorder:
    def __init__(self):
        self.caller, self.bot, self.cuts, self.finished = [], [], [], None

    def add_caller(self, audio, at_ms):
        self.caller.append((len(audio), at_ms))

    def add_bot(self, audio, at_ms):
        self.bot.append((len(audio), at_ms))

    def cut_bot(self, at_ms):
        self.cuts.append(at_ms)

    def finish(self, path):
        self.finished = path
        # Longer than a bare WAV header, which would not be stored.
        Path(path).write_bytes(b"RIFF-fake" * 8)


async def test_recorder_hook_gets_both_sides_and_is_linked(
    fake_upstream, open_session, monkeypatch, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    recorder = FakeRecorder()
    monkeypatch.setattr(
        "realtime.consumers.session.make_recorder",
        lambda record_audio, audio_format: recorder if record_audio else None,
    )

    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")
        await conn.expect("response.create")
        await conn.reply("Hello.", audio_ms=200, chunks=2)
        await conn.reply("How can I help?", audio_ms=1000, chunks=1)  # queued behind

    fake = await fake_upstream(script)
    bot = await make_bot(fake.base_url, record_audio=True)
    browser = await open_session(bot)
    session_id = browser.events[0]["session_id"]
    await browser.until("transcript.done", text="How can I help?")
    await browser.send_audio(pcm_silence(20))
    await browser.send(type="session.end")
    await browser.until("session.ended")
    await browser.close()
    assert recorder.caller and recorder.caller[0][0] == 960
    assert [n for n, _ in recorder.bot] == [4800, 4800, 48000]
    starts = [at for _, at in recorder.bot]
    assert starts[1] - starts[0] == 100  # contiguous on the session clock
    assert starts[2] == starts[0] + 200  # the second reply plays after the first
    assert not _file_exists(recorder.finished)  # moved to storage
    session = await database_sync_to_async(Session.objects.get)(pk=session_id)
    name = session.recording.name
    assert name.startswith("recordings/") and name.endswith(
        f"{uuid.UUID(session_id).hex}.wav"
    )
    assert (tmp_path / name).read_bytes() == b"RIFF-fake" * 8


async def test_bot_with_record_audio_gets_a_stereo_wav(
    fake_upstream, open_session, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path

    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")
        await conn.expect("response.create")
        await conn.reply("Hello.", audio_ms=400, chunks=2)

    fake = await fake_upstream(script)
    bot = await make_bot(fake.base_url, record_audio=True)
    browser = await open_session(bot)
    session_id = browser.events[0]["session_id"]
    await browser.until("transcript.done")
    await browser.send_audio(b"\x10\x00" * 4800)  # 200 ms of caller audio
    await browser.send(type="session.end")
    ended = await browser.until("session.ended")
    assert ended["exports"]["wav"].endswith("/export/wav/")
    await browser.close()
    session = await database_sync_to_async(Session.objects.get)(pk=session_id)
    with wave.open(str(tmp_path / session.recording.name)) as wav:
        assert (wav.getnchannels(), wav.getframerate(), wav.getsampwidth()) == (
            2,
            24000,
            2,
        )
        frames = np.frombuffer(wav.readframes(wav.getnframes()), "<i2").reshape(-1, 2)
    assert len(frames) >= 400 * 24  # the bot's 400 ms at least
    assert np.count_nonzero(frames[:, 1]) >= 400 * 24 // 2  # bot on the right
    assert (
        np.count_nonzero(frames[:, 0] == 16) == 4800
    )  # the caller's 200 ms on the left


async def test_text_only_replies_are_relayed_and_stored(fake_upstream, open_session):
    async def script(conn):
        await conn.session_created()
        update = await conn.expect("session.update")
        assert update["session"]["output_modalities"] == ["text"]
        await conn.expect("response.create")
        response_id, item_id = "resp_text", "item_text"
        await conn.response_start(response_id)
        await conn.send(
            "response.output_item.added",
            response_id=response_id,
            output_index=0,
            item={"id": item_id, "type": "message", "role": "assistant", "content": []},
        )
        for delta in ("We open ", "at nine."):
            await conn.send(
                "response.output_text.delta",
                response_id=response_id,
                item_id=item_id,
                output_index=0,
                content_index=0,
                delta=delta,
            )
        await conn.send(
            "response.output_text.done",
            response_id=response_id,
            item_id=item_id,
            output_index=0,
            content_index=0,
            text="We open at nine.",
        )
        await conn.send(
            "response.output_item.done",
            response_id=response_id,
            output_index=0,
            item={
                "id": item_id,
                "type": "message",
                "role": "assistant",
                "content": [{"type": "output_text", "text": "We open at nine."}],
            },
        )
        await conn.response_done(response_id)

    fake = await fake_upstream(script)
    bot = await make_bot(
        fake.base_url, greeting_mode="model_first", output_modality="text"
    )
    browser = await open_session(bot)
    session_id = browser.events[0]["session_id"]
    done = await browser.until("transcript.done")
    assert done["text"] == "We open at nine." and done["role"] == "assistant"
    assert [d["delta"] for d in browser.of_type("transcript.delta")] == [
        "We open ",
        "at nine.",
    ]
    await browser.until("usage")
    await browser.close()
    assert browser.audio == b""
    item = await database_sync_to_async(TranscriptItem.objects.get)(
        session_id=session_id
    )
    assert item.text == "We open at nine." and item.started_ms is not None
