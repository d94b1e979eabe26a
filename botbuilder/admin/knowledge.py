"""Knowledge snippets, shared between bots."""

from django.contrib import admin

from botbuilder.models import KnowledgeSnippet


@admin.register(KnowledgeSnippet)
class KnowledgeSnippetAdmin(admin.ModelAdmin):
    list_display = ("title", "mode", "priority", "is_enabled", "tags", "bot_names")
    list_editable = ("priority", "is_enabled")
    list_filter = ("mode", "is_enabled", "bots")
    search_fields = ("title", "content", "tags")
    fieldsets = (
        (None, {"fields": ("title", "content", "tags")}),
        ("Use", {"fields": ("mode", "priority", "is_enabled")}),
        ("Used by", {"fields": ("bot_names", "created_at", "updated_at")}),
    )
    readonly_fields = ("bot_names", "created_at", "updated_at")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("bots")

    @admin.display(description="bots using it")
    def bot_names(self, obj: KnowledgeSnippet) -> str:
        return ", ".join(bot.name for bot in obj.bots.all()) or "—"
