"""Sessions and transcripts: a read-only record of what happened (deletable, never edited)."""

import json

from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from botbuilder.admin.analysis import SessionAnalysisAdminMixin
from botbuilder.admin.bot_tests import test_from_session_action
from botbuilder.exports.admin_views import export_sessions_action, session_export_urls
from botbuilder.exports.retention import session_purge_at
from botbuilder.models import Session, TranscriptItem

TRANSCRIPT_FIELDS = (
    "seq",
    "started_ms",
    "role",
    "kind",
    "text",
    "heard_text",
    "interrupted",
    "tool_name",
    "tool_status",
    "latency_ms",
)


class ReadOnlyMixin:
    """Nobody adds or edits records of conversations; deleting follows the permission."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class TranscriptInline(ReadOnlyMixin, admin.TabularInline):
    model = TranscriptItem
    fields = TRANSCRIPT_FIELDS
    readonly_fields = TRANSCRIPT_FIELDS
    ordering = ("seq",)
    extra = 0
    can_delete = False
    verbose_name_plural = "transcript"


@admin.register(Session)
class SessionAdmin(SessionAnalysisAdminMixin, ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "bot_name",
        "channel",
        "started_at",
        "duration_display",
        "status",
        "end_reason",
        "turn_count",
        "cost_usd",
        "started_by",
    )
    list_filter = ("status", "channel", "bot")
    list_select_related = ("started_by",)
    date_hierarchy = "started_at"
    search_fields = ("bot_name", "id", "items__text")
    inlines = (TranscriptInline,)
    actions = [export_sessions_action, test_from_session_action]
    change_form_template = "admin/botbuilder/session/export_change_form.html"
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "id",
                    ("bot", "bot_name"),
                    ("channel", "caller", "started_by"),
                    ("started_at", "ended_at", "duration_display"),
                    ("status", "end_reason"),
                    "end_detail",
                    "purged_after",
                    "recording",
                )
            },
        ),
        ("Model", {"fields": (("model", "voice", "connection_kind"), "variables")}),
        (
            "Usage",
            {
                "fields": (
                    ("turn_count", "cost_usd"),
                    ("text_in_tokens", "text_cached_tokens", "text_out_tokens"),
                    ("audio_in_tokens", "audio_cached_tokens", "audio_out_tokens"),
                    "cost_lines_display",
                )
            },
        ),
        ("Configuration sent to the model", {"fields": ("config_pretty",)}),
    )
    readonly_fields = (
        "duration_display",
        "purged_after",
        "config_pretty",
        "cost_lines_display",
    )

    def get_urls(self):
        return session_export_urls(self.admin_site) + super().get_urls()

    @admin.display(description="cost by line")
    def cost_lines_display(self, obj: Session) -> str:
        """Each billed kind (cached input, images, caller transcription) and its cost."""
        lines = obj.cost_lines if isinstance(obj.cost_lines, list) else []
        return (
            format_html_join(
                mark_safe("<br>"),
                "{}: ${} ({})",
                (
                    (
                        line.get("label", ""),
                        line.get("cost_usd", "0"),
                        f"{line['seconds']:g} s"
                        if "seconds" in line
                        else f"{line.get('tokens', 0)} tokens",
                    )
                    for line in lines
                ),
            )
            or "—"
        )

    @admin.display(description="duration")
    def duration_display(self, obj: Session) -> str:
        if obj.duration is None:
            return "—"
        minutes, seconds = divmod(int(obj.duration.total_seconds()), 60)
        return f"{minutes} min {seconds:02d} s" if minutes else f"{seconds} s"

    @admin.display(description="purged after")
    def purged_after(self, obj: Session):
        return session_purge_at(obj) or "—"

    @admin.display(description="config snapshot")
    def config_pretty(self, obj: Session) -> str:
        pretty = json.dumps(obj.config_snapshot, indent=2, ensure_ascii=False)
        return format_html('<pre style="white-space: pre-wrap">{}</pre>', pretty)


@admin.register(TranscriptItem)
class TranscriptItemAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "session",
        "seq",
        "role",
        "kind",
        "text",
        "tool_name",
        "tool_status",
    )
    list_filter = ("role", "kind", "interrupted", "tool_status")
    list_select_related = ("session",)
    search_fields = ("text", "heard_text", "tool_name", "session__bot_name")
