"""Writes of the phone feature."""

from botbuilder.models import Bot
from botbuilder.models.choices import NoiseReduction

# Phone-grade defaults: callers on speakerphones and in cars, and lines left open in silence.
PHONE_NOISE_REDUCTION = NoiseReduction.FAR_FIELD
PHONE_IDLE_REMINDER_AFTER_S = 10


def bot_apply_phone_defaults(*, bot: Bot) -> list[str]:
    """Far-field noise reduction and an idle reminder (if none is set) for `bot`; returns
    the names of the fields it changed."""
    changed = []
    if bot.noise_reduction != PHONE_NOISE_REDUCTION:
        bot.noise_reduction = PHONE_NOISE_REDUCTION
        changed.append("noise_reduction")
    if bot.idle_reminder_after_s is None:
        bot.idle_reminder_after_s = PHONE_IDLE_REMINDER_AFTER_S
        changed.append("idle_reminder_after_s")
    if changed:
        bot.save(update_fields=[*changed, "updated_at"])
    return changed
