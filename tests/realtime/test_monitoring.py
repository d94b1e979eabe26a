"""The relay's publishing helper for the live monitor (in-memory channel layer)."""

import pytest
from channels.layers import InMemoryChannelLayer

from realtime.monitoring import publish, publish_if_watched, watch_group

SESSION_GROUP = "session.0123456789abcdef0123456789abcdef"


@pytest.fixture
async def watcher():
    layer = InMemoryChannelLayer()
    channel = await layer.new_channel()
    await layer.group_add(watch_group(SESSION_GROUP), channel)
    return layer, channel


def test_watch_group_is_derived_from_the_session_group():
    assert watch_group(SESSION_GROUP) == f"{SESSION_GROUP}.watch"


async def test_publish_reaches_the_watch_group_as_a_monitor_event(watcher):
    layer, channel = watcher
    event = {"type": "transcript.done", "role": "user", "text": "Hi", "seq": 1}
    await publish(layer, SESSION_GROUP, event)
    assert await layer.receive(channel) == {"type": "monitor.event", "event": event}


async def test_publish_if_watched_skips_audio_and_debug_events(watcher):
    layer, channel = watcher
    await publish_if_watched(layer, SESSION_GROUP, {"type": "response.audio.started"})
    await publish_if_watched(layer, SESSION_GROUP, {"type": "upstream.event"})
    await publish_if_watched(layer, SESSION_GROUP, {"type": "usage", "cost_usd": "0.1"})
    message = await layer.receive(channel)
    assert message["event"]["type"] == "usage"


async def test_publish_never_raises_when_the_layer_fails(caplog):
    class BrokenLayer:
        async def group_send(self, group, message):
            raise ConnectionError("redis is gone")

    await publish(BrokenLayer(), SESSION_GROUP, {"type": "usage"})
    assert "Could not publish usage" in caplog.text


async def test_publish_without_a_layer_is_a_no_op():
    await publish(None, SESSION_GROUP, {"type": "usage"})
