"""Connections: where sessions go. Keys stay in the server environment, never shown."""

from django.contrib import admin

from botbuilder.models import Connection
from botbuilder.secrets import is_secret_env_allowed, read_secret_env


@admin.register(Connection)
class ConnectionAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "base_url", "api_key_env", "api_key_is_set")
    list_filter = ("kind",)
    search_fields = ("name", "base_url", "notes")
    fieldsets = (
        (None, {"fields": ("name", "kind", "notes")}),
        ("Endpoint", {"fields": ("base_url", "azure_deployment", "azure_model")}),
        ("Key", {"fields": ("api_key_env", "api_key_is_set")}),
    )
    readonly_fields = ("api_key_is_set",)

    @admin.display(boolean=True, description="key set on this server")
    def api_key_is_set(self, obj: Connection) -> bool | None:
        """Whether the named variable has a value here (the value itself is never shown)."""
        if not obj.api_key_env:
            return None
        # A variable not allowed as a secret is never read (not even whether it is set).
        if not is_secret_env_allowed(obj.api_key_env):
            return False
        return bool(read_secret_env(obj.api_key_env))
