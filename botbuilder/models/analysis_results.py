"""What post-call analysis produced for a session, and the end-of-call webhook log."""

import uuid

from django.db import models


class AnalysisStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped (conditions not met)"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered"
    RETRYING = "retrying", "Failed, will retry"
    FAILED = "failed", "Failed"


class SessionAnalysis(models.Model):
    session = models.OneToOneField(
        "botbuilder.Session",
        verbose_name="session",
        on_delete=models.CASCADE,
        related_name="analysis",
        primary_key=True,
    )
    status = models.CharField(
        "analysis",
        max_length=10,
        choices=AnalysisStatus.choices,
        default=AnalysisStatus.PENDING,
        db_index=True,
    )
    summary = models.TextField("summary", blank=True)
    data = models.JSONField(
        "data", default=dict, blank=True, help_text="Extracted value per data field."
    )
    rationales = models.JSONField(
        "rationales",
        default=dict,
        blank=True,
        help_text="Why each value was chosen, per data field.",
    )
    criteria = models.JSONField(
        "criteria results",
        default=dict,
        blank=True,
        help_text="Per criterion: passed, score, max_score and rationale.",
    )
    successful = models.BooleanField("successful", null=True, blank=True)
    flagged = models.BooleanField("flagged for review", default=False, db_index=True)
    problems = models.JSONField(
        "problems",
        default=list,
        blank=True,
        help_text="Why the call is unsuccessful or flagged.",
    )
    error = models.TextField("error", blank=True, help_text="Why the analysis failed.")
    attempts = models.PositiveSmallIntegerField("attempts", default=0)
    plan_snapshot = models.JSONField(
        "plan", default=dict, blank=True, help_text="The plan the analysis ran with."
    )
    cost_usd = models.DecimalField(
        "analysis cost (USD)", max_digits=12, decimal_places=6, default=0
    )
    queued_at = models.DateTimeField("queued", auto_now_add=True)
    started_at = models.DateTimeField("started", null=True, blank=True)
    finished_at = models.DateTimeField("finished", null=True, blank=True)

    class Meta:
        verbose_name = "session analysis"
        verbose_name_plural = "session analyses"

    def __str__(self) -> str:
        return f"Analysis of {self.session_id} ({self.status})"


class WebhookDelivery(models.Model):
    session = models.ForeignKey(
        "botbuilder.Session",
        verbose_name="session",
        on_delete=models.CASCADE,
        related_name="webhook_deliveries",
    )
    message_id = models.CharField(
        "webhook-id",
        max_length=64,
        default="",
        help_text="The same on every retry, so receivers can drop duplicates.",
    )
    url = models.URLField("URL")
    status = models.CharField(
        "status",
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField("attempts", default=0)
    response_status = models.PositiveSmallIntegerField(
        "last HTTP status", null=True, blank=True
    )
    error = models.TextField("last error", blank=True)
    log = models.JSONField(
        "attempt log",
        default=list,
        blank=True,
        help_text="Every attempt: time, HTTP status or error, duration.",
    )
    created_at = models.DateTimeField("created", auto_now_add=True)
    next_attempt_at = models.DateTimeField("next attempt", null=True, blank=True)
    delivered_at = models.DateTimeField("delivered", null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "webhook delivery"
        verbose_name_plural = "webhook deliveries"

    def __str__(self) -> str:
        return f"{self.message_id} → {self.url} ({self.status})"

    def save(self, *args, **kwargs):
        if not self.message_id:
            self.message_id = f"msg_{uuid.uuid4().hex}"
        super().save(*args, **kwargs)
