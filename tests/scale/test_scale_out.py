"""Scale-out: a browser session on worker A, watched and ended through worker B's admin.

Two real daphne workers share the test's PostgreSQL database and the channels-redis layer;
the bot's model is the echo upstream on 127.0.0.1 (a `compatible` connection).
"""

import asyncio
import json

import pytest
from channels.db import database_sync_to_async
from websockets.asyncio.client import connect

from bench.echo_upstream import serve_echo, server_port
from botbuilder.models import Connection, Session
from tests.conftest import create_bot
from tests.services import HttpSession, login_cookie

pytestmark = pytest.mark.services
RECEIVE_TIMEOUT_S = 15


@pytest.fixture
async def echo_base_url():
    server = await serve_echo()
    yield f"ws://127.0.0.1:{server_port(server)}/v1"
    server.close()
    await server.wait_closed()


@pytest.fixture
def echo_bot(transactional_db, echo_base_url):
    connection = Connection.objects.create(
        name="Echo upstream", kind="compatible", base_url=echo_base_url
    )
    return create_bot(connection=connection, greeting_mode="wait", record_audio=False)


async def next_event(websocket, etype: str, **match) -> dict:
    """The next JSON event of type `etype` (and matching fields); others are skipped."""
    async with asyncio.timeout(RECEIVE_TIMEOUT_S):
        while True:
            message = await websocket.recv()
            if isinstance(message, bytes):
                continue
            event = json.loads(message)
            if event["type"] == etype and all(
                event.get(k) == v for k, v in match.items()
            ):
                return event


async def test_session_on_worker_a_is_watched_and_ended_from_worker_b(
    daphne_workers, echo_bot, staff_user
):
    worker_a, worker_b = daphne_workers
    cookie = await database_sync_to_async(login_cookie)(staff_user)
    headers = {"Cookie": f"sessionid={cookie}"}
    admin_b = HttpSession(worker_b.http_url, cookie)

    async with connect(
        f"{worker_a.ws_url}/ws/bots/{echo_bot.pk}/session/",
        origin=worker_a.origin,
        additional_headers=headers,
    ) as browser:
        await browser.send(json.dumps({"type": "session.start"}))
        started = await next_event(browser, "session.started")
        session_id = started["session_id"]

        # Worker B's monitor lists the session worker A runs.
        status, _, page = await asyncio.to_thread(admin_b.get, "/admin/live-sessions/")
        assert status == 200
        assert f'data-session-id="{session_id}"' in page

        async with connect(
            f"{worker_b.ws_url}/ws/monitor/sessions/{session_id}/",
            origin=worker_b.origin,
            additional_headers=headers,
        ) as watcher:
            history = await next_event(watcher, "monitor.history")
            assert history["session"]["session_id"] == session_id

            # Said on A, answered by the model on A, seen live on B.
            await browser.send(
                json.dumps({"type": "text", "text": "Where is my order?"})
            )
            heard = await next_event(watcher, "transcript.done", role="user")
            assert heard["text"] == "Where is my order?"
            reply = await next_event(watcher, "transcript.done", role="assistant")
            assert reply["text"] == "You said: Where is my order?"
            usage = await next_event(watcher, "usage")
            assert float(usage["cost_usd"]) > 0

            # "End session" on B ends the session on A.
            status, _, _ = await asyncio.to_thread(admin_b.get, "/admin/live-sessions/")
            status, response_headers, _ = await asyncio.to_thread(
                admin_b.post, f"/admin/live-sessions/{session_id}/end/", {}
            )
            assert status == 302
            ended = await next_event(browser, "session.ended")
            assert ended["reason"] == "admin"
            watched_end = await next_event(watcher, "session.ended")
            assert watched_end["reason"] == "admin"

    row = await database_sync_to_async(Session.objects.get)(pk=session_id)
    assert row.status == "completed"
    assert row.end_reason == "admin"
    assert row.end_detail == ""  # ended by worker A, not taken for a stale row
    assert row.ended_at is not None
    assert row.turn_count == 1
    assert row.cost_usd > 0
