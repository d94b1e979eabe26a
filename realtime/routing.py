"""Websocket URL routes (Channels)."""

from django.urls import path

from realtime.consumers.session import SessionConsumer

websocket_urlpatterns: list = [
    path("ws/bots/<int:bot_id>/session/", SessionConsumer.as_asgi()),
]
