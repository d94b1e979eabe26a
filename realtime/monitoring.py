"""Live monitor feed: the relay publishes transcript events to a session's watch group.

Staff watching a session (the admin's live monitor, on any worker) join the watch group of
`Session.group_name`; the relay publishes the browser events worth watching there
(`transcript.done`, `transcript.delta`, `tool.result`, `usage`, `session.ended`), never audio.
"""

import logging
from typing import Any

logger = logging.getLogger(__name__)

MONITOR_MESSAGE_TYPE = "monitor.event"
# Browser events the live monitor shows; anything else is not worth a channel-layer message.
WATCHED_EVENT_TYPES = frozenset(
    {"transcript.delta", "transcript.done", "tool.result", "usage", "session.ended"}
)


def watch_group(session_group: str) -> str:
    """The channel-layer group watchers of the session with group `session_group` join."""
    return f"{session_group}.watch"


async def publish(
    channel_layer: Any, session_group: str, event: dict[str, Any]
) -> None:
    """Send one browser event of a live session to its watchers (one group_send).

    Never raises: a monitor that cannot be fed must not disturb the call itself.
    """
    if channel_layer is None:
        return
    try:
        await channel_layer.group_send(
            watch_group(session_group), {"type": MONITOR_MESSAGE_TYPE, "event": event}
        )
    except Exception:
        logger.warning(
            "Could not publish %s to the watchers of %s",
            event.get("type"),
            session_group,
            exc_info=True,
        )


async def publish_if_watched(
    channel_layer: Any, session_group: str, event: dict[str, Any]
) -> None:
    """`publish` the event if the live monitor shows its type; ignore it otherwise."""
    if event.get("type") in WATCHED_EVENT_TYPES:
        await publish(channel_layer, session_group, event)
