"""Writes for the live monitor: ending a session from the admin, on whichever worker runs it."""

import logging
import time

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.utils import timezone

from botbuilder.analysis.services import session_after_end
from botbuilder.models import Session
from botbuilder.models.choices import EndReason, SessionStatus
from realtime.monitoring import publish

logger = logging.getLogger(__name__)

# How long the worker holding a session gets to end it before the row is taken as stale.
END_WAIT_S = 5.0
# How often the database is asked whether the worker has ended the session.
END_POLL_INTERVAL_S = 0.1
STALE_END_DETAIL = "no live worker answered"


def session_end_by_admin(*, session: Session, wait_s: float | None = None) -> bool:
    """Ask the worker running `session` to end it; True if a live worker did.

    The request goes to the session's channel-layer group, so it reaches the worker on any
    process. If the row is still active after `wait_s` seconds no worker holds the session
    any more (it died): the row is marked failed with reason admin, and False returned.
    """
    wait_s = END_WAIT_S if wait_s is None else wait_s
    channel_layer = get_channel_layer()
    async_to_sync(channel_layer.group_send)(
        session.group_name, {"type": "session.end", "reason": EndReason.ADMIN.value}
    )
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        if not _is_active(session):
            return True
        time.sleep(END_POLL_INTERVAL_S)
    return not session_mark_stale_ended(session=session)


def session_mark_stale_ended(*, session: Session) -> bool:
    """End an active row no worker answers for; False if it had ended meanwhile."""
    ended_at = timezone.now()
    updated = Session.objects.filter(pk=session.pk, status=SessionStatus.ACTIVE).update(
        status=SessionStatus.FAILED,
        ended_at=ended_at,
        end_reason=EndReason.ADMIN,
        end_detail=STALE_END_DETAIL,
    )
    if not updated:
        return False
    logger.warning("Session %s had no live worker; marked ended by admin", session.pk)
    # Post-call analysis and the end-of-call webhook, as for any ended session.
    transaction.on_commit(lambda: session_after_end(session_id=session.pk), robust=True)
    async_to_sync(publish)(
        get_channel_layer(),
        session.group_name,
        {
            "type": "session.ended",
            "session_id": str(session.pk),
            "status": SessionStatus.FAILED.value,
            "reason": EndReason.ADMIN.value,
            "detail": STALE_END_DETAIL,
        },
    )
    return True


def _is_active(session: Session) -> bool:
    return Session.objects.filter(pk=session.pk, status=SessionStatus.ACTIVE).exists()
