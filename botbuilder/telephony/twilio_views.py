"""Twilio's voice webhook: check the signature, route by the dialled number, answer TwiML."""

import logging

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from botbuilder.models import PhoneAccount
from botbuilder.models.phone import PhoneProvider, normalize_e164
from botbuilder.telephony import twiml
from botbuilder.telephony.addresses import public_url, twilio_stream_url
from botbuilder.telephony.credentials import twilio_signing_key
from botbuilder.telephony.selectors import phone_number_for, twilio_account_for_sid
from botbuilder.telephony.stream_tokens import StreamGrant, stream_token
from botbuilder.telephony.twilio_signature import UnsupportedAlgorithm, is_valid

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Twilio-Signature"
SETTINGS_HEADER = "X-Twilio-Webhooks-Signature-Settings"
STREAM_TOKEN_PARAMETER = "token"


def request_is_signed(
    request: HttpRequest, account: PhoneAccount, url: str, params: list[tuple[str, str]]
) -> bool:
    """Whether the request carries Twilio's valid signature for `url` and `params`."""
    settings_header = request.headers.get(SETTINGS_HEADER, "")
    try:
        key, algorithm = twilio_signing_key(account, settings_header)
    except UnsupportedAlgorithm as exc:
        logger.warning("Twilio signature with unsupported algorithm %s", exc)
        return False
    return is_valid(
        key, request.headers.get(SIGNATURE_HEADER, ""), url, params, algorithm
    )


def _twiml(body: str) -> HttpResponse:
    return HttpResponse(body, content_type="text/xml; charset=utf-8")


@csrf_exempt
@require_POST
def twilio_voice(request: HttpRequest) -> HttpResponse:
    """`POST /telephony/twilio/voice/`: the URL to paste as the number's "A call comes in"."""
    params = [(k, v) for k in request.POST for v in request.POST.getlist(k)]
    account = twilio_account_for_sid(account_sid=request.POST.get("AccountSid", ""))
    url = public_url(request, request.get_full_path())
    if account is None or not request_is_signed(request, account, url, params):
        logger.warning("Twilio voice webhook refused: bad or missing signature")
        return HttpResponseForbidden(
            "Invalid Twilio signature.", content_type="text/plain"
        )
    dialled = normalize_e164(request.POST.get("To", ""))
    number = phone_number_for(number=dialled, account=account) if dialled else None
    if (
        number is None
        or not number.is_active
        or number.bot is None
        or not number.bot.is_active
    ):
        logger.info("Twilio call to %s: no active bot answers it", dialled or "?")
        return _twiml(twiml.say_and_hang_up(twiml.NOT_IN_SERVICE))
    if number.account.provider != PhoneProvider.TWILIO:
        return _twiml(twiml.say_and_hang_up(twiml.NOT_IN_SERVICE))
    grant = StreamGrant(
        number_id=number.pk,
        call_sid=request.POST.get("CallSid", ""),
        caller=request.POST.get("From", ""),
    )
    return _twiml(
        twiml.connect_stream(
            twilio_stream_url(request, account.pk),
            {STREAM_TOKEN_PARAMETER: stream_token(grant)},
        )
    )
