"""Which pages may open the session and monitor websockets: scheme, host and port compared.

Channels' AllowedHostsOriginValidator compares the host only, so a page served from another
port or scheme of the same host could open sessions with a staff member's cookies. Allowed
origins are ``WEBSOCKET_ALLOWED_ORIGINS`` when set (e.g. ``https://bots.example.com``);
otherwise each of ``ALLOWED_HOSTS`` on the scheme and port this worker serves, plus
``CSRF_TRUSTED_ORIGINS``. Read at call time, so ``override_settings`` works.
"""

from typing import Any
from urllib.parse import urlparse

from channels.security.websocket import OriginValidator, WebsocketDenier
from django.conf import settings

HTTP_SCHEME_OF_WS = {"ws": "http", "wss": "https"}


def allowed_origins(scope: dict[str, Any]) -> list[str]:
    """Origin patterns ("scheme://host:port"; ".example.com" for subdomains) for `scope`."""
    explicit = list(getattr(settings, "WEBSOCKET_ALLOWED_ORIGINS", []) or [])
    if explicit:
        return explicit
    scheme = HTTP_SCHEME_OF_WS.get(scope.get("scheme", "ws"), "http")
    server = scope.get("server") or (None, None)
    port = server[1] if len(server) > 1 and server[1] else None
    origins = list(settings.CSRF_TRUSTED_ORIGINS)
    for host in settings.ALLOWED_HOSTS:
        if host == "*":
            origins.append("*")
        elif port is not None:
            host = f"[{host}]" if ":" in host else host
            origins.append(f"{scheme}://{host}:{port}")
    return origins


class WebsocketOriginValidator(OriginValidator):
    """OriginValidator whose allowed origins come from `allowed_origins(scope)`."""

    def __init__(self, application: Any) -> None:
        super().__init__(application, allowed_origins=[])

    async def __call__(self, scope, receive, send):
        origin = None
        for name, value in scope.get("headers", []):
            if name == b"origin":
                try:
                    origin = urlparse(value.decode("latin1"))
                except (UnicodeDecodeError, ValueError):
                    origin = None
        patterns = allowed_origins(scope)
        if origin is not None and any(
            p == "*" or self.match_allowed_origin(origin, p) for p in patterns
        ):
            return await self.application(scope, receive, send)
        return await WebsocketDenier()(scope, receive, send)
