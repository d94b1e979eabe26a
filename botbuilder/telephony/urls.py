"""HTTP endpoints telephony providers call (mounted at /telephony/)."""

from django.urls import path

from botbuilder.telephony.openai_views import openai_webhook
from botbuilder.telephony.twilio_views import twilio_voice

app_name = "telephony"

urlpatterns = [
    path("twilio/voice/", twilio_voice, name="twilio_voice"),
    path("openai/webhook/", openai_webhook, name="openai_webhook"),
]
