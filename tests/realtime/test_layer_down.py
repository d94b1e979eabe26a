"""Channel layer down: a clear error to the browser, an admin message, a system check."""

import json
import socket

import pytest
from channels.db import database_sync_to_async
from django.urls import reverse

from botbuilder.checks import channel_layer_check
from botbuilder.models import Session
from tests.realtime.conftest import Browser, count_sessions, make_bot


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def dead_redis(settings):
    url = f"redis://127.0.0.1:{closed_port()}/0"
    settings.REDIS_URL = url
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [{"address": url}]},
        }
    }
    return url


@pytest.mark.django_db(transaction=True)
async def test_the_browser_is_told_and_the_socket_closes_with_4503(
    dead_redis, staff_cookie
):
    bot = await make_bot("ws://127.0.0.1:9/v1")
    browser = Browser(bot.pk, staff_cookie)
    connected, _ = await browser.connect()
    assert connected
    error = await browser.until("error")
    assert error["code"] == "channel_layer_unavailable" and error["fatal"]
    assert "Redis" in error["reason"] and "Traceback" not in error["reason"]
    assert await browser.until_closed() == 4503
    assert await count_sessions() == 0


@pytest.mark.django_db
def test_end_session_shows_a_message_instead_of_a_500(dead_redis, staff_client, bot):
    session = Session.objects.create(bot=bot, bot_name=bot.name, status="active")
    url = reverse("monitor:session_end", args=[session.pk])
    response = staff_client.post(url, follow=True)
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert any("channel layer" in m.lower() or "redis" in m.lower() for m in messages)


def test_the_system_check_reports_an_unreachable_layer(dead_redis):
    warnings = channel_layer_check(None)
    assert [w.id for w in warnings] == ["botbuilder.W010"]
    assert "unreachable" in warnings[0].msg


def test_the_system_check_is_quiet_without_redis(settings):
    settings.REDIS_URL = ""
    assert channel_layer_check(None) == []


@pytest.mark.django_db(transaction=True)
async def test_the_live_monitor_socket_is_told_too(dead_redis, staff_user, bot):
    from tests.realtime.test_monitor_consumer import communicator, session_cookie
    from tests.session_factories import create_session

    session = await database_sync_to_async(create_session)(bot)
    cookie = await database_sync_to_async(session_cookie)(staff_user)
    comm = communicator(session.pk, cookie)
    connected, _ = await comm.connect()
    assert connected
    error = json.loads((await comm.receive_output(5))["text"])
    assert error["code"] == "channel_layer_unavailable"
    assert (await comm.receive_output(5)) == {"type": "websocket.close", "code": 4503}
