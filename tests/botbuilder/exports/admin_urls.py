"""Test-only URLconf: a throwaway Session admin wired exactly as the lead will wire the real one."""

from django.contrib import admin
from django.urls import path

from botbuilder.exports.admin_views import export_sessions_action, session_export_urls
from botbuilder.models import Session

# Named "admin" so the same URL names reverse as on the real site.
site = admin.AdminSite(name="admin")


class SessionExportAdmin(admin.ModelAdmin):
    list_display = ("bot_name", "started_at")
    actions = [export_sessions_action]
    change_form_template = "admin/botbuilder/session/export_change_form.html"

    # Read-only like the real Session admin: the change page is a view page.
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        return session_export_urls(self.admin_site) + super().get_urls()


site.register(Session, SessionExportAdmin)
urlpatterns = [path("admin/", site.urls)]
