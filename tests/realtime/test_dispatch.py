"""DirectDispatchMixin: client and channel-layer messages without a task per message."""

import asyncio

import pytest
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator

from realtime.consumers.dispatch import DirectDispatchMixin

# Channels' websocket_disconnect closes old database connections itself.
pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT_S = 2


class Probe(DirectDispatchMixin, AsyncWebsocketConsumer):
    """Echoes text; `probe.hold` blocks until released; `probe.fail` raises."""

    channels: list[str] = []
    held = None  # asyncio.Event, set per test
    release = None
    handled: list[str] = []

    async def connect(self) -> None:
        await self.accept()
        Probe.channels.append(self.channel_name)

    async def receive(self, text_data=None, bytes_data=None) -> None:
        Probe.handled.append(f"client:{text_data}")
        await self.send(text_data=f"echo:{text_data}")

    async def probe_hold(self, message) -> None:
        Probe.handled.append("hold:start")
        Probe.held.set()
        await Probe.release.wait()
        Probe.handled.append("hold:end")

    async def probe_say(self, message) -> None:
        await self.send(text_data=f"layer:{message['text']}")

    async def probe_fail(self, message) -> None:
        raise RuntimeError("handler failed")


@pytest.fixture(autouse=True)
def fresh_probe():
    Probe.channels, Probe.handled = [], []
    Probe.held, Probe.release = asyncio.Event(), asyncio.Event()


async def connected() -> WebsocketCommunicator:
    comm = WebsocketCommunicator(Probe.as_asgi(), "/probe/")
    assert (await comm.connect(TIMEOUT_S))[0]
    return comm


async def test_client_and_layer_messages_reach_their_handlers(monkeypatch):
    def no_await_many_dispatch(*args, **kwargs):
        raise AssertionError("Channels' per-message asyncio.wait loop was used")

    monkeypatch.setattr("channels.consumer.await_many_dispatch", no_await_many_dispatch)
    comm = await connected()
    await comm.send_to(text_data="hello")
    assert await comm.receive_from(TIMEOUT_S) == "echo:hello"
    await get_channel_layer().send(
        Probe.channels[0], {"type": "probe.say", "text": "hi"}
    )
    assert await comm.receive_from(TIMEOUT_S) == "layer:hi"
    await comm.disconnect()


async def test_handlers_run_one_message_at_a_time():
    comm = await connected()
    await get_channel_layer().send(Probe.channels[0], {"type": "probe.hold"})
    await asyncio.wait_for(Probe.held.wait(), TIMEOUT_S)
    await comm.send_to(text_data="during")
    await asyncio.sleep(0.05)
    assert Probe.handled == ["hold:start"]  # the client message waits its turn
    Probe.release.set()
    assert await comm.receive_from(TIMEOUT_S) == "echo:during"
    assert Probe.handled == ["hold:start", "hold:end", "client:during"]
    await comm.disconnect()


async def test_an_error_in_a_layer_handler_ends_the_consumer_with_it():
    comm = await connected()
    await get_channel_layer().send(Probe.channels[0], {"type": "probe.fail"})
    with pytest.raises(RuntimeError, match="handler failed"):
        await comm.wait(TIMEOUT_S)


async def test_a_message_without_a_handler_is_an_error():
    comm = await connected()
    await get_channel_layer().send(Probe.channels[0], {"type": "probe.unknown"})
    with pytest.raises(ValueError, match="No handler for message type probe.unknown"):
        await comm.wait(TIMEOUT_S)


async def test_a_client_disconnect_stops_the_layer_reader_too():
    comm = await connected()
    layer_readers = [
        t for t in asyncio.all_tasks() if "_dispatch_layer_messages" in repr(t)
    ]
    assert len(layer_readers) == 1
    await comm.disconnect()
    await comm.wait(TIMEOUT_S)  # the consumer ended without an error
    assert layer_readers[0].done()


# What DirectDispatchMixin replaces, as written in the Channels release it was checked
# against (channels 4.3.2, pinned in requirements.txt). A Channels upgrade that changes
# either method fails here, so the override gets reviewed instead of silently diverging.
OVERRIDDEN_SOURCE_SHA256 = {
    "AsyncConsumer.__call__": (
        "e52238720872dbc3f854519bc971aa7eb41553e63c8729081549ce42465ee419"
    ),
    "AsyncConsumer.dispatch": (
        "39f34e7d4fb0f6552de4ade665b943fe78137379702af6b58c79a14c49a75520"
    ),
}


def test_the_overridden_channels_code_is_the_version_the_override_was_written_for():
    import hashlib
    import inspect

    from channels.consumer import AsyncConsumer

    for method in (AsyncConsumer.__call__, AsyncConsumer.dispatch):
        digest = hashlib.sha256(inspect.getsource(method).encode()).hexdigest()
        assert digest == OVERRIDDEN_SOURCE_SHA256[method.__qualname__], (
            f"channels changed {method.__qualname__}: review "
            "realtime/consumers/dispatch.py against it, then update the digest"
        )
