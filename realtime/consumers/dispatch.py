"""Message dispatch for consumers on the audio path, without a thread hop or a task per message.

Channels 4.2+ `AsyncConsumer.dispatch` runs `close_old_connections` through
`sync_to_async` (thread-sensitive: one shared thread) before every handler, so every 20 ms
audio frame of every session queued behind whatever database work that thread was doing:
in the relay benchmark this added stalls of 20-100 ms to the caller's audio at only 10
sessions. Consumers using this mixin touch the ORM only through `database_sync_to_async`,
which closes old connections itself, before and after each call.

Channels' `AsyncConsumer.__call__` also waits for the next message of the client and of
the channel layer with `asyncio.wait` and a new task per message: three event-loop hops and
a task for every audio frame. Here the consumer's own task awaits the client's messages
directly and a second task reads the channel layer; a lock keeps Channels' promise that
handlers run one message at a time. The end of either source (`StopConsumer`, an error)
ends the consumer, as in Channels.

Written against channels 4.3.2 (pinned): tests/realtime/test_dispatch.py fails when
Channels' `AsyncConsumer.__call__` or `dispatch` change, so an upgrade gets reviewed.
"""

import asyncio
import contextlib
import functools
from typing import Any

from channels.consumer import get_handler_name
from channels.exceptions import StopConsumer
from channels.layers import get_channel_layer


class DirectDispatchMixin:
    """Call the handler of each message directly (see the module docstring)."""

    async def __call__(self, scope: dict[str, Any], receive, send) -> None:
        self.scope = scope
        self.base_send = send
        self._dispatch_lock = asyncio.Lock()
        self.channel_layer = get_channel_layer(self.channel_layer_alias)
        layer_task: asyncio.Task | None = None
        if self.channel_layer is not None:
            self.channel_name = await self.channel_layer.new_channel()
            self.channel_receive = functools.partial(
                self.channel_layer.receive, self.channel_name
            )
            layer_task = asyncio.create_task(self._dispatch_layer_messages())
            main_task = asyncio.current_task()

            def end_with_layer(_: asyncio.Task) -> None:
                main_task.cancel()

            layer_task.add_done_callback(end_with_layer)
        try:
            await self._dispatch_client_messages(receive)
        except StopConsumer:
            pass
        except asyncio.CancelledError:
            if layer_task is None or not layer_task.done() or layer_task.cancelled():
                raise  # cancelled from outside
            error = layer_task.exception()
            if not isinstance(error, StopConsumer):
                raise error from None
        finally:
            if layer_task is not None:
                layer_task.remove_done_callback(end_with_layer)
                if not layer_task.done():
                    layer_task.cancel()
                    with contextlib.suppress(asyncio.CancelledError, StopConsumer):
                        await layer_task
            # However it ended (also when the channel layer failed under it, with no
            # websocket.disconnect): let the consumer finish what it runs.
            await asyncio.shield(self.dispatch_ended())

    async def dispatch_ended(self) -> None:
        """Called once when the consumer stops receiving messages (override to clean up)."""

    async def _dispatch_client_messages(self, receive) -> None:
        lock = self._dispatch_lock
        while True:
            message = await receive()
            async with lock:
                await self.dispatch(message)

    async def _dispatch_layer_messages(self) -> None:
        while True:
            message = await self.channel_receive()
            async with self._dispatch_lock:
                await self.dispatch(message)

    async def dispatch(self, message: dict[str, Any]) -> None:
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)
