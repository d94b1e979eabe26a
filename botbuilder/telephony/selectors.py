"""Reads of the phone routing tables (sync ORM, called in views or through sync_to_async)."""

from botbuilder.models import PhoneAccount, PhoneNumber
from botbuilder.models.phone import PhoneProvider
from botbuilder.telephony.credentials import read_secret


def phone_number_for(*, number: str, account: PhoneAccount) -> PhoneNumber | None:
    """The number record of `account` for the dialled `number` (E.164), with its bot."""
    return (
        PhoneNumber.objects.select_related("bot", "account")
        .filter(number=number, account=account)
        .first()
    )


def phone_number_by_id(*, number_id: int) -> PhoneNumber | None:
    return (
        PhoneNumber.objects.select_related("bot", "account")
        .filter(pk=number_id)
        .first()
    )


def twilio_account_for_sid(*, account_sid: str) -> PhoneAccount | None:
    """The Twilio account whose SID variable holds `account_sid`."""
    if not account_sid:
        return None
    for account in PhoneAccount.objects.filter(provider=PhoneProvider.TWILIO):
        if read_secret(account.account_sid_env) == account_sid:
            return account
    return None


def twilio_account_by_id(*, account_id: int) -> PhoneAccount | None:
    return PhoneAccount.objects.filter(
        pk=account_id, provider=PhoneProvider.TWILIO
    ).first()


def openai_sip_accounts() -> list[PhoneAccount]:
    return list(PhoneAccount.objects.filter(provider=PhoneProvider.OPENAI_SIP))
