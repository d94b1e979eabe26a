"""Where a session's upstream websocket goes: URL and headers per provider.

Pure code on a plain description of a Connection. The API key is read from the environment
variable the connection names, at call time, and only ever placed in headers; log `url`,
never the headers (`UpstreamTarget.__repr__` redacts them).
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit, urlunsplit

from django.core.exceptions import ValidationError

from botbuilder.secrets import read_secret_env

OPENAI_DEFAULT_BASE_URL = "https://api.openai.com/v1"
_WS_SCHEMES = {"https": "wss", "http": "ws", "wss": "wss", "ws": "ws"}


class ProviderConfigError(ValueError):
    """The connection cannot be used as configured (missing key, bad URL...)."""


@dataclass(frozen=True)
class ConnectionSpec:
    """A Connection row as plain data, plus the model and the offline engine's voice."""

    kind: str  # openai | azure | compatible | offline
    model: str
    base_url: str = ""
    azure_deployment: str = ""
    api_key_env: str = ""
    offline_voice: str = "en-us+klatt3"
    offline_rate_wpm: int = 165
    offline_pitch: int = 50
    # The vetted IP address to connect to (SSRF guard; "" = resolve the URL's host).
    connect_address: str = ""


@dataclass(frozen=True)
class UpstreamTarget:
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    connect_address: str = ""  # connect here, keep the URL's name for TLS and Host

    def __repr__(self) -> str:
        return (
            f"UpstreamTarget(url={self.url!r}, headers=<{len(self.headers)} redacted>)"
        )

    __str__ = __repr__


def read_api_key(env_name: str, fallback: str = "") -> str:
    """The key in environment variable `env_name` (or `fallback`), stripped; "" if unset.

    Only allow-listed variables are read (botbuilder/secrets.py), checked again here at
    call time: a connection saved before the rule, or edited in the database, cannot send
    DJANGO_SECRET_KEY anywhere.
    """
    if not env_name:
        return ""
    try:
        return read_secret_env(env_name) or (fallback or "").strip()
    except ValidationError as exc:
        raise ProviderConfigError(" ".join(exc.messages)) from None


def _ws_base(base_url: str) -> tuple[str, str, str]:
    """(scheme, netloc, path) of `base_url` with http(s) mapped to ws(s)."""
    parts = urlsplit(base_url.strip())
    scheme = _WS_SCHEMES.get(parts.scheme.lower())
    if scheme is None or not parts.netloc:
        raise ProviderConfigError(
            f"The base URL {base_url!r} must start with https://, http://, wss:// or ws://."
        )
    path = parts.path.rstrip("/")
    if not path.endswith("/realtime"):
        path += "/realtime"
    return scheme, parts.netloc, path


def _url(base_url: str, query: dict[str, str | int]) -> str:
    scheme, netloc, path = _ws_base(base_url)
    return urlunsplit((scheme, netloc, path, urlencode(query), ""))


def upstream_target(
    spec: ConnectionSpec,
    *,
    offline_host: str = "127.0.0.1",
    offline_port: int = 8765,
    openai_key_fallback: str = "",
) -> UpstreamTarget:
    """URL and handshake headers for `spec`; raises ProviderConfigError when unusable.

    `openai_key_fallback` is used when the named variable is OPENAI_API_KEY and unset in
    the process environment (settings may have read it from a .env file).
    """
    fallback = openai_key_fallback if spec.api_key_env == "OPENAI_API_KEY" else ""
    key = read_api_key(spec.api_key_env, fallback)
    if spec.kind == "offline":
        query = {
            "model": spec.model,
            "espeak_voice": spec.offline_voice,
            "espeak_rate": spec.offline_rate_wpm,
            "espeak_pitch": spec.offline_pitch,
        }
        return UpstreamTarget(_url(f"ws://{offline_host}:{offline_port}/v1", query))
    if spec.kind == "azure":
        if not spec.base_url or not spec.azure_deployment:
            raise ProviderConfigError(
                "An Azure connection needs the resource URL and the deployment name."
            )
        _require_key(spec, key)
        url = _url(spec.base_url, {"model": spec.azure_deployment})
        return UpstreamTarget(url, {"api-key": key}, spec.connect_address)
    if spec.kind == "openai":
        _require_key(spec, key)
        url = _url(spec.base_url or OPENAI_DEFAULT_BASE_URL, {"model": spec.model})
        return UpstreamTarget(
            url, {"Authorization": f"Bearer {key}"}, spec.connect_address
        )
    if spec.kind == "compatible":
        if not spec.base_url:
            raise ProviderConfigError("A compatible connection needs its base URL.")
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        url = _url(spec.base_url, {"model": spec.model})
        return UpstreamTarget(url, headers, spec.connect_address)
    raise ProviderConfigError(f"Unknown connection kind {spec.kind!r}.")


def _require_key(spec: ConnectionSpec, key: str) -> None:
    if not spec.api_key_env:
        raise ProviderConfigError("The connection does not name its API key variable.")
    if not key:
        raise ProviderConfigError(
            f"The environment variable {spec.api_key_env} holding the API key is not set "
            "on the server."
        )


def adapt_session(spec: ConnectionSpec, session: dict) -> dict:
    """The session config as this provider expects it (Azure names the deployment)."""
    if spec.kind == "azure" and spec.azure_deployment:
        return {**session, "model": spec.azure_deployment}
    return session


def sideband_target(
    *, call_id: str, api_key: str, base_url: str = OPENAI_DEFAULT_BASE_URL
) -> UpstreamTarget:
    """The sideband websocket of an accepted OpenAI SIP call (`…/v1/realtime?call_id=…`).

    Needs a standard API key: sidebands opened with ephemeral keys are refused.
    """
    if not api_key:
        raise ProviderConfigError("The OpenAI SIP sideband needs a standard API key.")
    url = _url(base_url or OPENAI_DEFAULT_BASE_URL, {"call_id": call_id})
    return UpstreamTarget(url, {"Authorization": f"Bearer {api_key}"})
