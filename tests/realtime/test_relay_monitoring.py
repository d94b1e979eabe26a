"""The relay feeds the live monitor: transcript, usage and the end go to the watch group."""

import asyncio

import pytest
from channels.layers import get_channel_layer

from realtime.monitoring import watch_group
from tests.realtime.conftest import make_bot

pytestmark = pytest.mark.django_db(transaction=True)
RECEIVE_TIMEOUT_S = 5


async def watched_events(layer, channel, until_type: str) -> list[dict]:
    events = []
    while not events or events[-1]["type"] != until_type:
        message = await asyncio.wait_for(layer.receive(channel), RECEIVE_TIMEOUT_S)
        assert message["type"] == "monitor.event"
        events.append(message["event"])
    return events


async def test_relay_publishes_transcript_usage_and_end_but_no_audio(
    fake_upstream, open_session
):
    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")
        await conn.expect("conversation.item.create")
        await conn.expect("response.create")
        await conn.reply("Yes, we ship to Spain.", audio_ms=200)

    fake = await fake_upstream(script)
    bot = await make_bot(fake.base_url, greeting_mode="wait")
    browser = await open_session(bot)
    session_hex = browser.events[0]["session_id"].replace("-", "")
    layer = get_channel_layer()
    watcher = await layer.new_channel()
    await layer.group_add(watch_group(f"session.{session_hex}"), watcher)

    await browser.send(type="text", text="Do you ship to Spain?")
    events = await watched_events(layer, watcher, "usage")
    done = [(e["role"], e["text"]) for e in events if e["type"] == "transcript.done"]
    assert done == [
        ("user", "Do you ship to Spain?"),
        ("assistant", "Yes, we ship to Spain."),
    ]
    assert {e["type"] for e in events} <= {
        "transcript.delta",
        "transcript.done",
        "usage",
    }
    await browser.until("usage")
    assert browser.audio  # the caller got the reply's audio; the watchers did not

    await browser.send(type="session.end")
    ended = (await watched_events(layer, watcher, "session.ended"))[-1]
    assert ended["reason"] == "client_ended"
    await browser.until_closed()
