"""The offline engine's recogniser for a management command, from settings or an option."""

from django.conf import settings
from django.core.management.base import CommandError

from realtime.engine import recognisers


def configured_recogniser(name: str | None = None) -> recognisers.Recogniser:
    """`name`, else OFFLINE_ENGINE_RECOGNISER; an unknown or uninstalled one is a
    CommandError: one sentence saying what to do, before anything starts."""
    try:
        return recognisers.get(name or settings.OFFLINE_ENGINE_RECOGNISER)
    except recognisers.RecogniserError as exc:
        raise CommandError(str(exc)) from exc
