"""Message dispatch for consumers on the audio path, without a thread hop per message.

Channels 4.2+ `AsyncConsumer.dispatch` runs `close_old_connections` through
`sync_to_async` (thread-sensitive: one shared thread) before every handler, so every 20 ms
audio frame of every session queued behind whatever database work that thread was doing:
in the relay benchmark this added stalls of 20-100 ms to the caller's audio at only 10
sessions. Consumers using this mixin touch the ORM only through `database_sync_to_async`,
which closes old connections itself, before and after each call.
"""

from typing import Any

from channels.consumer import get_handler_name


class DirectDispatchMixin:
    """Call the handler of each message directly (see the module docstring)."""

    async def dispatch(self, message: dict[str, Any]) -> None:
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)
