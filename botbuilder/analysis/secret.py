"""The end-of-call webhook's signing secret: read from an environment variable the server
allows (ANALYSIS_WEBHOOK_SECRET_ENVS). The only place that reads it, so the allow-list can
move to a shared secrets module without touching the callers."""

import base64
import binascii
import os

from django.conf import settings

SECRET_PREFIX = "whsec_"  # Standard Webhooks: whsec_ + base64 of the key bytes


class WebhookConfigError(ValueError):
    """The webhook cannot be signed as configured; the message says why (no value)."""


def webhook_secret_allowed(env_name: str) -> bool:
    """Whether a bot's webhook may be signed with the variable `env_name`."""
    return bool(env_name) and env_name in settings.ANALYSIS_WEBHOOK_SECRET_ENVS


def webhook_secret(env_name: str) -> bytes:
    """The signing key from environment variable `env_name`, if the server allows it."""
    if not webhook_secret_allowed(env_name):
        raise WebhookConfigError(
            f"The variable {env_name or '(none)'} is not in ANALYSIS_WEBHOOK_SECRET_ENVS; "
            "add it there to sign webhooks with it."
        )
    value = os.environ.get(env_name, "").strip()
    if not value:
        raise WebhookConfigError(f"The variable {env_name} is not set on the server.")
    if value.startswith(SECRET_PREFIX):
        encoded = value[len(SECRET_PREFIX) :]
        encoded += "=" * (-len(encoded) % 4)  # senders often drop the padding
        try:
            return base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise WebhookConfigError(
                f"The variable {env_name} starts with whsec_ but the rest is not base64."
            ) from None
    return value.encode()
