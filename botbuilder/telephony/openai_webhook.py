"""Verifying OpenAI's webhooks (Standard Webhooks: webhook-id, -timestamp, -signature).

The `standardwebhooks` package does the check (HMAC-SHA256 over "id.timestamp.body" keyed
by the base64 secret after `whsec_`, constant-time compare, timestamps more than 5 minutes
away refused); it has no dependencies of its own.
"""

import binascii
from typing import Any

from standardwebhooks.webhooks import (
    EmptyWebhookSecretError,
    Webhook,
    WebhookVerificationError,
)


class InvalidWebhook(ValueError):
    """The request is not a genuine, fresh webhook signed with this secret."""


def verify_webhook(secret: str, body: bytes, headers: dict[str, str]) -> Any:
    """The JSON payload of a verified webhook; raises InvalidWebhook otherwise."""
    if not secret:
        raise InvalidWebhook("no webhook secret is configured")
    try:
        return Webhook(secret).verify(body, headers)
    except (
        WebhookVerificationError,
        EmptyWebhookSecretError,
        binascii.Error,
        UnicodeDecodeError,
        ValueError,
    ) as exc:
        raise InvalidWebhook(str(exc)) from None
