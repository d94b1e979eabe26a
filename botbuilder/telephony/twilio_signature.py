"""Twilio's request signature (`X-Twilio-Signature`), checked the way twilio-python does.

The signed string is the full URL Twilio requested (scheme, host, path, query) followed by
each POST parameter sorted by name, name then value. The key is the auth token and the hash
HMAC-SHA1, unless `X-Twilio-Webhooks-Signature-Settings` announces a Webhooks Rule's
SharedKey and `algorithm=HMAC_SHA256`. The result is base64; comparison is constant-time.
About thirty lines of stdlib: the `twilio` SDK is not needed for this.
"""

import base64
import hashlib
import hmac
from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

ALGORITHMS = {"HMAC_SHA1": hashlib.sha1, "HMAC_SHA256": hashlib.sha256}
DEFAULT_PORTS = {"https": 443, "http": 80, "wss": 443, "ws": 80}


class UnsupportedAlgorithm(ValueError):
    """The settings header names a hash this code does not know."""


def signature_algorithm(settings_header: str) -> str:
    """The algorithm named by X-Twilio-Webhooks-Signature-Settings ("HMAC_SHA1" if absent)."""
    for part in (settings_header or "").split(","):
        name, _, value = part.strip().partition("=")
        if name.strip().lower() == "algorithm":
            algorithm = value.strip().upper()
            if algorithm not in ALGORITHMS:
                raise UnsupportedAlgorithm(algorithm)
            return algorithm
    return "HMAC_SHA1"


def compute_signature(
    key: str,
    url: str,
    params: Iterable[tuple[str, str]] = (),
    algorithm: str = "HMAC_SHA1",
) -> str:
    """Base64 HMAC of `url` + the sorted (name, value) pairs (as twilio-python: repeated pairs once)."""
    data = url + "".join(name + value for name, value in sorted(set(params)))
    digest = hmac.new(key.encode(), data.encode(), ALGORITHMS[algorithm]).digest()
    return base64.b64encode(digest).decode()


def _port_variants(url: str) -> list[str]:
    """`url` as given, without its default port and with it (Twilio may sign either)."""
    parts = urlsplit(url)
    default = DEFAULT_PORTS.get(parts.scheme)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    if parts.username or default is None:
        return [url]
    bare = urlunsplit(parts._replace(netloc=host))
    with_port = urlunsplit(parts._replace(netloc=f"{host}:{default}"))
    if parts.port not in (None, default):
        return [url]
    return list(dict.fromkeys([url, bare, with_port]))


def is_valid(
    key: str,
    signature: str,
    url: str,
    params: Iterable[tuple[str, str]] = (),
    algorithm: str = "HMAC_SHA1",
) -> bool:
    """Whether `signature` is Twilio's for this request; False without a key or signature."""
    if not key or not signature:
        return False
    pairs = list(params)
    return any(
        hmac.compare_digest(
            compute_signature(key, variant, pairs, algorithm).encode(),
            signature.encode(),
        )
        for variant in _port_variants(url)
    )
