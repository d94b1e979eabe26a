"""A worker killed mid-session (kill -9): the other worker ends its session, "worker lost".

Two real daphne workers on PostgreSQL + Redis, with heartbeats every 0.3 s and sessions
taken as lost after 1.5 s without one.
"""

import asyncio
import json
import signal

import pytest
from channels.db import database_sync_to_async
from websockets.asyncio.client import connect

from botbuilder.models import Session
from tests.scale.test_scale_out import echo_base_url, echo_bot, next_event  # noqa: F401
from tests.services import login_cookie

pytestmark = pytest.mark.services
WAIT_FOR_SWEEP_S = 20


@pytest.fixture
def worker_extra_env() -> dict[str, str]:
    return {
        "SESSION_HEARTBEAT_INTERVAL_S": "0.3",
        "SESSION_LOST_AFTER_S": "1.5",
        "SESSION_SWEEP_INTERVAL_S": "0.3",
    }


get_row = database_sync_to_async(lambda pk: Session.objects.get(pk=pk))


async def open_session(worker, bot, headers):
    browser = await connect(
        f"{worker.ws_url}/ws/bots/{bot.pk}/session/",
        origin=worker.origin,
        additional_headers=headers,
    )
    await browser.send(json.dumps({"type": "session.start"}))
    started = await next_event(browser, "session.started")
    return browser, started["session_id"]


async def until(predicate, what: str):
    """Poll the database (another process writes) until `predicate` gives a row."""
    deadline = asyncio.get_running_loop().time() + WAIT_FOR_SWEEP_S
    while asyncio.get_running_loop().time() < deadline:
        value = await predicate()
        if value:
            return value
        await asyncio.sleep(0.1)
    pytest.fail(f"no {what} within {WAIT_FOR_SWEEP_S} s")


async def test_a_killed_workers_session_is_ended_as_worker_lost(
    daphne_workers,
    echo_bot,  # noqa: F811
    staff_user,
):
    worker_a, worker_b = daphne_workers
    cookie = await database_sync_to_async(login_cookie)(staff_user)
    headers = {"Cookie": f"sessionid={cookie}"}

    browser_a, lost_id = await open_session(worker_a, echo_bot, headers)
    beaten = await until(
        lambda: _beaten(lost_id), "worker A's first heartbeat for its session"
    )
    assert beaten.worker_id and beaten.status == "active"

    worker_a.process.send_signal(signal.SIGKILL)
    worker_a.process.wait()
    browser_b, alive_id = await open_session(worker_b, echo_bot, headers)
    try:
        row = await until(lambda: _ended(lost_id), "the sweep of worker A's session")
        assert (row.status, row.end_reason) == ("failed", "worker_lost")
        assert row.ended_at == row.heartbeat_at  # ended at its last beat
        assert row.ended_at >= beaten.heartbeat_at
        alive = await get_row(alive_id)
        assert alive.status == "active" and alive.worker_id != beaten.worker_id
    finally:
        await browser_b.close()
        await browser_a.close()


async def _beaten(session_id):
    row = await get_row(session_id)
    return row if row.heartbeat_at is not None else None


async def _ended(session_id):
    row = await get_row(session_id)
    return row if row.status != "active" else None
