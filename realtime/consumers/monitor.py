"""Live monitor websocket: one session's stored transcript, then its live events.

`ws/monitor/sessions/<uuid>/`, for staff with the "view session" permission (origins are
checked for every websocket in `botbuilder.asgi`). The relay of the session, on whichever
worker it runs, publishes to the session's watch group (`realtime.monitoring`); this
consumer joins that group and forwards each event as a JSON text frame. It is read-only.
"""

import json
import logging
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from botbuilder.models import Session
from botbuilder.monitor.selectors import session_summary, session_transcript_events
from realtime.consumers.dispatch import DirectDispatchMixin
from realtime.monitoring import watch_group

logger = logging.getLogger(__name__)

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
VIEW_PERMISSION = "botbuilder.view_session"


def _may_watch(user: Any) -> bool:
    return bool(user.is_active and user.is_staff and user.has_perm(VIEW_PERMISSION))


def _session_group(session_id: Any) -> str | None:
    session = Session.objects.filter(pk=session_id).first()
    return session.group_name if session else None


def _history(session_id: Any) -> dict[str, Any]:
    session = Session.objects.select_related("started_by").get(pk=session_id)
    return {
        "type": "monitor.history",
        "session": session_summary(session=session),
        "items": session_transcript_events(session=session),
    }


class SessionMonitorConsumer(DirectDispatchMixin, AsyncWebsocketConsumer):
    """Forwards a session's watch-group events to one staff member's page."""

    watch_group_name: str | None = None

    async def connect(self) -> None:
        # Accept first, so the page learns why it was refused from the close code.
        await self.accept()
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        if not await database_sync_to_async(_may_watch)(user):
            await self.close(code=CLOSE_FORBIDDEN)
            return
        session_id = self.scope["url_route"]["kwargs"]["session_id"]
        group = await database_sync_to_async(_session_group)(session_id)
        if group is None:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        # Join before reading the stored items: nothing said in between can be missed
        # (an item both stored and published is told apart by its `seq` on the page).
        self.watch_group_name = watch_group(group)
        await self.channel_layer.group_add(self.watch_group_name, self.channel_name)
        history = await database_sync_to_async(_history)(session_id)
        await self.send(text_data=json.dumps(history))

    async def disconnect(self, code: int) -> None:
        if self.watch_group_name is not None:
            await self.channel_layer.group_discard(
                self.watch_group_name, self.channel_name
            )

    async def receive(
        self, text_data: str | None = None, bytes_data: bytes | None = None
    ):
        await self.send(
            text_data=json.dumps(
                {
                    "type": "error",
                    "reason": "The monitor feed is read-only.",
                    "code": "read_only",
                    "fatal": False,
                }
            )
        )

    async def monitor_event(self, message: dict[str, Any]) -> None:
        """A live event published by the session's relay (`realtime.monitoring.publish`)."""
        await self.send(text_data=json.dumps(message["event"]))
