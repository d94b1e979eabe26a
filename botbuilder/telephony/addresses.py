"""The public addresses Twilio and OpenAI call, as they see them (behind a proxy or tunnel).

PUBLIC_BASE_URL (e.g. https://bots.example.com) wins over the request's own host, because
a signature covers the URL exactly as the provider called it.
"""

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

WS_SCHEMES = {"https": "wss", "http": "ws"}


def public_base(request: HttpRequest | None) -> str:
    """`scheme://host[:port]` this server is reached at from the internet."""
    base = (getattr(settings, "PUBLIC_BASE_URL", "") or "").rstrip("/")
    if base:
        return base
    if request is None:
        return "http://127.0.0.1:8000"
    return f"{request.scheme}://{request.get_host()}"


def public_url(request: HttpRequest | None, path: str) -> str:
    """The absolute public URL of `path` (which may carry a query string)."""
    return public_base(request) + path


def as_websocket_url(url: str) -> str:
    """`url` with http(s) turned into ws(s)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(scheme=WS_SCHEMES.get(parts.scheme, parts.scheme)))


def twilio_voice_url(request: HttpRequest | None) -> str:
    return public_url(request, reverse("telephony:twilio_voice"))


def twilio_stream_url(request: HttpRequest | None, account_id: int) -> str:
    """The Media Stream's wss URL for `account_id` (its path names the account, so the
    handshake signature can be checked before the stream says anything)."""
    return as_websocket_url(public_url(request, twilio_stream_path(account_id)))


def twilio_stream_path(account_id: int) -> str:
    return f"/telephony/twilio/stream/{account_id}/"


def openai_webhook_url(request: HttpRequest | None) -> str:
    return public_url(request, reverse("telephony:openai_webhook"))
