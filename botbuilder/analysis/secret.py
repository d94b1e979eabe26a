"""The end-of-call webhook's signing secret: read from an environment variable allowed as a
bot secret (botbuilder/secrets.py: the BOT_SECRET_ prefix and SECRET_ENV_ALLOWED), or
named in ANALYSIS_WEBHOOK_SECRET_ENVS; never one of the server's own settings."""

import base64
import binascii
import os

from django.conf import settings

from botbuilder.secrets import (
    SERVER_ENV_NAMES,
    SERVER_ENV_PREFIXES,
    allowed_prefix,
    is_secret_env_allowed,
)

SECRET_PREFIX = "whsec_"  # Standard Webhooks: whsec_ + base64 of the key bytes


class WebhookConfigError(ValueError):
    """The webhook cannot be signed as configured; the message says why (no value)."""


def webhook_secret_allowed(env_name: str) -> bool:
    """Whether a bot's webhook may be signed with the variable `env_name`."""
    # A BOT_SECRET_ variable, or one listed for webhooks (not e.g. the OpenAI key).
    if env_name.startswith(allowed_prefix()) and is_secret_env_allowed(env_name):
        return True
    listed = env_name in settings.ANALYSIS_WEBHOOK_SECRET_ENVS
    server_own = env_name.upper() in SERVER_ENV_NAMES or env_name.upper().startswith(
        SERVER_ENV_PREFIXES
    )
    return bool(env_name) and listed and not server_own


def webhook_secret(env_name: str) -> bytes:
    """The signing key from environment variable `env_name`, if the server allows it."""
    if not webhook_secret_allowed(env_name):
        raise WebhookConfigError(
            f"The variable {env_name or '(none)'} may not be used as a secret: use a name "
            "starting with BOT_SECRET_ (SECRET_ENV_PREFIX) or list it in "
            "ANALYSIS_WEBHOOK_SECRET_ENVS."
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
