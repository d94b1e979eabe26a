"""Session heartbeats: one beat for all of a worker's sessions; lost sessions are swept."""

import asyncio
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from botbuilder.models import Session
from botbuilder.services.heartbeats import sessions_heartbeat, sessions_sweep_lost
from realtime import heartbeat as heartbeat_module
from realtime.heartbeat import Heartbeat
from tests.session_factories import create_session


def beaten(bot, seconds_ago: float, **fields) -> Session:
    at = timezone.now() - timedelta(seconds=seconds_ago)
    return create_session(bot, heartbeat_at=at, worker_id="w1", **fields)


@pytest.mark.django_db
def test_sweep_ends_sessions_without_a_recent_beat_at_their_last_beat(bot):
    lost = beaten(bot, 120)
    fresh = beaten(bot, 5)
    never = create_session(bot)  # a channel without heartbeats is left alone
    done = beaten(bot, 120, status="completed")

    assert sessions_sweep_lost(stale_after_s=60) == [str(lost.pk)]

    lost.refresh_from_db()
    assert (lost.status, lost.end_reason) == ("failed", "worker_lost")
    assert lost.ended_at == lost.heartbeat_at
    for row in (fresh, never, done):
        before = row.status
        row.refresh_from_db()
        assert row.status == before and row.end_reason == ""


@pytest.mark.django_db
def test_beat_touches_only_active_sessions(bot):
    active, ended = create_session(bot), create_session(bot, status="completed")
    assert sessions_heartbeat(session_ids=[active.pk, ended.pk], worker_id="w2") == 1
    active.refresh_from_db()
    assert active.worker_id == "w2" and active.heartbeat_at is not None


@pytest.mark.django_db
def test_the_live_sessions_page_and_the_command_sweep(bot, staff_client):
    lost = beaten(bot, 3600)
    response = staff_client.get(reverse("monitor:sessions"))
    assert str(lost.pk) not in response.content.decode()
    lost.refresh_from_db()
    assert lost.end_reason == "worker_lost"

    other = beaten(bot, 3600)
    call_command("sweep_lost_sessions")
    other.refresh_from_db()
    assert other.end_reason == "worker_lost"


@pytest.mark.django_db(transaction=True)
async def test_one_task_beats_for_every_session_in_one_write(bot, monkeypatch):
    sessions = [await database_sync_to_async(create_session)(bot) for _ in range(3)]
    calls: list[list[str]] = []
    real = heartbeat_module.sessions_heartbeat
    loop, first_beat = asyncio.get_running_loop(), asyncio.Event()

    def counting(*, session_ids, worker_id):
        calls.append(sorted(session_ids))
        written = real(session_ids=session_ids, worker_id=worker_id)
        loop.call_soon_threadsafe(first_beat.set)
        return written

    monkeypatch.setattr(heartbeat_module, "sessions_heartbeat", counting)
    beat = Heartbeat(worker_id="test-worker")
    for session in sessions:
        beat.register(session.pk)
    try:
        await asyncio.wait_for(first_beat.wait(), 5)
        assert calls[0] == sorted(str(s.pk) for s in sessions)  # one write, all three
        rows = await database_sync_to_async(list)(
            Session.objects.filter(pk__in=[s.pk for s in sessions])
        )
        assert {r.worker_id for r in rows} == {"test-worker"}
        assert all(r.heartbeat_at is not None for r in rows)
    finally:
        await beat.stop()
