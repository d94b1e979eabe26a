"""A voice the bot speaks with, on the provider and in the offline engine."""

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

from botbuilder.models.choices import ProviderVoice


class Voice(models.Model):
    name = models.CharField(
        "name",
        max_length=100,
        unique=True,
        help_text="How this voice is called in your team.",
    )
    provider_voice = models.CharField(
        "provider voice",
        max_length=20,
        choices=ProviderVoice.choices,
        default=ProviderVoice.MARIN,
        help_text="The OpenAI voice id. Marin and Cedar sound best but need a gpt-realtime model.",
    )
    custom_voice_id = models.CharField(
        "custom voice id",
        max_length=100,
        blank=True,
        validators=[
            RegexValidator(
                r"^voice_[A-Za-z0-9_-]+$",
                "A custom voice id looks like voice_1234 (from your OpenAI account).",
                code="invalid_custom_voice_id",
            )
        ],
        help_text="A custom voice made from audio samples in your OpenAI account, e.g. "
        "voice_1234. When set it replaces the provider voice (current models only; the "
        "offline engine keeps its own voice).",
    )
    speed = models.FloatField(
        "speed",
        default=1.0,
        validators=[MinValueValidator(0.25), MaxValueValidator(1.5)],
        help_text="Speaking speed, 0.25 (slow) to 1.5 (fast); 1.0 is natural.",
    )
    description = models.TextField(
        "description",
        blank=True,
        help_text="What this voice is for, e.g. 'warm, for clinics'.",
    )
    offline_voice = models.CharField(
        "offline engine voice",
        max_length=50,
        default="en-us+klatt3",
        help_text="eSpeak NG voice used by the offline engine, e.g. en-us, en-us+f3, "
        "en-us+klatt3, en-gb-x-rp.",
    )
    offline_rate_wpm = models.PositiveSmallIntegerField(
        "offline engine rate (words/min)",
        default=165,
        validators=[MinValueValidator(80), MaxValueValidator(400)],
        help_text="Speaking rate of the offline engine voice, 80 to 400 words per minute.",
    )
    offline_pitch = models.PositiveSmallIntegerField(
        "offline engine pitch",
        default=50,
        validators=[MaxValueValidator(99)],
        help_text="Pitch of the offline engine voice, 0 (low) to 99 (high).",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.provider_voice})"
