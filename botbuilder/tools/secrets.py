"""`${ENV_VAR}` secret references in webhook headers: resolved at call time, never shown.

The database only ever holds the reference (``Bearer ${BOT_SECRET_SHOP_TOKEN}``); the value is read
from the server environment just before the request and scrubbed from everything stored,
logged or displayed afterwards.
"""

import base64
import html
import json
import os
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote, quote_plus

from django.core.exceptions import ValidationError

from botbuilder.secrets import (
    allowed_prefix,
    check_secret_env_name,
    is_secret_env_allowed,
)

SECRET_REF_RE = re.compile(r"\$\{([^}]*)\}")
ENV_VAR_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
REDACTED = "••••"
# A secret shorter than this is refused at call time: it could not be told apart from
# ordinary text when scrubbing it out of what is stored and shown.
MIN_SECRET_CHARS = 8
# Header names whose values are credentials: literal values are refused in the admin.
SENSITIVE_HEADER_NAMES = frozenset(
    {"authorization", "proxy-authorization", "cookie", "x-api-key", "api-key", "x-auth"}
)
SENSITIVE_HEADER_WORDS = (
    "token",
    "secret",
    "key",
    "password",
    "auth",
    "session",
    "signature",
)
# What may stand next to a reference in a sensitive header: an auth scheme word.
SCHEME_ONLY_RE = re.compile(r"^\s*(?:[A-Za-z][A-Za-z0-9-]*\s*)?$")


class MissingSecretError(LookupError):
    """A `${NAME}` reference names an environment variable that is not set."""

    def __init__(self, header: str, name: str, problem: str = "which is not set"):
        self.header = header
        self.name = name
        super().__init__(
            f"header {header!r} needs the environment variable {name}, {problem} on the "
            "server"
        )


def references(value: str) -> list[str]:
    """The names referenced as `${NAME}` in `value`, in order."""
    return SECRET_REF_RE.findall(value or "")


def is_sensitive_header(name: str) -> bool:
    """Whether header `name` carries credentials (Authorization, X-Api-Key, *token*...)."""
    lowered = name.strip().lower()
    return lowered in SENSITIVE_HEADER_NAMES or any(
        w in lowered for w in SENSITIVE_HEADER_WORDS
    )


def header_value_problems(name: str, value: Any) -> list[str]:
    """What is wrong with one configured header value (empty when it is fine)."""
    if not isinstance(value, str):
        return [f"header {name!r}: write the value as a string"]
    problems = [
        f"header {name!r}: ${{{ref}}} is not a valid environment variable name"
        for ref in references(value)
        if not ENV_VAR_NAME_RE.match(ref)
    ]
    problems += [
        f"header {name!r}: ${{{ref}}} may not be used as a secret; use a variable whose "
        f"name starts with {allowed_prefix()} (setting SECRET_ENV_PREFIX) or one listed "
        "in SECRET_ENV_ALLOWED"
        for ref in references(value)
        if ENV_VAR_NAME_RE.match(ref) and not is_secret_env_allowed(ref)
    ]
    if "${" in SECRET_REF_RE.sub("", value):
        problems.append(f"header {name!r}: a '${{' reference is not closed with '}}'")
    if is_sensitive_header(name):
        literal = SECRET_REF_RE.sub("", value)
        if not references(value) or not SCHEME_ONLY_RE.match(literal):
            problems.append(
                f"header {name!r} carries a credential: write it as a reference such as "
                f"'Bearer ${{BOT_SECRET_SHOP_TOKEN}}' and set that variable in the server "
                "environment; secret values are never stored here"
            )
    return problems


def resolve_headers(
    headers: Mapping[str, str], environ: Mapping[str, str] | None = None
) -> tuple[dict[str, str], list[str]]:
    """(headers with `${NAME}` filled from the environment, secret values used).

    Raises MissingSecretError for an unset variable; read at call time, never cached.
    """
    environ = os.environ if environ is None else environ
    resolved: dict[str, str] = {}
    secrets: list[str] = []

    def fill(header: str, match: re.Match) -> str:
        name = match.group(1)
        try:  # checked again at call time: rows may predate the rule
            check_secret_env_name(name)
        except ValidationError:
            raise MissingSecretError(
                header, name, "which may not be used as a secret"
            ) from None
        value = environ.get(name)
        if not value:
            raise MissingSecretError(header, name)
        if any(ord(c) < 32 or ord(c) == 127 for c in value):
            # Never let a malformed value reach an error message that might echo it.
            raise MissingSecretError(header, name, "which contains control characters")
        if len(value) < MIN_SECRET_CHARS:
            raise MissingSecretError(
                header,
                name,
                f"which holds fewer than {MIN_SECRET_CHARS} characters (too short to be "
                "kept out of stored text)",
            )
        secrets.append(value)
        return value

    for name, value in headers.items():
        resolved[name] = SECRET_REF_RE.sub(lambda m, n=name: fill(n, m), str(value))
    return resolved, secrets


def redact_header_value(name: str, template_value: str) -> str:
    """How a configured header is displayed: `${NAME}` references as ••••."""
    shown = SECRET_REF_RE.sub(REDACTED, template_value)
    if is_sensitive_header(name) and not references(template_value):
        return REDACTED
    return shown


def encoded_forms(secret: str) -> set[str]:
    """`secret` as an endpoint may echo it: raw, URL-, JSON-, HTML- or base64-encoded."""
    raw = secret.encode("utf-8")
    forms = {
        secret,
        quote(secret, safe=""),
        quote_plus(secret),
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        html.escape(secret),
    }
    for encoded in (base64.b64encode(raw), base64.urlsafe_b64encode(raw)):
        text = encoded.decode("ascii")
        forms |= {text, text.rstrip("=")}
    return forms


def scrub(value: Any, secrets: Iterable[str]) -> Any:
    """`value` (str, or nested dict/list of them) with every secret value, plain or in a
    common encoding, replaced by ••••."""
    needles = sorted(
        {form for s in secrets if s for form in encoded_forms(s) if form},
        key=len,
        reverse=True,
    )
    if not needles:
        return value
    return _scrub(value, needles)


def _scrub(value: Any, needles: list[str]) -> Any:
    if isinstance(value, str):
        for needle in needles:
            value = value.replace(needle, REDACTED)
        return value
    if isinstance(value, dict):
        return {_scrub(k, needles): _scrub(v, needles) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_scrub(v, needles) for v in value]
    return value
