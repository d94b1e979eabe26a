"""Test-only URLs: an admin site whose Tool admin mounts the "Test tool" page.

The two lines in `get_urls` are what the real Tool ModelAdmin adds.
"""

from django.contrib import admin
from django.urls import path

from botbuilder.models import Tool
from botbuilder.tools.admin_views import tool_admin_urls

site = admin.AdminSite(name="admin")


class ToolAdmin(admin.ModelAdmin):
    def get_urls(self):
        return tool_admin_urls(self.admin_site) + super().get_urls()


site.register(Tool, ToolAdmin)

urlpatterns = [path("admin/", site.urls)]
