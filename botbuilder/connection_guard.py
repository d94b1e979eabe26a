"""Which hosts a Connection's base URL may reach: the webhook SSRF rules, for websockets.

No private, loopback, link-local or metadata address unless the host (or host:port) is in
``CONNECTION_ALLOWED_HOSTS``; the offline engine's own address (OFFLINE_ENGINE_HOST:PORT) is
always allowed. Forms check the URL as written (no DNS); a session checks every address
the host resolves to, just before it connects.
"""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings

from botbuilder.tools.ssrf import (
    BlockedURLError,
    Target,
    forbidden_reason,
    host_is_allowed,
    parse_url,
    vet_url,
)

WS_TO_HTTP = {"ws": "http", "wss": "https"}
LOCAL_NAMES = ("localhost", "localhost.localdomain")


def connection_allowed_hosts() -> list[str]:
    """Allow-list entries ("host" or "host:port"), read at call time."""
    offline = f"{settings.OFFLINE_ENGINE_HOST}:{settings.OFFLINE_ENGINE_PORT}"
    return [*getattr(settings, "CONNECTION_ALLOWED_HOSTS", []), offline]


def _is_allowed(target: Target, entries: list[str]) -> bool:
    for entry in entries:
        host, sep, port = entry.strip().rpartition(":")
        # "host:port" or "[v6]:port"; a bare IPv6 address has colons but no port.
        if sep and port.isdigit() and (":" not in host or host.endswith("]")):
            if int(port) == target.port and host_is_allowed(target.host, [host]):
                return True
        elif host_is_allowed(target.host, [entry]):
            return True
    return False


def _http_form(base_url: str) -> str:
    parts = urlsplit(base_url.strip())
    scheme = WS_TO_HTTP.get(parts.scheme.lower(), parts.scheme.lower())
    return parts._replace(scheme=scheme).geturl()


def connection_url_problem(base_url: str, *, resolve: bool = False) -> str | None:
    """Why `base_url` may not be connected to, or None; `resolve` also checks DNS answers."""
    return connection_url_check(base_url, resolve=resolve)[0]


def connection_url_check(
    base_url: str, *, resolve: bool = True
) -> tuple[str | None, str]:
    """(why `base_url` may not be used or None, the vetted address to connect to or "").

    The address pins the connection: the upstream client connects to it while TLS and the
    Host header keep the URL's name, so a second DNS answer cannot swap in a private one.
    "" means no pinning (an allow-listed or literal host, or none was resolved).
    """
    url = _http_form(base_url)
    try:
        target = parse_url(url)
    except BlockedURLError as exc:
        return f"The base URL cannot be used: {exc}.", ""
    if _is_allowed(target, connection_allowed_hosts()):
        return None, ""
    hint = "; add the host to CONNECTION_ALLOWED_HOSTS if this is intended"
    if target.host.lower() in LOCAL_NAMES:
        return f"The base URL's host {target.host} is this server{hint}.", ""
    try:
        literal = ipaddress.ip_address(target.host)
    except ValueError:
        literal = None
    if literal is not None:
        reason = forbidden_reason(literal)
        if reason:
            return f"The base URL's host {target.host} is {reason}{hint}.", ""
        return None, ""
    if not resolve:
        return None, ""
    try:
        vetted = vet_url(url, [])
    except BlockedURLError as exc:
        if str(exc).startswith("cannot resolve"):
            return None, ""  # nothing to reach: the connect fails on its own, saying so
        message = str(exc).replace("WEBHOOK_ALLOWED_HOSTS", "CONNECTION_ALLOWED_HOSTS")
        return f"The base URL cannot be used: {message}.", ""
    return None, vetted.addresses[0]
