from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from botbuilder.monitor.views import monitor_urls

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    # Before admin/: the admin's catch-all would answer these paths with a 404.
    path("admin/live-sessions/", include(monitor_urls(admin.site))),
    path("admin/", admin.site.urls),
    path("telephony/", include("botbuilder.telephony.urls")),
]
