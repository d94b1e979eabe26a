"""Voices: the provider voice and its offline-engine stand-in."""

from django.contrib import admin

from botbuilder.models import Voice


@admin.register(Voice)
class VoiceAdmin(admin.ModelAdmin):
    list_display = ("name", "provider_voice", "speed", "offline_voice")
    list_filter = ("provider_voice",)
    search_fields = ("name", "description", "provider_voice")
    fieldsets = (
        (None, {"fields": ("name", "description")}),
        ("OpenAI", {"fields": ("provider_voice", "speed")}),
        (
            "Offline engine",
            {"fields": ("offline_voice", "offline_rate_wpm", "offline_pitch")},
        ),
    )
