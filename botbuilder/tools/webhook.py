"""Webhook tools: build the request, call it through the SSRF guard, hand the model the result.

The blocking HTTP work runs on a small dedicated thread pool so slow endpoints never hold
the event loop or the default executor. Everything stored or shown (outcome output, error,
detail) has the resolved secret values scrubbed out.
"""

import asyncio
import http.client
import json
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from django.conf import settings

from botbuilder.tools.base import (
    ToolContext,
    ToolOutcome,
    error_outcome,
    truncate_for_model,
)
from botbuilder.tools.http_client import (
    DeadlineExceeded,
    RawResponse,
    ResponseTooLarge,
    exchange,
)
from botbuilder.tools.secrets import (
    MissingSecretError,
    is_sensitive_header,
    redact_header_value,
    references,
    resolve_headers,
    scrub,
)
from botbuilder.tools.ssrf import BlockedURLError, vet_url
from botbuilder.tools.templating import TemplateError, fill_json, fill_url

logger = logging.getLogger(__name__)

WEBHOOK_DEFAULT_TIMEOUT_S = 10.0
WEBHOOK_MAX_TIMEOUT_S = 60.0
WEBHOOK_DEFAULT_MAX_RESPONSE_BYTES = 65_536
WEBHOOK_MAX_REDIRECTS = 3
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
# Extra time the worker gets past the tool's timeout before the call is abandoned (DNS has
# no timeout of its own).
WORKER_GRACE_S = 1.0
WEBHOOK_WORKER_THREADS = 16
RESPONSE_EXCERPT_CHARS = 2000  # response body shown on the admin test page
ERROR_EXCERPT_CHARS = 200  # body excerpt handed to the model with an HTTP error
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

_executor = ThreadPoolExecutor(
    max_workers=WEBHOOK_WORKER_THREADS, thread_name_prefix="webhook"
)


class TooManyRedirects(RuntimeError):
    """The endpoint redirected more than WEBHOOK_MAX_REDIRECTS times."""


class ResponseProblem(ValueError):
    """The response arrived but cannot be handed to the model (bad JSON, missing path)."""


@dataclass
class WebhookRequest:
    """A request ready to send; `shown_headers` is the redacted form for display."""

    method: str
    url: str
    headers: dict[str, str]
    shown_headers: dict[str, str]
    body: bytes | None
    secrets: list[str] = field(default_factory=list)
    secret_headers: frozenset[str] = (
        frozenset()
    )  # dropped when a redirect leaves the origin

    def display(self) -> dict[str, Any]:
        body = self.body.decode("utf-8", "replace") if self.body is not None else None
        headers = {"Host": _host_header(self.url), **self.shown_headers}
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


