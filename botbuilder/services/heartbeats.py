"""Writes for session heartbeats: live sessions of a worker beat; lost ones are ended.

A worker process beats for all its live sessions in one UPDATE every few seconds
(realtime/heartbeat.py). Any process may sweep: an active session whose last beat is older
than `stale_after_s` belongs to a worker that stopped (killed, crashed, host lost); it is
ended as failed with reason "worker lost" at the time of its last beat.
"""

import contextlib
import logging
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db.models import F
from django.utils import timezone

from botbuilder.models import Session
from botbuilder.models.choices import EndReason, SessionStatus
from realtime.monitoring import publish

logger = logging.getLogger(__name__)

WORKER_LOST_DETAIL = "the worker running the session stopped sending heartbeats"
DEFAULT_LOST_AFTER_S = 60.0  # no beat for this long: the worker is gone


def lost_after_s() -> float:
    """SESSION_LOST_AFTER_S, read at call time."""
    return float(getattr(settings, "SESSION_LOST_AFTER_S", DEFAULT_LOST_AFTER_S))


def sessions_heartbeat(*, session_ids: Iterable[Any], worker_id: str) -> int:
    """Mark `session_ids` (still active) alive now, run by `worker_id`; how many rows."""
    ids = list(session_ids)
    if not ids:
        return 0
    return Session.objects.filter(pk__in=ids, status=SessionStatus.ACTIVE).update(
        heartbeat_at=timezone.now(), worker_id=worker_id
    )


def sessions_sweep_lost(*, stale_after_s: float) -> list[str]:
    """End active sessions whose worker stopped beating; the ids of those ended.

    Only sessions that ever beat are swept (a channel without heartbeats is left alone).
    """
    cutoff = timezone.now() - timedelta(seconds=stale_after_s)
    stale = Session.objects.filter(status=SessionStatus.ACTIVE, heartbeat_at__lt=cutoff)
    ids = list(stale.values_list("pk", flat=True))
    if not ids:
        return []
    ended = Session.objects.filter(
        pk__in=ids, status=SessionStatus.ACTIVE, heartbeat_at__lt=cutoff
    ).update(
        status=SessionStatus.FAILED,
        end_reason=EndReason.WORKER_LOST,
        end_detail=WORKER_LOST_DETAIL,
        ended_at=F("heartbeat_at"),
    )
    logger.warning("Ended %d session(s) of lost workers: %s", ended, ids)
    for session_id in ids:
        _announce(session_id)
    return [str(pk) for pk in ids]


def _announce(session_id: Any) -> None:
    """Tell live-monitor watchers (best effort: the layer may be down too)."""
    group = Session(pk=session_id).group_name
    event = {
        "type": "session.ended",
        "session_id": str(session_id),
        "status": SessionStatus.FAILED.value,
        "reason": EndReason.WORKER_LOST.value,
        "detail": WORKER_LOST_DETAIL,
    }
    with contextlib.suppress(Exception):
        async_to_sync(publish)(get_channel_layer(), group, event)
