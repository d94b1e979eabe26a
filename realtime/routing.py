"""Websocket URL routes (Channels)."""

from django.urls import path

from realtime.consumers.monitor import SessionMonitorConsumer
from realtime.consumers.session import SessionConsumer
from realtime.consumers.twilio import TwilioStreamConsumer

websocket_urlpatterns: list = [
    path("ws/bots/<int:bot_id>/session/", SessionConsumer.as_asgi()),
    path("ws/monitor/sessions/<uuid:session_id>/", SessionMonitorConsumer.as_asgi()),
]

# Streams opened by a telephony provider: no browser Origin header and no login; they are
# authenticated by the provider's signature instead (see realtime/consumers/twilio.py).
TELEPHONY_PATH_PREFIX = "/telephony/"
telephony_websocket_urlpatterns: list = [
    path("telephony/twilio/stream/<int:account_id>/", TwilioStreamConsumer.as_asgi()),
]


class TelephonyOrBrowser:
    """ASGI: telephony stream paths to `telephony`, everything else to `browser`."""

    def __init__(self, telephony, browser) -> None:
        self.telephony = telephony
        self.browser = browser

    async def __call__(self, scope, receive, send):
        app = (
            self.telephony
            if scope.get("path", "").startswith(TELEPHONY_PATH_PREFIX)
            else self.browser
        )
        return await app(scope, receive, send)
