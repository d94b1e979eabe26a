"""realtime.connect_auth: the user from the session cookie at connect, as with Channels'
AuthMiddlewareStack, but the consumer sends through the server's own `send`."""

import pytest
from channels.db import database_sync_to_async

from realtime.connect_auth import ConnectAuthMiddlewareStack

pytestmark = pytest.mark.django_db(transaction=True)


class Recorder:
    """An inner ASGI app that notes the scope's user and the `send` it was given."""

    async def __call__(self, scope, receive, send):
        self.user = await database_sync_to_async(lambda: scope["user"].username)()
        self.session_key = scope["session"].session_key
        self.send = send


def websocket_scope(cookie: str = "") -> dict:
    headers = [(b"cookie", cookie.encode())] if cookie else []
    return {"type": "websocket", "path": "/ws/x/", "headers": headers}


async def server_send(message):  # the server's send: must reach the consumer unwrapped
    raise AssertionError("not called here")


async def test_the_logged_in_user_is_in_the_scope_and_send_is_not_wrapped(
    staff_cookie,
):
    inner = Recorder()
    await ConnectAuthMiddlewareStack(inner)(
        websocket_scope(staff_cookie), None, server_send
    )
    assert inner.user == "relay"
    assert inner.session_key == staff_cookie.removeprefix("sessionid=")
    assert inner.send is server_send


async def test_without_a_cookie_the_user_is_anonymous():
    inner = Recorder()
    await ConnectAuthMiddlewareStack(inner)(websocket_scope(), None, server_send)
    assert inner.user == ""  # AnonymousUser.username


async def test_http_scopes_are_refused():
    with pytest.raises(ValueError, match="websocket"):
        await ConnectAuthMiddlewareStack(Recorder())(
            {"type": "http", "headers": []}, None, server_send
        )
