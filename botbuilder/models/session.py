"""Live conversations and what was said in them."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse

from botbuilder.models.choices import (
    CutReason,
    EndReason,
    ItemKind,
    ItemRole,
    SessionChannel,
    SessionStatus,
    ToolCallStatus,
)


class Session(models.Model):
    id = models.UUIDField(
        "session id", primary_key=True, default=uuid.uuid4, editable=False
    )
    bot = models.ForeignKey(
        "botbuilder.Bot",
        verbose_name="bot",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions",
        help_text="The bot that answered. Kept empty if the bot was deleted later.",
    )
    bot_name = models.CharField(
        "bot name", max_length=100, help_text="The bot's name when the session started."
    )
    channel = models.CharField(
        "channel",
        max_length=20,
        choices=SessionChannel.choices,
        default=SessionChannel.PREVIEW,
        help_text="Where the caller came from.",
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="started by",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="voice_sessions",
        help_text="The staff member who started a preview session.",
    )
    caller = models.CharField(
        "caller",
        max_length=100,
        blank=True,
        help_text="Phone number or client id, if known.",
    )
    provider_call_id = models.CharField(
        "provider call id",
        max_length=100,
        blank=True,
        db_index=True,
        help_text="Phone calls: Twilio's Call SID (CA...) or OpenAI's SIP call id.",
    )
    started_at = models.DateTimeField("started", auto_now_add=True, db_index=True)
    ended_at = models.DateTimeField("ended", null=True, blank=True)
    status = models.CharField(
        "status",
        max_length=20,
        choices=SessionStatus.choices,
        default=SessionStatus.ACTIVE,
        db_index=True,
    )
    end_reason = models.CharField(
        "end reason", max_length=30, choices=EndReason.choices, blank=True
    )
    end_detail = models.TextField(
        "end detail",
        blank=True,
        help_text="Error message or other detail about the end.",
    )
    heartbeat_at = models.DateTimeField(
        "last heartbeat",
        null=True,
        blank=True,
        db_index=True,
        help_text="When the worker running this session last said it was alive. A session "
        "whose worker stopped beating is ended as failed (worker lost).",
    )
    worker_id = models.CharField(
        "worker",
        max_length=120,
        blank=True,
        help_text="The worker process running the session (host:pid:random).",
    )
    model = models.CharField("model", max_length=80, blank=True)
    voice = models.CharField("voice", max_length=40, blank=True)
    connection_kind = models.CharField("provider", max_length=20, blank=True)
    engine = models.CharField(
        "engine",
        max_length=200,
        blank=True,
        help_text="Which engine answered, in words: the offline rehearsal engine, an "
        "OpenAI model, an Azure deployment.",
    )
    variables = models.JSONField("variables", default=dict, blank=True)
    config_snapshot = models.JSONField(
        "config snapshot",
        default=dict,
        blank=True,
        help_text="The assembled session configuration exactly as sent to the model.",
    )
    # Usage, summed over every response (tokens).
    text_in_tokens = models.PositiveIntegerField("text input tokens", default=0)
    text_cached_tokens = models.PositiveIntegerField(
        "cached text input tokens", default=0
    )
    audio_in_tokens = models.PositiveIntegerField("audio input tokens", default=0)
    audio_cached_tokens = models.PositiveIntegerField(
        "cached audio input tokens", default=0
    )
    text_out_tokens = models.PositiveIntegerField("text output tokens", default=0)
    audio_out_tokens = models.PositiveIntegerField("audio output tokens", default=0)
    cost_usd = models.DecimalField(
        "cost (USD)", max_digits=12, decimal_places=6, default=0
    )
    cost_lines = models.JSONField(
        "cost by line",
        default=list,
        blank=True,
        help_text="Each billed kind of token (cached input, image, caller transcription) "
        "with its count, rate and cost (botbuilder.pricing.cost_lines).",
    )
    turn_count = models.PositiveIntegerField("turns", default=0)
    recording = models.FileField(
        "recording",
        upload_to="recordings/%Y/%m/",
        blank=True,
        help_text="Stereo WAV: caller left, bot right.",
    )

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["bot", "started_at"])]

    def __str__(self) -> str:
        return f"{self.bot_name} · {self.started_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("admin:botbuilder_session_change", args=[self.pk])

    @property
    def group_name(self) -> str:
        """Channel-layer group every process can send to, to reach this live session."""
        return f"session.{self.pk.hex}"

    @property
    def duration(self) -> timedelta | None:
        return (
            self.ended_at - self.started_at
            if self.ended_at and self.started_at
            else None
        )


class TranscriptItem(models.Model):
    session = models.ForeignKey(
        Session, verbose_name="session", on_delete=models.CASCADE, related_name="items"
    )
    seq = models.PositiveIntegerField(
        "sequence", help_text="Position in the conversation (the model's item order)."
    )
    upstream_item_id = models.CharField("model item id", max_length=100, blank=True)
    role = models.CharField("role", max_length=20, choices=ItemRole.choices)
    kind = models.CharField(
        "kind", max_length=20, choices=ItemKind.choices, default=ItemKind.MESSAGE
    )
    text = models.TextField(
        "text", blank=True, help_text="What was said (or generated)."
    )
    heard_text = models.TextField(
        "heard text",
        blank=True,
        help_text="For interrupted bot replies: the part the caller actually heard.",
    )
    interrupted = models.BooleanField("interrupted", default=False)
    cut_reason = models.CharField(
        "cut by",
        max_length=20,
        choices=CutReason.choices,
        blank=True,
        help_text="For interrupted bot replies: why the caller heard only part of it.",
    )
    started_ms = models.PositiveIntegerField(
        "start (ms)",
        null=True,
        blank=True,
        help_text="Milliseconds from session start.",
    )
    ended_ms = models.PositiveIntegerField(
        "end (ms)", null=True, blank=True, help_text="Milliseconds from session start."
    )
    latency_ms = models.PositiveIntegerField(
        "latency (ms)",
        null=True,
        blank=True,
        help_text="Bot replies: caller stopped speaking → first audio from the model.",
    )
    tool_name = models.CharField("tool", max_length=64, blank=True)
    tool_call_id = models.CharField("call id", max_length=100, blank=True)
    tool_arguments = models.JSONField("arguments", null=True, blank=True)
    tool_result = models.TextField(
        "result", blank=True, help_text="What the model received."
    )
    tool_status = models.CharField(
        "tool status", max_length=20, choices=ToolCallStatus.choices, blank=True
    )
    tool_duration_ms = models.PositiveIntegerField(
        "tool duration (ms)", null=True, blank=True
    )
    created_at = models.DateTimeField("stored", auto_now_add=True)

    class Meta:
        ordering = ["session", "seq"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "seq"], name="unique_item_seq_per_session"
            )
        ]
        verbose_name = "transcript item"

    def __str__(self) -> str:
        return f"#{self.seq} {self.role}: {self.text[:60]}"
