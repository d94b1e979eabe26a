"""System checks: a missing API key is a warning, never an error (the admin must work).

Bots on legacy models warn (with the shutdown date) and bots on retired models are errors;
those read the database, so they run with `manage.py check --database default` and before
`migrate` (never at `runserver`). `manage.py move_to_successor_models` fixes them.
"""

import logging

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import DatabaseError

from botbuilder.catalogue import (
    Status,
    realtime_model,
    successor_of,
    transcription_model,
)

MOVE_HINT = (
    "In the bot list choose 'Move to the successor model', or run "
    "`python manage.py move_to_successor_models`."
)


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


@register(Tags.database)
def bot_model_check(app_configs, databases=None, **kwargs):
    """Warn for bots on legacy models, error for bots on retired ones."""
    if not databases:  # only `check --database` and `migrate` read the database
        return []
    from botbuilder.models import Bot, Connection

    try:
        bots = list(Bot.objects.values_list("name", "model"))
        bots += [
            (f"connection {name}", model)
            for name, model in Connection.objects.exclude(azure_model="").values_list(
                "name", "azure_model"
            )
        ]
    except DatabaseError:  # tables not created yet (before the first migrate)
        return []
    messages = []
    for name, model in bots:
        record = realtime_model(model)
        if record is None or record.status == Status.CURRENT:
            continue
        successor = successor_of(model)
        to = f" Its successor is {successor.name}." if successor else ""
        if record.status == Status.RETIRED:
            messages.append(
                Error(
                    f"Bot {name!r} uses {model}, shut down on {record.shutdown}: its "
                    f"sessions are refused.{to}",
                    hint=MOVE_HINT,
                    id="botbuilder.E002",
                )
            )
        elif record.shutdown:
            messages.append(
                Warning(
                    f"Bot {name!r} uses {model}, a legacy model that shuts down on "
                    f"{record.shutdown}.{to}",
                    hint=MOVE_HINT,
                    id="botbuilder.W002",
                )
            )
    return messages


@register(Tags.database)
def bot_transcription_model_check(app_configs, databases=None, **kwargs):
    """Warn for bots whose caller transcription model is retiring (February 2027)."""
    if not databases:
        return []
    from botbuilder.models import Bot

    try:
        bots = list(
            Bot.objects.exclude(input_transcription_model="").values_list(
                "name", "input_transcription_model"
            )
        )
    except DatabaseError:
        return []
    messages = []
    for name, model in bots:
        record = transcription_model(model)
        if record is not None and record.shutdown:
            messages.append(
                Warning(
                    f"Bot {name!r} transcribes callers with {model}, which shuts down on "
                    f"{record.shutdown}.",
                    hint=f"Choose {record.successor} as the bot's caller transcription.",
                    id="botbuilder.W003",
                )
            )
    return messages


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