async def run_webhook(
    spec: Any, arguments: dict[str, Any], context: ToolContext
) -> ToolOutcome:
    """Call the webhook of `spec` with validated `arguments`; never raises for its failures."""
    config = spec.config
    try:
        request = build_request(config, arguments, context.variables)
    except TemplateError as exc:
        status = "invalid_arguments" if exc.kind == "argument" else "error"
        return error_outcome(status, str(exc))
    except MissingSecretError as exc:
        logger.error("webhook tool %s: %s", spec.name, exc)
        return error_outcome(
            "error", f"the tool is not configured on the server: {exc}"
        )
    timeout_s = _clamp(
        config.get("webhook_timeout_s"),
        WEBHOOK_DEFAULT_TIMEOUT_S,
        0.1,
        WEBHOOK_MAX_TIMEOUT_S,
    )
    max_bytes = int(
        config.get("webhook_max_response_bytes") or WEBHOOK_DEFAULT_MAX_RESPONSE_BYTES
    )
    allowed_hosts = list(getattr(settings, "WEBHOOK_ALLOWED_HOSTS", []) or [])
    trail: list[dict[str, Any]] = []
    detail: dict[str, Any] = {
        "request": request.display(),
        "redirects": trail,
        "response": None,
    }
    started = time.monotonic()
    deadline = started + timeout_s
    loop = asyncio.get_running_loop()
    work = loop.run_in_executor(
        _executor, _perform, request, deadline, max_bytes, allowed_hosts, trail
    )
    try:
        raw = await asyncio.wait_for(work, timeout_s + WORKER_GRACE_S)
        detail["response"] = _response_detail(raw)
        outcome = _interpret(raw, config.get("webhook_response_path") or "", detail)
    except (TimeoutError, DeadlineExceeded):
        outcome = error_outcome(
            "timeout",
            f"the endpoint did not answer within {timeout_s:g} seconds",
            detail=detail,
        )
    except BlockedURLError as exc:
        outcome = error_outcome("error", f"the call was refused: {exc}", detail=detail)
    except ResponseTooLarge as exc:
        outcome = error_outcome("error", f"response too large: {exc}", detail=detail)
    except TooManyRedirects as exc:
        outcome = error_outcome("error", str(exc), detail=detail)
    except (OSError, ValueError, http.client.HTTPException) as exc:
        # ValueError: http.client refuses a malformed header or URL before sending.
        reason = str(exc) or type(exc).__name__
        outcome = error_outcome(
            "error", f"could not reach the endpoint: {reason}", detail=detail
        )
    detail["timing_ms"] = int((time.monotonic() - started) * 1000)
    outcome = _scrubbed(outcome, request.secrets)
    _log(spec.name, request, outcome)
    return outcome


def _perform(
    request: WebhookRequest,
    deadline: float,
    max_bytes: int,
    allowed_hosts: list[str],
    trail: list[dict[str, Any]],
) -> RawResponse:
    """The request and its redirects, each hop re-checked by the guard (worker thread)."""
    url, method, body, headers = (
        request.url,
        request.method,
        request.body,
        dict(request.headers),
    )
    first_origin = _origin(url)
    for hop in range(WEBHOOK_MAX_REDIRECTS + 1):
        if time.monotonic() >= deadline:  # waited in the queue, or redirects used it up
            raise DeadlineExceeded("the endpoint did not answer in time")
        target = vet_url(url, allowed_hosts)
        raw = exchange(
            target,
            method=method,
            headers=headers,
            body=body,
            deadline=deadline,
            max_body_bytes=max_bytes,
        )
        location = raw.header("Location")
        if raw.status not in REDIRECT_STATUSES or not location:
            return raw
        if hop == WEBHOOK_MAX_REDIRECTS:
            raise TooManyRedirects(
                f"the endpoint redirected more than {WEBHOOK_MAX_REDIRECTS} times"
            )
        url = urljoin(url, location)
        trail.append({"status": raw.status, "location": url})
        if raw.status == 303 or (raw.status in (301, 302) and method == "POST"):
            method, body = "GET", None
            headers = {k: v for k, v in headers.items() if k.lower() != "content-type"}
        if _origin(url) != first_origin:
            # Credentials are meant for the configured endpoint only.
            headers = {
                k: v
                for k, v in headers.items()
                if k.lower() not in request.secret_headers
            }
    raise TooManyRedirects(
        f"the endpoint redirected more than {WEBHOOK_MAX_REDIRECTS} times"
    )


def _interpret(raw: RawResponse, path: str, detail: dict[str, Any]) -> ToolOutcome:
    """What the model receives for a response that arrived."""
    text = _decode(raw)
    if not 200 <= raw.status < 300:
        message = f"the endpoint answered HTTP {raw.status} {raw.reason}".rstrip()
        return error_outcome(
            "error",
            message,
            detail=detail,
            http_status=raw.status,
            body_excerpt=text[:ERROR_EXCERPT_CHARS],
        )
    try:
        output = _model_text(text, raw.header("Content-Type"), path, raw.status)
    except ResponseProblem as exc:
        return error_outcome("error", str(exc), detail=detail, http_status=raw.status)
    return ToolOutcome(output=truncate_for_model(output), detail=detail)


