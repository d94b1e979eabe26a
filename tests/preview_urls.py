"""URLconf for tests: the project's URLs, plus the preview route while the Bot admin lacks it.

The Bot ModelAdmin mounts `preview_urls()` in its `get_urls()`; until it does, this mounts the
same patterns at the same path, so tests request `/admin/botbuilder/bot/<id>/preview/` either way.
"""

from django.contrib import admin
from django.urls import include, path

from botbuilder.models import Bot
from botbuilder.preview.views import PREVIEW_URL_NAME, preview_urls
from botbuilder.urls import urlpatterns as project_urlpatterns


def _admin_has_preview() -> bool:
    model_admin = admin.site._registry.get(Bot)
    if model_admin is None:
        return False
    return any(
        getattr(p, "name", None) == PREVIEW_URL_NAME for p in model_admin.get_urls()
    )


urlpatterns = list(project_urlpatterns)
if not _admin_has_preview():
    urlpatterns.insert(
        0, path("admin/botbuilder/bot/", include(preview_urls(admin.site)))
    )
