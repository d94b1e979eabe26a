"""Database work of phone calls: small sync functions, called through
`database_sync_to_async` (never inside `async def`)."""

import logging
from dataclasses import dataclass, field

from django.conf import settings

from botbuilder.models import PhoneNumber
from botbuilder.telephony.credentials import read_secret, twilio_signing_key
from botbuilder.telephony.selectors import phone_number_by_id, twilio_account_by_id
from botbuilder.telephony.twilio_rest import TwilioCredentials
from botbuilder.telephony.twilio_signature import UnsupportedAlgorithm, is_valid
from realtime.consumers.loading import BotContext, Refusal, bot_context

logger = logging.getLogger(__name__)

PHONE_AUDIO_FORMAT = "pcmu"  # G.711 μ-law 8 kHz, passed through to the model both ways


@dataclass
class PhoneCall:
    """What a call to one of our numbers needs, read once when it starts."""

    ctx: BotContext
    number_id: int
    number: str
    caller: str
    variables: dict[str, str] = field(default_factory=dict)
    transfer_number: str = ""


def phone_call(number: PhoneNumber, caller: str) -> PhoneCall | None:
    """The call context for `number` (None if it or its bot is inactive)."""
    bot = number.bot
    if not number.is_active or bot is None or not bot.is_active:
        return None
    ctx = bot_context(bot=bot, audio_format=PHONE_AUDIO_FORMAT)
    if isinstance(
        ctx, Refusal
    ):  # e.g. a retired model: the caller hears "not in service"
        logger.warning("Call to %s refused: %s", number.number, ctx.reason)
        return None
    variables = {str(k): str(v) for k, v in (number.variables or {}).items()}
    variables["caller_number"] = caller or "unknown"
    return PhoneCall(
        ctx=ctx,
        number_id=number.pk,
        number=number.number,
        caller=caller,
        variables=variables,
        transfer_number=bot.transfer_number,
    )


def load_phone_call(*, number_id: int, caller: str) -> PhoneCall | None:
    number = phone_number_by_id(number_id=number_id)
    return None if number is None else phone_call(number, caller)


def twilio_handshake_is_signed(
    *, account_id: int, urls: list[str], signature: str, settings_header: str
) -> bool:
    """Whether the Media Stream handshake carries Twilio's signature for one of `urls`."""
    account = twilio_account_by_id(account_id=account_id)
    if account is None:
        return False
    try:
        key, algorithm = twilio_signing_key(account, settings_header)
    except UnsupportedAlgorithm:
        return False
    return any(is_valid(key, signature, url, (), algorithm) for url in urls)


def twilio_credentials(*, account_id: int) -> TwilioCredentials | None:
    """The REST credentials of a Twilio account (read from its named variables)."""
    account = twilio_account_by_id(account_id=account_id)
    if account is None:
        return None
    return TwilioCredentials(
        account_sid=read_secret(account.account_sid_env),
        auth_token=read_secret(account.auth_token_env),
        base_url=settings.TWILIO_API_BASE_URL,
    )