def _model_text(text: str, content_type: str, path: str, status: int) -> str:
    """The part of a 2xx response handed to the model (see module docs for the rules)."""
    if not text.strip():
        if path:
            raise ResponseProblem(f"the response is empty, so it has no {path!r}")
        return json.dumps({"ok": True, "http_status": status})
    try:
        data = json.loads(text)
    except ValueError:
        # Plain-text answers are fine; a body that claims to be JSON and is not is an error.
        if path or "json" in content_type.lower():
            raise ResponseProblem("the endpoint's response is not valid JSON") from None
        return text
    if path:
        data = pick(data, path)
    return data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)


def pick(data: Any, path: str) -> Any:
    """The value at dotted `path` (list indexes as numbers: items.0.name); ResponseProblem if absent."""
    current = data
    walked: list[str] = []
    for part in path.strip(".").split("."):
        if isinstance(current, dict) and part in current:
            current = current[part]
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            where = ".".join(walked) or "the top level"
            raise ResponseProblem(
                f"the response has no {path!r}: nothing called {part!r} at {where}"
            )
        walked.append(part)
    return current


def _decode(raw: RawResponse) -> str:
    charset = "utf-8"
    for param in raw.header("Content-Type").split(";")[1:]:
        key, _, value = param.strip().partition("=")
        if key.lower() == "charset" and value:
            charset = value.strip('"')
    try:
        return raw.body.decode(charset, "replace")
    except LookupError:
        return raw.body.decode("utf-8", "replace")


def _response_detail(raw: RawResponse) -> dict[str, Any]:
    headers = [
        [k, "••••" if k.lower() in ("set-cookie", "authorization") else v]
        for k, v in raw.headers
    ]
    return {
        "status": raw.status,
        "reason": raw.reason,
        "headers": headers,
        "body_excerpt": _decode(raw)[:RESPONSE_EXCERPT_CHARS],
        "size_bytes": len(raw.body),
        "address": raw.address,
        "elapsed_ms": raw.elapsed_ms,
    }


def _scrubbed(outcome: ToolOutcome, secrets: list[str]) -> ToolOutcome:
    outcome.output = scrub(outcome.output, secrets)
    outcome.error = scrub(outcome.error, secrets)
    outcome.detail = scrub(outcome.detail, secrets)
    return outcome


def _log(name: str, request: WebhookRequest, outcome: ToolOutcome) -> None:
    """One line per call: method, URL without its query, result. Never headers or bodies."""
    where = _loggable_url(request.url)
    response = outcome.detail.get("response") or {}
    if outcome.status == "ok":
        logger.info(
            "webhook tool %s: %s %s -> HTTP %s in %s ms",
            name,
            request.method,
            where,
            response.get("status"),
            outcome.detail.get("timing_ms"),
        )
    else:
        logger.warning(
            "webhook tool %s: %s %s failed (%s): %s",
            name,
            request.method,
            where,
            outcome.status,
            outcome.error,
        )


def _host_header(url: str) -> str:
    """The Host header http.client sends for `url` (port only when not the default)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        host = f"[{host}]" if ":" in host else host
        return f"{host}:{parts.port}" if parts.port else host
    except ValueError:
        return ""


def _loggable_url(url: str) -> str:
    """Scheme, host, port and path: no credentials, no query string."""
    try:
        parts = urlsplit(url)
        port = f":{parts.port}" if parts.port else ""
        return f"{parts.scheme}://{parts.hostname}{port}{parts.path}"
    except ValueError:
        return "(malformed URL)"


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = -1  # malformed: the guard refuses it on the next hop
    return (parts.scheme.lower(), (parts.hostname or "").lower(), port)


def _clamp(value: Any, default: float, low: float, high: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return min(max(number, low), high)
