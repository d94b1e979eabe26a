"""Phone credentials follow the shared secrets allow-list, in the form and at call time."""

import pytest
from django.core.exceptions import ValidationError

from botbuilder.models import PhoneAccount
from botbuilder.models.phone import PhoneProvider
from botbuilder.telephony.credentials import read_secret


@pytest.mark.django_db
def test_an_account_may_not_name_a_server_setting():
    account = PhoneAccount(
        name="Twilio",
        provider=PhoneProvider.TWILIO,
        account_sid_env="BOT_SECRET_TWILIO_SID",
        auth_token_env="DJANGO_SECRET_KEY",
    )
    with pytest.raises(ValidationError) as caught:
        account.full_clean()
    assert set(caught.value.error_dict) == {"auth_token_env"}
    assert caught.value.error_dict["auth_token_env"][0].code == "secret_env_not_allowed"


def test_a_not_allowed_variable_is_never_read(monkeypatch):
    monkeypatch.setenv("DJANGO_SECRET_KEY", "the-real-key")
    monkeypatch.setenv("BOT_SECRET_TWILIO_TOKEN", " tok-123 ")
    assert read_secret("DJANGO_SECRET_KEY") == ""
    assert read_secret("BOT_SECRET_TWILIO_TOKEN") == "tok-123"
