"""Django admin for the voice bot builder: one module per area."""

from django.contrib import admin

from botbuilder.admin import (
    analysis,
    bot_tests,
    bots,
    connections,
    knowledge,
    phone,
    sessions,
    tools,
    voices,
)

__all__ = [
    "analysis",
    "bot_tests",
    "bots",
    "connections",
    "knowledge",
    "phone",
    "sessions",
    "tools",
    "voices",
]

# --- branding (ux) ---
admin.site.site_header = "Voice bot builder"
admin.site.site_title = "Voice bot builder"
admin.site.index_title = "Bots, sessions and connections"
