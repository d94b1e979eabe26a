"""Post-call analysis in the admin: shared data fields and criteria, the plan per bot,
and what the session admin adds (columns, filters, re-run, CSV, webhook log)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone

from botbuilder.admin.widgets import PRETTY_JSON_OVERRIDES
from botbuilder.analysis.export import render_analysis_csv
from botbuilder.analysis.payload import session_analysis
from botbuilder.analysis.services import analysis_enqueue
from botbuilder.exports.responses import streaming_download
from botbuilder.models import (
    AnalysisCriterion,
    AnalysisDataField,
    AnalysisPlan,
    Session,
    SessionAnalysis,
    WebhookDelivery,
)
from botbuilder.models.analysis import DataFieldType

# Webhook URLs typed without a scheme are https (Django 6's default, no warning now).
PLAN_FORMFIELD_OVERRIDES = {
    **PRETTY_JSON_OVERRIDES,
    models.URLField: {"assume_scheme": "https"},
}


def _plan_bots(obj) -> str:
    return ", ".join(plan.bot.name for plan in obj.plans.all()) or "—"


@admin.register(AnalysisDataField)
class AnalysisDataFieldAdmin(admin.ModelAdmin):
    list_display = ("name", "field_type", "required", "flags_review", "bots")
    list_filter = ("field_type", "required", "flags_review")
    search_fields = ("name", "description")
    formfield_overrides = PRETTY_JSON_OVERRIDES
    fieldsets = (
        (None, {"fields": ("name", "field_type", "description")}),
        ("Values", {"fields": ("choices", "json_schema", "examples")}),
        ("Rules", {"fields": ("required", "applies_when", "flags_review")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("plans__bot")

    @admin.display(description="bots using it")
    def bots(self, obj: AnalysisDataField) -> str:
        return _plan_bots(obj)


@admin.register(AnalysisCriterion)
class AnalysisCriterionAdmin(admin.ModelAdmin):
    list_display = ("name", "scoring", "max_score", "pass_score", "bots")
    list_filter = ("scoring",)
    search_fields = ("name", "instructions")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("plans__bot")

    @admin.display(description="bots using it")
    def bots(self, obj: AnalysisCriterion) -> str:
        return _plan_bots(obj)


PLAN_FIELDSETS = (
    (None, {"fields": ("is_enabled",)}),
    ("Summary", {"fields": ("summary_enabled", "summary_prompt", "summary_language")}),
    ("Data and success criteria", {"fields": ("data_fields", "criteria")}),
    ("When to run", {"fields": ("min_turns", "min_duration_s", "end_reasons")}),
    ("End-of-call webhook", {"fields": ("webhook_url", "webhook_secret_env")}),
)


@admin.register(AnalysisPlan)
class AnalysisPlanAdmin(admin.ModelAdmin):
    list_display = ("bot", "is_enabled", "summary_enabled", "webhook_url")
    list_select_related = ("bot",)
    autocomplete_fields = ("bot",)
    filter_horizontal = ("data_fields", "criteria")
    formfield_overrides = PLAN_FORMFIELD_OVERRIDES
    fieldsets = ((None, {"fields": ("bot",)}), *PLAN_FIELDSETS)


class AnalysisPlanInline(admin.StackedInline):
    """The plan on the bot's own page."""

    model = AnalysisPlan
    fieldsets = PLAN_FIELDSETS
    filter_horizontal = ("data_fields", "criteria")
    formfield_overrides = PLAN_FORMFIELD_OVERRIDES
    extra = 0
    max_num = 1
    verbose_name = "post-call analysis"
    verbose_name_plural = "post-call analysis"


class WebhookDeliveryInline(admin.TabularInline):
    model = WebhookDelivery
    fields = ("created_at", "message_id", "url", "status", "attempts",
              "response_status", "error", "next_attempt_at", "delivered_at")  # fmt: skip
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "end-of-call webhook deliveries"

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


