from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from botbuilder.monitor.views import monitor_urls

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    # Browsers ask for /favicon.ico on pages without an icon link (error pages, files).
    path(
        "favicon.ico",
        RedirectView.as_view(url=static("favicon.svg"), permanent=True),
        name="favicon",
    ),
    # Before admin/: the admin's catch-all would answer these paths with a 404.
    path("admin/live-sessions/", include(monitor_urls(admin.site))),
    path("admin/", admin.site.urls),
    path("telephony/", include("botbuilder.telephony.urls")),
]
