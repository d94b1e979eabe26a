"""When the channel layer (Redis) is down: tell the browser plainly instead of a bare 1011.

A consumer's channel-layer receive fails as soon as the socket opens when Redis is
unreachable; the server then closed it with 1011 and no word. `ChannelLayerGuard` wraps the
websocket application: when it fails with a layer error while the socket is still open (or
not yet accepted), the guard sends an `error` event (code `channel_layer_unavailable`) and
closes with 4503 (realtime/browser_protocol.md).
"""

import json
import logging
from typing import Any

logger = logging.getLogger(__name__)

CLOSE_LAYER_UNAVAILABLE = 4503
LAYER_UNAVAILABLE_CODE = "channel_layer_unavailable"
LAYER_UNAVAILABLE_REASON = (
    "The server cannot run live sessions right now: its message service (Redis) is "
    "unreachable. Try again in a moment, or ask the administrator to check REDIS_URL."
)


def is_layer_error(exc: BaseException) -> bool:
    """Whether `exc` means the channel layer cannot be reached (socket or Redis error)."""
    if isinstance(exc, (OSError, TimeoutError)):
        return True
    return any(cls.__module__.startswith("redis") for cls in type(exc).__mro__)


class ChannelLayerGuard:
    """ASGI middleware for websockets: a layer failure before accept becomes a clear close."""

    def __init__(self, application: Any) -> None:
        self.application = application

    async def __call__(self, scope, receive, send):
        state = {"accepted": False, "closed": False, "connect_read": False}

        async def tracking_receive():
            message = await receive()
            if message["type"] == "websocket.connect":
                state["connect_read"] = True
            return message

        async def tracking_send(message):
            if message["type"] == "websocket.accept":
                state["accepted"] = True
            elif message["type"] == "websocket.close":
                state["closed"] = True
            await send(message)

        try:
            return await self.application(scope, tracking_receive, tracking_send)
        except Exception as exc:
            if state["closed"] or not is_layer_error(exc):
                raise
            logger.error("Channel layer unreachable; closing a websocket: %r", exc)
        if not state["accepted"]:
            if not state["connect_read"]:
                await receive()  # the websocket.connect the consumer never read
            await send({"type": "websocket.accept"})
        error = {
            "type": "error",
            "code": LAYER_UNAVAILABLE_CODE,
            "reason": LAYER_UNAVAILABLE_REASON,
            "fatal": True,
        }
        await send({"type": "websocket.send", "text": json.dumps(error)})
        await send({"type": "websocket.close", "code": CLOSE_LAYER_UNAVAILABLE})
