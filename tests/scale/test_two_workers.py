"""Two real daphne workers sharing PostgreSQL and the channels-redis layer."""

import asyncio
import json
import re

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from websockets.asyncio.client import connect

from botbuilder.models import Session
from realtime.monitoring import publish
from tests.services import HttpSession, login_cookie
from tests.session_factories import create_item, create_session

pytestmark = pytest.mark.services
RECEIVE_TIMEOUT_S = 10
# channels-redis blocks 5 s per receive; redis-py 8 used to time the read out at 5 s too.
IDLE_LONGER_THAN_A_REDIS_RECEIVE_S = 6.5


async def watch(worker, session, cookie):
    """The live monitor websocket of `session` on `worker`, as a staff member's page opens it."""
    return await connect(
        f"{worker.ws_url}/ws/monitor/sessions/{session.pk}/",
        origin=worker.origin,
        additional_headers={"Cookie": f"sessionid={cookie}"},
    )


async def receive_json(websocket) -> dict:
    return json.loads(await asyncio.wait_for(websocket.recv(), RECEIVE_TIMEOUT_S))


@pytest.fixture
def staff_cookie(staff_user) -> str:
    return login_cookie(staff_user)


def test_both_workers_list_a_session_stored_by_either(
    daphne_workers, bot, staff_cookie
):
    session = create_session(bot, turn_count=4)
    for worker in daphne_workers:
        status, _, body = HttpSession(worker.http_url, staff_cookie).get(
            "/admin/live-sessions/"
        )
        assert status == 200
        assert f'data-session-id="{session.pk}"' in body
        assert re.search(r"<td>4</td>", body)


async def test_event_published_in_another_process_reaches_a_watcher_on_a_worker(
    daphne_workers, redis_channel_layer, bot, staff_cookie
):
    session = await database_sync_to_async(create_session)(bot)
    await database_sync_to_async(create_item)(
        session, 1, role="user", text="Stored before"
    )
    worker_b = daphne_workers[1]

    async with await watch(worker_b, session, staff_cookie) as websocket:
        history = await receive_json(websocket)
        assert history["type"] == "monitor.history"
        assert [i["text"] for i in history["items"]] == ["Stored before"]

        # This test process plays the relay of another worker: Redis carries the event.
        event = {
            "type": "transcript.done",
            "role": "assistant",
            "text": "Live!",
            "seq": 2,
        }
        await publish(get_channel_layer(), session.group_name, event)
        assert await receive_json(websocket) == event


async def test_end_session_on_one_worker_reaches_the_process_holding_the_session(
    daphne_workers, redis_channel_layer, bot, staff_cookie
):
    session = await database_sync_to_async(create_session)(bot)
    # This process holds the session, like a relay consumer: it joined the session group.
    layer = get_channel_layer()
    holder = await layer.new_channel()
    await layer.group_add(session.group_name, holder)

    admin = HttpSession(daphne_workers[1].http_url, staff_cookie)
    status, _, _ = await asyncio.to_thread(admin.get, "/admin/live-sessions/")
    assert status == 200
    post = asyncio.create_task(
        asyncio.to_thread(admin.post, f"/admin/live-sessions/{session.pk}/end/", {})
    )

    message = await asyncio.wait_for(layer.receive(holder), RECEIVE_TIMEOUT_S)
    assert message == {"type": "session.end", "reason": "admin"}
    await database_sync_to_async(Session.objects.filter(pk=session.pk).update)(
        status="completed", end_reason="admin"
    )

    status, headers, _ = await post
    assert status == 302
    assert headers["Location"] == "/admin/live-sessions/"
    await database_sync_to_async(session.refresh_from_db)()
    assert session.end_detail == ""  # the holder ended it: not taken for a stale row


async def test_an_idle_watcher_still_gets_events_after_the_redis_read_timeout(
    daphne_workers, redis_channel_layer, bot, staff_cookie
):
    """A consumer whose channel stays empty for longer than a Redis receive (5 s) lives on."""
    session = await database_sync_to_async(create_session)(bot)
    async with await watch(daphne_workers[0], session, staff_cookie) as websocket:
        assert (await receive_json(websocket))["type"] == "monitor.history"
        await asyncio.sleep(IDLE_LONGER_THAN_A_REDIS_RECEIVE_S)
        event = {"type": "usage", "cost_usd": "0.5"}
        await publish(get_channel_layer(), session.group_name, event)
        assert await receive_json(websocket) == event
