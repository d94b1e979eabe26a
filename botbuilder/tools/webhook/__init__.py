"""Webhook tools: call the endpoint through the SSRF guard, hand the model the result.

The blocking HTTP work runs on a small dedicated thread pool so slow endpoints never hold
the event loop or the default executor. Everything stored or shown (outcome output, error,
detail) has the resolved secret values scrubbed out.
"""

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urljoin, urlsplit

from django.conf import settings

from botbuilder.tools.base import ToolContext, ToolOutcome, error_outcome
from botbuilder.tools.http_client import (
    DeadlineExceeded,
    RawResponse,
    ResponseTooLarge,
    exchange,
)
from botbuilder.tools.secrets import MissingSecretError, scrub
from botbuilder.tools.ssrf import BlockedURLError, DNSTimeout, vet_url
from botbuilder.tools.templating import TemplateError
from botbuilder.tools.webhook.request import (
    RESERVED_HEADERS,
    WebhookRequest,
    build_request,
)
from botbuilder.tools.webhook.response import interpret, response_detail

__all__ = ["RESERVED_HEADERS", "build_request", "run_webhook"]

logger = logging.getLogger(__name__)

WEBHOOK_DEFAULT_TIMEOUT_S = 10.0
WEBHOOK_MAX_TIMEOUT_S = 60.0
WEBHOOK_DEFAULT_MAX_RESPONSE_BYTES = 65_536
# The admin form's bounds, enforced again at call time (rows may be edited elsewhere).
WEBHOOK_MIN_RESPONSE_BYTES = 256
WEBHOOK_MAX_RESPONSE_BYTES = 1_048_576
WEBHOOK_MAX_REDIRECTS = 3
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
# Extra time the worker gets past the tool's timeout before the call is abandoned.
WORKER_GRACE_S = 1.0
WEBHOOK_WORKER_THREADS = 16

_executor = ThreadPoolExecutor(
    max_workers=WEBHOOK_WORKER_THREADS, thread_name_prefix="webhook"
)


class TooManyRedirects(RuntimeError):
    """The endpoint redirected more than WEBHOOK_MAX_REDIRECTS times."""


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
        _clamp(
            config.get("webhook_max_response_bytes"),
            WEBHOOK_DEFAULT_MAX_RESPONSE_BYTES,
            WEBHOOK_MIN_RESPONSE_BYTES,
            WEBHOOK_MAX_RESPONSE_BYTES,
        )
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
        detail["response"] = response_detail(raw)
        outcome = interpret(raw, config.get("webhook_response_path") or "", detail)
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
    except (OSError, ValueError) as exc:
        # OSError: ExchangeError (network, protocol); ValueError: a malformed header.
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
        try:
            target = vet_url(
                url, allowed_hosts, dns_timeout_s=deadline - time.monotonic()
            )
        except DNSTimeout:
            raise DeadlineExceeded("the host name did not resolve in time") from None
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
