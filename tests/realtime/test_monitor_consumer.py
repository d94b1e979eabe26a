"""The live monitor websocket, through the real ASGI application (auth and origin checks)."""

import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth.models import Permission
from django.test import Client

from botbuilder.asgi import application
from realtime.monitoring import publish
from tests.session_factories import create_item, create_session

pytestmark = pytest.mark.django_db(transaction=True)
ORIGIN = b"http://127.0.0.1:8000"
RECEIVE_TIMEOUT_S = 3


def session_cookie(user) -> bytes:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode()


def communicator(session_id, cookie: bytes | None = None, origin: bytes = ORIGIN):
    headers = [(b"origin", origin)]
    if cookie:
        headers.append((b"cookie", cookie))
    return WebsocketCommunicator(
        application, f"/ws/monitor/sessions/{session_id}/", headers
    )


async def connect_closed_with(comm) -> int | None:
    connected, _ = await comm.connect()
    assert connected
    message = await comm.receive_output(RECEIVE_TIMEOUT_S)
    assert message["type"] == "websocket.close"
    return message.get("code")


@pytest.fixture
def live_session(bot):
    session = create_session(bot)
    create_item(session, 1, role="user", text="Where is my order?")
    create_item(
        session,
        2,
        role="tool",
        kind="function_call",
        tool_name="get_order_status",
        tool_call_id="call_1",
        tool_status="ok",
        tool_result="Ships tomorrow.",
    )
    create_item(session, 3, role="assistant", text="It ships tomorrow.")
    return session


async def test_monitor_refuses_anonymous_users(live_session):
    assert await connect_closed_with(communicator(live_session.pk)) == 4401


async def test_monitor_refuses_staff_without_the_view_session_permission(
    live_session, django_user_model
):
    user = await database_sync_to_async(django_user_model.objects.create_user)(
        "clerk", password="pw-clerk-123", is_staff=True
    )
    cookie = await database_sync_to_async(session_cookie)(user)
    assert await connect_closed_with(communicator(live_session.pk, cookie)) == 4403


async def test_monitor_lets_staff_with_the_view_session_permission_in(
    live_session, django_user_model
):
    def make_viewer():
        user = django_user_model.objects.create_user(
            "viewer", password="pw", is_staff=True
        )
        user.user_permissions.add(
            Permission.objects.get(
                codename="view_session", content_type__app_label="botbuilder"
            )
        )
        return session_cookie(user)

    comm = communicator(live_session.pk, await database_sync_to_async(make_viewer)())
    assert (await comm.connect())[0]
    history = await comm.receive_json_from(RECEIVE_TIMEOUT_S)
    assert history["type"] == "monitor.history"
    await comm.disconnect()


async def test_monitor_refuses_other_origins(live_session, staff_user):
    cookie = await database_sync_to_async(session_cookie)(staff_user)
    comm = communicator(live_session.pk, cookie, origin=b"https://evil.example.com")
    connected, _ = await comm.connect()
    assert not connected


async def test_monitor_closes_with_4404_for_an_unknown_session(staff_user):
    cookie = await database_sync_to_async(session_cookie)(staff_user)
    unknown = "00000000-0000-4000-8000-000000000000"
    assert await connect_closed_with(communicator(unknown, cookie)) == 4404


async def test_monitor_sends_stored_items_then_live_events(live_session, staff_user):
    cookie = await database_sync_to_async(session_cookie)(staff_user)
    comm = communicator(live_session.pk, cookie)
    assert (await comm.connect())[0]

    history = await comm.receive_json_from(RECEIVE_TIMEOUT_S)
    assert history["type"] == "monitor.history"
    assert history["session"]["session_id"] == str(live_session.pk)
    assert history["session"]["turns"] == 2
    assert history["session"]["cost_usd"] == "0.012345"
    assert [(i["type"], i["seq"]) for i in history["items"]] == [
        ("transcript.done", 1),
        ("tool.result", 2),
        ("transcript.done", 3),
    ]
    assert history["items"][0]["text"] == "Where is my order?"
    assert history["items"][1]["name"] == "get_order_status"
    assert history["items"][1]["output"] == "Ships tomorrow."

    live = {
        "type": "transcript.done",
        "role": "user",
        "item_id": "i4",
        "text": "Thanks",
        "seq": 4,
    }
    await publish(get_channel_layer(), live_session.group_name, live)
    assert await comm.receive_json_from(RECEIVE_TIMEOUT_S) == live
    await comm.disconnect()


async def test_monitor_does_not_forward_other_sessions_events(
    live_session, bot, staff_user
):
    other = await database_sync_to_async(create_session)(bot)
    cookie = await database_sync_to_async(session_cookie)(staff_user)
    comm = communicator(live_session.pk, cookie)
    assert (await comm.connect())[0]
    await comm.receive_json_from(RECEIVE_TIMEOUT_S)  # history

    await publish(
        get_channel_layer(), other.group_name, {"type": "usage", "cost_usd": "9"}
    )
    assert await comm.receive_nothing(0.2)
    await comm.disconnect()


async def test_monitor_answers_input_with_a_read_only_error(live_session, staff_user):
    cookie = await database_sync_to_async(session_cookie)(staff_user)
    comm = communicator(live_session.pk, cookie)
    assert (await comm.connect())[0]
    await comm.receive_json_from(RECEIVE_TIMEOUT_S)  # history
    await comm.send_json_to({"type": "session.end"})
    error = await comm.receive_json_from(RECEIVE_TIMEOUT_S)
    assert error["type"] == "error"
    assert error["code"] == "read_only"
    await comm.disconnect()


async def test_monitor_leaves_the_watch_group_on_disconnect(live_session, staff_user):
    cookie = await database_sync_to_async(session_cookie)(staff_user)
    comm = communicator(live_session.pk, cookie)
    assert (await comm.connect())[0]
    await comm.receive_json_from(RECEIVE_TIMEOUT_S)
    await comm.disconnect()
    layer = get_channel_layer()
    await asyncio.sleep(0)
    assert not layer.groups.get(f"{live_session.group_name}.watch")


async def test_monitor_dispatch_makes_no_thread_hop_per_message(
    live_session, staff_user, monkeypatch
):
    """Channels' per-message close_old_connections hop is skipped (DirectDispatchMixin)."""
    hops = []

    async def counting_hop():
        hops.append(1)

    monkeypatch.setattr("channels.consumer.aclose_old_connections", counting_hop)
    cookie = await database_sync_to_async(session_cookie)(staff_user)
    comm = communicator(live_session.pk, cookie)
    assert (await comm.connect())[0]
    await comm.receive_json_from(RECEIVE_TIMEOUT_S)  # history
    event = {"type": "usage", "cost_usd": "1"}
    await publish(get_channel_layer(), live_session.group_name, event)
    assert await comm.receive_json_from(RECEIVE_TIMEOUT_S) == event
    await comm.disconnect()
    assert hops == []
