"""Bots: the main form, snippets and tools inline, actions, and the extra bot pages."""

import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from botbuilder.admin import bot_pages
from botbuilder.admin.analysis import AnalysisPlanInline
from botbuilder.admin.bot_tests import run_tests_action
from botbuilder.admin.widgets import PRETTY_JSON_OVERRIDES
from botbuilder.catalogue import realtime_model
from botbuilder.models import Bot
from botbuilder.preview.views import PREVIEW_URL_NAME, preview_urls
from botbuilder.services.bot_transfer import bot_export, bots_export
from botbuilder.services.bots import bot_duplicate
from botbuilder.services.model_moves import bot_move_to_successor


class KnowledgeLinkForm(forms.ModelForm):
    class Meta:
        labels = {"knowledgesnippet": "snippet"}


class KnowledgeInline(admin.TabularInline):
    model = Bot.knowledge.through
    form = KnowledgeLinkForm
    autocomplete_fields = ("knowledgesnippet",)
    extra = 0
    verbose_name = "knowledge snippet"
    verbose_name_plural = "knowledge snippets"


class ToolInline(admin.TabularInline):
    model = Bot.tools.through
    autocomplete_fields = ("tool",)
    extra = 0
    verbose_name = "tool"
    verbose_name_plural = "tools"


@admin.register(Bot)
class BotAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "slug",
        "model",
        "model_status",
        "voice",
        "is_active",
        "snippet_count",
        "tool_count",
        "updated_at",
        "preview_link",
    )
    list_filter = ("is_active", "model", "voice")
    search_fields = ("name", "slug", "instructions")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("voice", "connection")
    formfield_overrides = PRETTY_JSON_OVERRIDES
    inlines = (KnowledgeInline, ToolInline, AnalysisPlanInline)
    actions = (
        "duplicate_bots",
        "export_bots",
        "move_to_successor_model",
        run_tests_action,  # bot tests
    )
    view_on_site = False
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (
            "Persona",
            {
                "fields": (
                    ("name", "slug"),
                    "is_active",
                    "instructions",
                    ("greeting_mode", "language"),
                    "greeting",
                    "variable_defaults",
                )
            },
        ),
        (
            "Voice & speech",
            {
                "fields": (
                    "connection",
                    "model",
                    ("reasoning_effort", "parallel_tool_calls"),
                    "voice",
                    "output_modality",
                    "max_output_tokens",
                    "noise_reduction",
                    "input_transcription_model",
                    "transcription_languages",
                    "transcription_keywords",
                )
            },
        ),
        (
            "Long calls and cost",
            {
                "description": "Every reply re-bills the conversation so far as input "
                "tokens; truncation decides how much of a long call the model keeps.",
                "fields": (
                    "truncation",
                    (
                        "truncation_retention_ratio",
                        "truncation_post_instructions_tokens",
                    ),
                ),
            },
        ),
        (
            "Turn-taking",
            {
                "fields": (
                    "turn_detection",
                    ("vad_threshold", "vad_prefix_padding_ms", "vad_silence_ms"),
                    "semantic_eagerness",
                    "interrupt_on_speech",
                    "idle_timeout_ms",
                    ("idle_reminder_after_s", "idle_reminder_max"),
                    "idle_reminder_text",
                )
            },
        ),
        (
            "Knowledge",
            {
                "description": "Attach snippets in the 'Knowledge snippets' table below.",
                "fields": ("knowledge_token_budget",),
            },
        ),
        (
            "Tools",
            {
                "description": "Attach tools in the 'Tools' table below.",
                "fields": ("tool_choice",),
            },
        ),
        (
            "Limits & privacy",
            {
                "fields": (
                    "max_session_s",
                    "wrap_up_message",
                    "record_audio",
                    "retention_days",
                )
            },
        ),
        ("Phone calls", {"fields": ("transfer_number",)}),
        ("History", {"classes": ("collapse",), "fields": ("created_at", "updated_at")}),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("voice", "connection")
            .annotate(
                snippet_total=Count("knowledge", distinct=True),
                tool_total=Count("tools", distinct=True),
            )
        )

    @admin.display(description="model status")
    def model_status(self, obj: Bot) -> str:
        """Current, legacy (with its shutdown date) or retired, from the catalogue."""
        record = realtime_model(obj.speech_model())
        if record is None:
            return "not in the catalogue"
        if record.shutdown is None:
            return record.status
        verb = "shut down" if record.is_retired else "shuts down"
        return f"{record.status}: {verb} {record.shutdown:%Y-%m-%d}"

    @admin.display(description="snippets", ordering="snippet_total")
    def snippet_count(self, obj: Bot) -> int:
        return obj.snippet_total

    @admin.display(description="tools", ordering="tool_total")
    def tool_count(self, obj: Bot) -> int:
        return obj.tool_total

    @admin.display(description="preview")
    def preview_link(self, obj: Bot) -> str:
        url = reverse(f"admin:{PREVIEW_URL_NAME}", args=[obj.pk])
        return format_html('<a class="button" href="{}">Preview</a>', url)

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        return [
            path(
                "import/",
                view(self.import_view),
                name=f"{prefix}_import",
            ),
            path(
                "<path:object_id>/assembled/",
                view(self.assembled_view),
                name=f"{prefix}_assembled",
            ),
            *preview_urls(self.admin_site),
            *super().get_urls(),
        ]

    def assembled_view(self, request, object_id):
        return bot_pages.assembled_view(self, request, object_id)

    def import_view(self, request):
        return bot_pages.import_view(self, request)

    @admin.action(description="Duplicate selected bots", permissions=["add"])
    def duplicate_bots(self, request, queryset) -> None:
        for bot in queryset:
            try:
                copy = bot_duplicate(bot=bot)
            except ValidationError as exc:
                problems = "; ".join(m for ms in exc.message_dict.values() for m in ms)
                self.message_user(
                    request, f"{bot.name} was not copied: {problems}", messages.ERROR
                )
                continue
            self.log_addition(request, copy, "Duplicated.")
            self.message_user(request, f"Created {copy.name}.", messages.SUCCESS)

    @admin.action(description="Export selected bots as JSON", permissions=["view"])
    def export_bots(self, request, queryset) -> HttpResponse:
        """One bot: a voicebot.bot document; several: one voicebot.bots document."""
        bots = list(queryset.select_related("voice", "connection"))
        if len(bots) == 1:
            data, filename = bot_export(bot=bots[0]), f"bot-{bots[0].slug}.json"
        else:
            stamp = timezone.now().strftime("%Y%m%d-%H%M")
            data, filename = bots_export(bots=bots), f"bots-{stamp}.json"
        response = HttpResponse(
            json.dumps(data, indent=2, ensure_ascii=False),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    @admin.action(description="Move to the successor model", permissions=["change"])
    def move_to_successor_model(self, request, queryset) -> None:
        """Legacy and retired models → the catalogue's successor (gpt-realtime-2.1...)."""
        for bot in queryset.select_related("voice", "connection"):
            move = bot_move_to_successor(bot=bot)
            if move.new:
                self.log_change(request, bot, f"Moved from {move.old} to {move.new}.")
                self.message_user(
                    request,
                    f"{bot.name} moved from {move.old} to {move.new}.",
                    messages.SUCCESS,
                )
            else:
                self.message_user(
                    request,
                    f"{bot.name} was not moved: {move.problem}.",
                    messages.WARNING,
                )
