"""ASGI entry point: Django for HTTP, Channels consumers for websockets (served by daphne)."""

import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "botbuilder.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler  # noqa: E402

from botbuilder.checks import log_channel_layer_problems  # noqa: E402
from realtime.connect_auth import ConnectAuthMiddlewareStack  # noqa: E402
from realtime.layer_guard import ChannelLayerGuard  # noqa: E402
from realtime.origins import WebsocketOriginValidator  # noqa: E402
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
        # Phone streams carry no Origin (their signature is checked instead); browser
        # sockets have their origin checked. Both are told when the channel layer is down.
        "websocket": TelephonyOrBrowser(
            ChannelLayerGuard(URLRouter(telephony_websocket_urlpatterns)),
            WebsocketOriginValidator(
                ChannelLayerGuard(
                    ConnectAuthMiddlewareStack(URLRouter(websocket_urlpatterns))
                )
            ),
        ),
    }
)

log_channel_layer_problems()  # the system check, at worker start (sec)

# Everything loaded so far lives as long as the worker: keep it out of the garbage
# collector's full scans, which otherwise paused every live session for ~65 ms at a time
# (14 ms with this; bench/README.md, relay benchmark).
gc.freeze()
