"""Building a webhook request: URL and body from templates, headers with secrets resolved."""

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from botbuilder.tools.secrets import (
    is_sensitive_header,
    redact_header_value,
    references,
    resolve_headers,
)
from botbuilder.tools.templating import fill_json, fill_url

# Headers the HTTP client sets itself; configured values are ignored.
RESERVED_HEADERS = frozenset(
    {"host", "content-length", "transfer-encoding", "connection"}
)
METHODS_WITH_BODY = ("POST", "PUT", "PATCH")
DEFAULT_HEADERS = {
    "User-Agent": "botbuilder-webhook/1.0",
    "Accept": "application/json, text/plain;q=0.8",
    "Accept-Encoding": "identity",  # the size cap counts bytes as sent, uncompressed
}


@dataclass
class WebhookRequest:
    """A request ready to send; `shown_headers` is the redacted form for display."""

    method: str
    url: str
    headers: dict[str, str]
    shown_headers: dict[str, str]
    body: bytes | None
    secrets: list[str] = field(default_factory=list)
    # Lower-case names of headers carrying credentials: dropped when a redirect leaves
    # the configured origin.
    secret_headers: frozenset[str] = frozenset()

    def display(self) -> dict[str, Any]:
        """The request as the test page shows it: secrets as ••••."""
        body = self.body.decode("utf-8", "replace") if self.body is not None else None
        headers = {"Host": host_header(self.url), **self.shown_headers}
        if self.body is not None:
            headers["Content-Length"] = str(len(self.body))
        return {
            "method": self.method,
            "url": self.url,
            "headers": headers,
            "body": body,
        }


def build_request(
    config: dict[str, Any],
    arguments: dict[str, Any],
    variables: dict[str, str],
    environ: dict[str, str] | None = None,
) -> WebhookRequest:
    """The request a call makes; TemplateError or MissingSecretError when it cannot be built."""
    method = (config.get("webhook_method") or "POST").upper()
    url = fill_url(config.get("webhook_url") or "", arguments, variables)
    configured = dict(DEFAULT_HEADERS)
    for name, value in (config.get("webhook_headers") or {}).items():
        name = str(name).strip()
        if name.lower() in RESERVED_HEADERS:
            continue
        for default in DEFAULT_HEADERS:
            if default.lower() == name.lower():
                configured.pop(default, None)
        configured[name] = str(value)
    headers, secrets = resolve_headers(configured, environ)
    headers = {k: v.replace("\r", " ").replace("\n", " ") for k, v in headers.items()}
    shown = {k: redact_header_value(k, v) for k, v in configured.items()}
    secret_headers = frozenset(
        k.lower()
        for k, v in configured.items()
        if references(v) or is_sensitive_header(k)
    )
    template = config.get("webhook_body_template")
    body: bytes | None = None
    if template is not None and template != "":
        body_value = fill_json(template, arguments, variables)
        body = json.dumps(body_value, ensure_ascii=False).encode("utf-8")
    elif method in METHODS_WITH_BODY:
        body = json.dumps(arguments, ensure_ascii=False).encode("utf-8")
    if body is not None and not any(k.lower() == "content-type" for k in headers):
        headers["Content-Type"] = "application/json; charset=utf-8"
        shown["Content-Type"] = headers["Content-Type"]
    return WebhookRequest(method, url, headers, shown, body, secrets, secret_headers)


def host_header(url: str) -> str:
    """The Host header sent for `url`."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        host = f"[{host}]" if ":" in host else host
        return f"{host}:{parts.port}" if parts.port else host
    except ValueError:
        return ""