def enum_field_filters() -> list[type[admin.SimpleListFilter]]:
    """One sessions-list filter per enum data field (read when the list is shown)."""
    filters = []
    for field in AnalysisDataField.objects.filter(field_type=DataFieldType.ENUM):
        choices = [(str(c), str(c)) for c in field.choices or []]

        def queryset(self, request, queryset, key=field.name):
            if self.value() is None:
                return queryset
            # Field names never collide with JSON lookups (AnalysisDataField.clean).
            matching = SessionAnalysis.objects.filter(**{f"data__{key}": self.value()})
            return queryset.filter(pk__in=matching.values("pk"))

        filters.append(
            type(
                f"AnalysisFilter_{field.name}",
                (admin.SimpleListFilter,),
                {
                    "title": field.name.replace("_", " "),
                    "parameter_name": f"analysis_{field.name}",
                    "lookups": lambda self, request, model_admin, c=choices: c,
                    "queryset": queryset,
                },
            )
        )
    return filters


@admin.action(description="Re-run post-call analysis", permissions=["view"])
def rerun_analysis(modeladmin, request, queryset):
    """Queue the analysis again for every selected ended session of a bot with a plan."""
    eligible = list(
        queryset.filter(
            ended_at__isnull=False, bot__analysis_plan__isnull=False
        ).values_list("pk", flat=True)
    )
    for session_id in eligible:
        analysis_enqueue(session_id=session_id)
    skipped = queryset.count() - len(eligible)
    modeladmin.message_user(
        request,
        f"Queued the analysis of {len(eligible)} session(s)."
        + (
            f" Skipped {skipped} still active or without an analysis plan."
            if skipped
            else ""
        ),
        messages.SUCCESS if eligible else messages.WARNING,
    )


def _csv_response(request, analyses, name: str):
    return streaming_download(
        request,
        render_analysis_csv(analyses),
        content_type="text/csv; charset=utf-8",
        filename=f"{name}-{timezone.now():%Y%m%d-%H%M%S}.csv",
    )


@admin.action(
    description="Export analysis (CSV, one column per field)", permissions=["view"]
)
def export_analysis_csv(modeladmin, request, queryset):
    """One row per selected session that has an analysis."""
    analyses = SessionAnalysis.objects.filter(session__in=queryset).select_related(
        "session__bot"
    )
    return _csv_response(request, analyses.order_by("session__started_at"), "analysis")


class SessionAnalysisAdminMixin:
    """What post-call analysis adds to the session admin (kept apart from its layout)."""

    analysis_columns = ("analysis_status", "analysis_successful", "analysis_flagged")
    analysis_filters = ("analysis__status", "analysis__successful", "analysis__flagged")

    def get_list_display(self, request):
        return (*super().get_list_display(request), *self.analysis_columns)

    def get_list_filter(self, request):
        return (
            *super().get_list_filter(request),
            *self.analysis_filters,
            *enum_field_filters(),
        )

    def get_actions(self, request):
        actions = super().get_actions(request)
        for action in (rerun_analysis, export_analysis_csv):
            actions[action.__name__] = self.get_action(action)
        return actions

    def get_inlines(self, request, obj):
        return (*super().get_inlines(request, obj), WebhookDeliveryInline)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("analysis")

    def get_urls(self):
        view = self.admin_site.admin_view(self.analysis_csv_view)
        route = path(
            "<uuid:session_id>/analysis/csv/",
            view,
            name="botbuilder_session_analysis_csv",
        )
        return [route, *super().get_urls()]

    def analysis_csv_view(self, request, session_id):
        """One session's analysis as CSV."""
        session = get_object_or_404(self.get_queryset(request), pk=session_id)
        if not self.has_view_permission(request, session):
            raise PermissionDenied
        analyses = SessionAnalysis.objects.filter(session=session).select_related(
            "session__bot"
        )
        return _csv_response(request, analyses, f"analysis-{session.pk}")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        session = self.get_object(request, object_id)  # None for a malformed id
        analysis = session_analysis(session) if session is not None else None
        extra_context = {**(extra_context or {}), "analysis": analysis}
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description="analysis", ordering="analysis__status")
    def analysis_status(self, obj: Session) -> str:
        analysis = getattr(obj, "analysis", None)
        return analysis.get_status_display() if analysis else "—"

    @admin.display(description="successful", boolean=True)
    def analysis_successful(self, obj: Session):
        analysis = getattr(obj, "analysis", None)
        return analysis.successful if analysis else None

    @admin.display(description="flagged", boolean=True)
    def analysis_flagged(self, obj: Session):
        analysis = getattr(obj, "analysis", None)
        return analysis.flagged if analysis else None
