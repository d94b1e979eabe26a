"""Tools: one form, a section per kind; the parameters JSON is shown indented."""

from django.contrib import admin

from botbuilder.admin.widgets import PRETTY_JSON_OVERRIDES
from botbuilder.models import Tool
from botbuilder.tools.admin_views import tool_admin_urls

# The form section holding each kind's settings.
KIND_SECTIONS = {
    "webhook": "Webhook",
    "python": "Python handler",
    "static": "Static response",
    "builtin": "Built-in",
}


@admin.register(Tool)
class ToolAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "is_enabled", "bot_names")
    list_filter = ("kind", "is_enabled", "bots")
    search_fields = ("name", "description")
    formfield_overrides = PRETTY_JSON_OVERRIDES

    def get_urls(self):
        return tool_admin_urls(self.admin_site) + super().get_urls()

    fieldsets = (
        (
            "General",
            {
                "fields": (
                    "name",
                    "kind",
                    "description",
                    "parameters",
                    "is_enabled",
                    "say_while_working",
                )
            },
        ),
        (
            "Webhook",
            {
                "description": "Only for tools of kind 'Webhook'.",
                "fields": (
                    ("webhook_method", "webhook_url"),
                    "webhook_headers",
                    "webhook_body_template",
                    ("webhook_timeout_s", "webhook_max_response_bytes"),
                    "webhook_response_path",
                ),
            },
        ),
        (
            "Python handler",
            {
                "description": "Only for kind 'Python handler'.",
                "fields": ("python_handler",),
            },
        ),
        (
            "Static response",
            {
                "description": "Only for kind 'Static response'.",
                "fields": ("static_response",),
            },
        ),
        (
            "Built-in",
            {"description": "Only for kind 'Built-in'.", "fields": ("builtin",)},
        ),
    )

    def get_fieldsets(self, request, obj=None):
        """On an existing tool, fold away the sections of the other kinds."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        others = set(KIND_SECTIONS.values()) - {KIND_SECTIONS.get(obj.kind)}
        return [
            (name, {**options, "classes": ("collapse",)} if name in others else options)
            for name, options in fieldsets
        ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("bots")

    @admin.display(description="bots")
    def bot_names(self, obj: Tool) -> str:
        return ", ".join(bot.name for bot in obj.bots.all()) or "—"
