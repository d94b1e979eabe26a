"""Phone numbers and the telephony accounts they belong to; the URLs to give providers."""

from django import forms
from django.contrib import admin, messages

from botbuilder.models import PhoneAccount, PhoneNumber
from botbuilder.models.phone import PhoneProvider
from botbuilder.telephony.addresses import (
    openai_webhook_url,
    twilio_stream_url,
    twilio_voice_url,
)
from botbuilder.telephony.credentials import read_secret
from botbuilder.telephony.services import bot_apply_phone_defaults

SECRET_FIELDS = (
    "account_sid_env",
    "auth_token_env",
    "shared_key_env",
    "webhook_secret_env",
    "api_key_env",
)


@admin.register(PhoneAccount)
class PhoneAccountAdmin(admin.ModelAdmin):
    list_display = ("name", "provider", "secrets_set")
    list_filter = ("provider",)
    search_fields = ("name",)
    fieldsets = (
        (None, {"fields": ("name", "provider")}),
        (
            "Twilio",
            {"fields": ("account_sid_env", "auth_token_env", "shared_key_env")},
        ),
        (
            "OpenAI SIP",
            {"fields": ("webhook_secret_env", "api_key_env", "reject_status_code")},
        ),
        ("On this server", {"fields": ("secrets_set",)}),
    )
    readonly_fields = ("secrets_set",)

    @admin.display(description="variables set on this server")
    def secrets_set(self, obj: PhoneAccount) -> str:
        """Which named variables have a value here (the values are never shown)."""
        named = [getattr(obj, f) for f in SECRET_FIELDS if getattr(obj, f)]
        if not named:
            return "-"
        return ", ".join(
            f"{name}: {'set' if read_secret(name) else 'NOT SET'}" for name in named
        )


class PhoneNumberForm(forms.ModelForm):
    apply_phone_defaults = forms.BooleanField(
        label="apply phone defaults to the bot",
        required=False,
        initial=True,
        help_text="Far-field noise reduction and, if the bot has none, an idle reminder "
        "after 10 s: what phone callers need. Applied when you save.",
    )

    class Meta:
        model = PhoneNumber
        fields = ("number", "label", "account", "bot", "is_active", "variables")


@admin.register(PhoneNumber)
class PhoneNumberAdmin(admin.ModelAdmin):
    form = PhoneNumberForm
    list_display = ("number", "label", "account", "bot", "is_active")
    list_filter = ("is_active", "account__provider", "account")
    list_select_related = ("account", "bot")
    search_fields = ("number", "label", "bot__name")
    autocomplete_fields = ("bot",)
    fieldsets = (
        (None, {"fields": ("number", "label", "account", "is_active")}),
        ("Answered by", {"fields": ("bot", "apply_phone_defaults", "variables")}),
    )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if obj.bot is not None and form.cleaned_data.get("apply_phone_defaults"):
            changed = bot_apply_phone_defaults(bot=obj.bot)
            if changed:
                messages.info(
                    request,
                    f"Phone defaults applied to {obj.bot}: {', '.join(changed)}.",
                )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        obj = self.get_object(request, object_id) if object_id else None
        context = {**(extra_context or {}), "phone_setup": phone_setup(request, obj)}
        return super().changeform_view(request, object_id, form_url, context)


def phone_setup(request, number: PhoneNumber | None) -> dict:
    """The exact URLs to configure at the provider, for the number's change page."""
    provider = number.account.provider if number else ""
    return {
        "provider": provider,
        "twilio_voice_url": twilio_voice_url(request),
        "twilio_stream_url": (
            twilio_stream_url(request, number.account_id)
            if provider == PhoneProvider.TWILIO
            else ""
        ),
        "openai_webhook_url": openai_webhook_url(request),
    }
