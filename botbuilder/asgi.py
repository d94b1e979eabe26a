"""ASGI entry point: Django for HTTP, Channels consumers for websockets (served by daphne)."""

import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "botbuilder.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler  # noqa: E402

from realtime.routing import (  # noqa: E402
    TelephonyOrBrowser,
    telephony_websocket_urlpatterns,
    websocket_urlpatterns,
)

http_app = (
    ASGIStaticFilesHandler(django_asgi_app)
    if settings.SERVE_STATIC
    else django_asgi_app
)

application = ProtocolTypeRouter(
    {
        "http": http_app,
        "websocket": TelephonyOrBrowser(
            URLRouter(telephony_websocket_urlpatterns),
            AllowedHostsOriginValidator(
                AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
            ),
        ),
    }
)

# Everything loaded so far lives as long as the worker: keep it out of the garbage
# collector's full scans, which otherwise paused every live session for ~65 ms at a time
# (14 ms with this; bench/README.md, relay benchmark).
gc.freeze()
