"""The end-of-call webhook: a Standard Webhooks signed POST per ended session.

Headers `webhook-id` (the same on every retry), `webhook-timestamp` (Unix seconds) and
`webhook-signature` = "v1," + base64(HMAC-SHA256(secret, f"{id}.{timestamp}.{body}")).
The secret comes from an environment variable the server allows
(ANALYSIS_WEBHOOK_SECRET_ENVS); `whsec_<base64>` secrets are decoded as the spec says,
any other value is used as its UTF-8 bytes. The URL passes the tool webhooks' SSRF guard
on every attempt; failures are retried with exponential backoff through the task queue.
"""

import base64
import hashlib
import hmac
import json
import logging
import time
from datetime import timedelta
from http.client import HTTPException
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from botbuilder.analysis.payload import session_payload
from botbuilder.analysis.secret import WebhookConfigError, webhook_secret
from botbuilder.analysis.selectors import analysis_plan_for
from botbuilder.models import Session, WebhookDelivery
from botbuilder.models.analysis_results import DeliveryStatus
from botbuilder.tools.http_client import exchange
from botbuilder.tools.ssrf import BlockedURLError, vet_url

logger = logging.getLogger(__name__)

MAX_RESPONSE_BYTES = 64 * 1024  # the receiver's answer is logged, never used
LOGGED_BODY_CHARS = 300
MAX_BACKOFF_S = 3600


def signature(secret: bytes, message_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` header value (Standard Webhooks v1, HMAC-SHA256)."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def webhook_enqueue(*, session_id: Any) -> WebhookDelivery | None:
    """Queue the end-of-call webhook of the session's bot, if it has one."""
    from botbuilder.analysis.tasks import deliver_webhook

    bot_id = Session.objects.filter(pk=session_id).values_list("bot_id", flat=True)
    plan = analysis_plan_for(bot_id=bot_id.first())
    if plan is None or not plan.webhook_url:
        return None
    delivery = WebhookDelivery.objects.create(
        session_id=session_id, url=plan.webhook_url
    )
    transaction.on_commit(
        lambda: deliver_webhook.enqueue(delivery_id=delivery.pk, attempt=1)
    )
    return delivery


def backoff_s(attempt: int) -> float:
    """Seconds to wait after failed attempt `attempt` (1, 2, ...): doubling, capped."""
    return min(settings.WEBHOOK_RETRY_BASE_S * 2 ** (attempt - 1), MAX_BACKOFF_S)


def webhook_deliver(*, delivery_id: int, attempt: int = 1) -> str:
    """Send one attempt of a delivery; schedule the next on failure. Returns the status."""
    delivery = WebhookDelivery.objects.select_related("session").filter(pk=delivery_id)
    delivery = delivery.first()
    if delivery is None or delivery.status == DeliveryStatus.DELIVERED:
        return "gone" if delivery is None else delivery.status
    plan = analysis_plan_for(bot_id=delivery.session.bot_id)
    started = time.monotonic()
    entry: dict[str, Any] = {"attempt": attempt, "at": timezone.now().isoformat()}
    retry = False
    try:
        secret = webhook_secret(plan.webhook_secret_env if plan else "")
        body = json.dumps(
            session_payload(session=delivery.session, message_id=delivery.message_id),
            cls=DjangoJSONEncoder,
        ).encode()
        timestamp = int(time.time())
        headers = {
            "content-type": "application/json",
            "user-agent": "voice-bot-builder-webhook/1",
            "webhook-id": delivery.message_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": signature(
                secret, delivery.message_id, timestamp, body
            ),
        }
        response = _post(delivery.url, headers, body)
    except (WebhookConfigError, BlockedURLError) as exc:
        entry["error"] = f"Not sent: {exc}"
    except (OSError, ValueError, HTTPException) as exc:  # network, timeout, protocol
        entry["error"] = (
            f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        )
        retry = True
    else:
        entry["status"] = response.status
        entry["body"] = response.body[:LOGGED_BODY_CHARS].decode("utf-8", "replace")
        delivery.response_status = response.status
        retry = not 200 <= response.status < 300
        if retry:
            entry["error"] = f"HTTP {response.status}"
    entry["duration_ms"] = int((time.monotonic() - started) * 1000)
    return _record(delivery, attempt, entry, retry)


def _post(url: str, headers: dict[str, str], body: bytes):
    """One POST through the SSRF guard (redirects are not followed: a 3xx is a failure)."""
    target = vet_url(url, settings.WEBHOOK_ALLOWED_HOSTS)
    return exchange(
        target,
        method="POST",
        headers=headers,
        body=body,
        deadline=time.monotonic() + settings.WEBHOOK_TIMEOUT_S,
        max_body_bytes=MAX_RESPONSE_BYTES,
    )


def _record(
    delivery: WebhookDelivery, attempt: int, entry: dict[str, Any], retry: bool
) -> str:
    from botbuilder.analysis.tasks import deliver_webhook

    delivery.attempts = attempt
    delivery.log = [*delivery.log, entry]
    delivery.error = entry.get("error", "")
    delivery.next_attempt_at = None
    if not delivery.error:
        delivery.status, delivery.delivered_at = (
            DeliveryStatus.DELIVERED,
            timezone.now(),
        )
    elif retry and attempt < settings.WEBHOOK_MAX_ATTEMPTS:
        delay = backoff_s(attempt)
        delivery.status = DeliveryStatus.RETRYING
        delivery.next_attempt_at = timezone.now() + timedelta(seconds=delay)
        deliver_webhook.using(run_after=delivery.next_attempt_at).enqueue(
            delivery_id=delivery.pk, attempt=attempt + 1
        )
    else:
        delivery.status = DeliveryStatus.FAILED
    delivery.save()
    logger.info(
        "Webhook %s attempt %d: %s %s",
        delivery.message_id,
        attempt,
        delivery.status,
        delivery.error,
    )
    return delivery.status
