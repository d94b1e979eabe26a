"""System checks: a missing API key is a warning, never an error (the admin must work)."""

import logging

from django.conf import settings
from django.core.checks import Warning, register


@register()
def openai_key_check(app_configs, **kwargs):
    """Warn when no OpenAI key is configured: sessions then use the offline engine."""
    if settings.OPENAI_API_KEY:
        return []
    return [
        Warning(
            "OPENAI_API_KEY is not set: bots without a connection of their own use the "
            "offline rehearsal engine.",
            hint="Set OPENAI_API_KEY in .env (or add a Connection) to talk to OpenAI.",
            id="botbuilder.W001",
        )
    ]


# How long the startup check waits for Redis before calling it unreachable.
LAYER_CHECK_TIMEOUT_S = 1.0


@register()
def channel_layer_check(app_configs, **kwargs):
    """Warn when REDIS_URL is set but Redis does not answer: live sessions would fail."""
    url = settings.REDIS_URL
    if not url:
        return []
    import redis

    client = redis.Redis.from_url(
        url,
        socket_connect_timeout=LAYER_CHECK_TIMEOUT_S,
        socket_timeout=LAYER_CHECK_TIMEOUT_S,
    )
    try:
        client.ping()
    except (redis.RedisError, OSError) as exc:
        return [
            Warning(
                f"The channel layer is unreachable: Redis at REDIS_URL does not answer "
                f"({exc.__class__.__name__}). Live sessions and End session will fail.",
                hint="Start Redis or correct REDIS_URL (empty: the in-memory layer of a "
                "single worker).",
                id="botbuilder.W010",
            )
        ]
    finally:
        client.close()
    return []


def log_channel_layer_problems() -> None:
    """Log the channel layer check's warnings (daphne runs no system checks at start)."""
    for warning in channel_layer_check(None):
        logging.getLogger("botbuilder.checks").warning(
            "%s %s", warning.msg, warning.hint
        )
