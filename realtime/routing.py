"""Websocket URL routes (Channels)."""

from django.urls import path

from realtime.consumers.monitor import SessionMonitorConsumer

websocket_urlpatterns: list = [
    path("ws/monitor/sessions/<uuid:session_id>/", SessionMonitorConsumer.as_asgi()),
]
