"""System checks: a missing API key is a warning, never an error (the admin must work)."""

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
