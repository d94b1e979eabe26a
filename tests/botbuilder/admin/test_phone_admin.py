"""Admin pages of phone numbers and accounts: URLs to configure, defaults, validation."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from botbuilder.models import PhoneAccount, PhoneNumber
from tests.conftest import create_bot

pytestmark = pytest.mark.django_db


def _account(provider="twilio", **fields):
    names = (
        {"account_sid_env": "BOT_SECRET_T_SID", "auth_token_env": "BOT_SECRET_T_TOKEN"}
        if provider == "twilio"
        else {"webhook_secret_env": "O_SECRET", "api_key_env": "O_KEY"}
    )
    return PhoneAccount.objects.create(
        name=f"{provider} account", provider=provider, **{**names, **fields}
    )


def test_twilio_number_page_shows_the_exact_urls(staff_client, settings):
    settings.PUBLIC_BASE_URL = "https://bots.example.com"
    number = PhoneNumber.objects.create(number="+14155550123", account=_account())
    page = staff_client.get(
        reverse("admin:botbuilder_phonenumber_change", args=[number.pk])
    )
    html = page.content.decode()
    assert page.status_code == 200 and 'id="phone-setup"' in html
    assert "https://bots.example.com/telephony/twilio/voice/" in html
    assert (
        f"wss://bots.example.com/telephony/twilio/stream/{number.account_id}/" in html
    )


def test_sip_number_page_shows_the_webhook_and_sip_uri(staff_client):
    number = PhoneNumber.objects.create(
        number="+14155550124", account=_account("openai_sip")
    )
    html = staff_client.get(
        reverse("admin:botbuilder_phonenumber_change", args=[number.pk])
    ).content.decode()
    assert "http://testserver/telephony/openai/webhook/" in html
    assert (
        "sip.api.openai.com;transport=tls" in html and "realtime.call.incoming" in html
    )


def test_attaching_a_number_offers_and_applies_phone_defaults(staff_client):
    bot = create_bot(noise_reduction="near_field", idle_reminder_after_s=None)
    account = _account()
    add_url = reverse("admin:botbuilder_phonenumber_add")
    assert "apply phone defaults" in staff_client.get(add_url).content.decode()
    response = staff_client.post(
        add_url,
        {
            "number": "+14155550125",
            "label": "Returns",
            "account": account.pk,
            "bot": bot.pk,
            "is_active": "on",
            "variables": '{"branch": "Main"}',
            "apply_phone_defaults": "on",
        },
    )
    assert response.status_code == 302
    bot.refresh_from_db()
    assert bot.noise_reduction == "far_field" and bot.idle_reminder_after_s == 10
    assert PhoneNumber.objects.get().variables == {"branch": "Main"}


def test_number_must_be_e164(staff_client):
    response = staff_client.post(
        reverse("admin:botbuilder_phonenumber_add"),
        {"number": "415 555 0126", "account": _account().pk, "variables": "{}"},
    )
    assert response.status_code == 200
    assert "E.164" in response.content.decode()
    assert not PhoneNumber.objects.exists()


def test_account_page_says_which_named_variables_are_set(staff_client, monkeypatch):
    monkeypatch.setenv("BOT_SECRET_T_SID", "AC123")
    account = _account()
    html = staff_client.get(
        reverse("admin:botbuilder_phoneaccount_change", args=[account.pk])
    ).content.decode()
    assert "BOT_SECRET_T_SID: set" in html and "BOT_SECRET_T_TOKEN: NOT SET" in html
    assert "AC123" not in html


def test_twilio_account_needs_its_variables_named():
    account = PhoneAccount(name="x", provider="twilio")
    with pytest.raises(ValidationError) as exc:
        account.full_clean()
    assert {"account_sid_env", "auth_token_env"} <= set(exc.value.message_dict)
