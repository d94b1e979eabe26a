"""Websocket URL routes (Channels)."""

websocket_urlpatterns: list = []
