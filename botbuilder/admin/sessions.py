"""Sessions and transcripts: a read-only record of what happened (deletable, never edited)."""

import json

from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from botbuilder.admin.analysis import SessionAnalysisAdminMixin
from botbuilder.admin.bot_tests import test_from_session_action
from botbuilder.admin.session_page import (
    format_duration,
    session_page_context,
    session_page_urls,
)
from botbuilder.dashboard.views import dashboard_urls
from botbuilder.engines import cost_summary, session_cost, session_engine_label
from botbuilder.exports.admin_views import export_sessions_action, session_export_urls
from botbuilder.exports.retention import session_purge_at
from botbuilder.models import Session, TranscriptItem


class ReadOnlyMixin:
    """Nobody adds or edits records of conversations; deleting follows the permission."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


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
        "cost_display",
        "started_by",
    )
    list_filter = ("status", "channel", "bot")
    list_select_related = ("started_by",)
    date_hierarchy = "started_at"
    search_fields = ("bot_name", "id", "items__text")
    actions = [export_sessions_action, test_from_session_action]
    # The conversation comes first, then these fields; the configuration last, collapsed.
    change_form_template = "admin/botbuilder/session/change_form.html"
    # The session's absolute URL is this page: "View on site" would link to itself.
    view_on_site = False
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
                )
            },
        ),
        (
            "Model",
            {"fields": (("engine_display", "model", "voice"), "variables")},
        ),
        (
            "Usage",
            {
                "fields": (
                    ("turn_count", "cost_display"),
                    ("text_in_tokens", "text_cached_tokens", "text_out_tokens"),
                    ("audio_in_tokens", "audio_cached_tokens", "audio_out_tokens"),
                    "cost_lines_display",
                )
            },
        ),
        (
            "Configuration sent to the model",
            {"fields": ("config_pretty",), "classes": ("collapse",)},
        ),
    )
    readonly_fields = (
        "duration_display",
        "purged_after",
        "config_pretty",
        "engine_display",
        "cost_display",
        "cost_lines_display",
    )

    def get_urls(self):
        return (
            session_export_urls(self.admin_site)
            + session_page_urls(self.admin_site)
            + dashboard_urls(self.admin_site)
            + super().get_urls()
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        session = self.get_object(request, object_id)
        extra = session_page_context(session=session) if session is not None else {}
        return super().change_view(
            request, object_id, form_url, {**extra, **(extra_context or {})}
        )

    @admin.display(description="engine")
    def engine_display(self, obj: Session) -> str:
        return session_engine_label(obj)

    @admin.display(description="cost", ordering="cost_usd")
    def cost_display(self, obj: Session) -> str:
        return cost_summary(session_cost(obj))

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
        return format_duration(obj.duration)

    @admin.display(description="purged after")
    def purged_after(self, obj: Session) -> str:
        purge_at = session_purge_at(obj)
        if purge_at is None:
            return "—"
        return f"{timezone.localtime(purge_at):%Y-%m-%d %H:%M %Z}"

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
