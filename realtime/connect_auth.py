"""Channels' auth stack for websockets, minus its per-message work.

`channels.auth.AuthMiddlewareStack` wraps `send` with the session middleware's, which on
**every** message sent reads `scope["session"].modified` and `.is_empty()` through Django's
lazy object (4.5 % of the relay worker's samples, bench/README.md) to decide whether to
save the session, which it only ever does for `http.response.start`: never on a websocket.
Here the session and the user are resolved exactly as there (cookie → session → user, at
connect), and the server's own `send` goes to the consumer. A consumer that changed the
session would have to save it itself, as it must with Channels' stack too.
"""

from channels.auth import AuthMiddleware
from channels.sessions import CookieMiddleware, InstanceSessionWrapper


class ConnectSessionMiddleware:
    """Channels' SessionMiddleware for websocket scopes, without the wrapped send."""

    def __init__(self, inner) -> None:
        self.inner = inner

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            raise ValueError("ConnectSessionMiddleware serves websocket scopes only")
        wrapper = InstanceSessionWrapper(scope, send)
        await wrapper.resolve_session()
        return await self.inner(wrapper.scope, receive, send)


def ConnectAuthMiddlewareStack(inner):  # noqa: N802 (named like Channels' stack)
    return CookieMiddleware(ConnectSessionMiddleware(AuthMiddleware(inner)))
