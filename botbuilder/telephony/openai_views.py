"""OpenAI's project webhook for SIP calls: verify, route by the SIP `To` header, accept."""

import asyncio
import logging
import re

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from botbuilder.assembly import UnknownVariableError
from botbuilder.models.phone import PhoneProvider, normalize_e164
from botbuilder.telephony.credentials import read_secret
from botbuilder.telephony.openai_calls import OpenAICallError, OpenAICalls
from botbuilder.telephony.openai_webhook import InvalidWebhook, verify_webhook
from botbuilder.telephony.selectors import openai_sip_accounts, phone_number_for
from realtime.consumers.starting import prepare_session
from realtime.phone.calls import phone_call
from realtime.phone.sip import start_sip_session
from realtime.providers import ProviderConfigError, sideband_target

logger = logging.getLogger(__name__)

CALL_INCOMING = "realtime.call.incoming"
# OpenAI retries a webhook it got no 2xx for: a call is handled once (per cache).
CALL_SEEN_TTL_S = 3600
SIP_USER_RE = re.compile(r"(?:sips?|tel):([^@;>\s]+)", re.IGNORECASE)


def sip_header(event: dict, name: str) -> str:
    """The first SIP header called `name` in a call event ("" if absent)."""
    for header in (event.get("data") or {}).get("sip_headers") or []:
        if str(header.get("name", "")).lower() == name.lower():
            return str(header.get("value") or "")
    return ""


def sip_number(header_value: str) -> str:
    """The E.164 number in a SIP From/To value such as `<sip:+14155550123@host>;tag=x`."""
    match = SIP_USER_RE.search(header_value)
    return normalize_e164(match.group(1)) if match else ""


def _verified(body: bytes, headers: dict[str, str]):
    """(account, event) for the first OpenAI SIP account whose secret signed the body."""
    for account in openai_sip_accounts():
        try:
            return account, verify_webhook(
                read_secret(account.webhook_secret_env), body, headers
            )
        except InvalidWebhook:
            continue
    return None, None


def _route(account, event: dict):
    dialled = sip_number(sip_header(event, "To"))
    caller = sip_number(sip_header(event, "From"))
    number = phone_number_for(number=dialled, account=account) if dialled else None
    if number is None or number.account.provider != PhoneProvider.OPENAI_SIP:
        return None
    return phone_call(number, caller)


@csrf_exempt
async def openai_webhook(request: HttpRequest) -> HttpResponse:
    """`POST /telephony/openai/webhook/`: the URL of the OpenAI project's webhook."""
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    account, event = await sync_to_async(_verified)(request.body, dict(request.headers))
    if account is None:
        logger.warning("OpenAI webhook refused: bad, missing or stale signature")
        return HttpResponse("Invalid webhook signature.", status=401)
    if not isinstance(event, dict) or event.get("type") != CALL_INCOMING:
        return HttpResponse(status=204)  # other project events are not ours to handle
    call_id = str((event.get("data") or {}).get("call_id") or "")
    if not await cache.aadd(f"telephony:sip-call:{call_id}", True, CALL_SEEN_TTL_S):
        logger.info("SIP call %s already handled; webhook retry ignored", call_id)
        return HttpResponse(status=204)
    calls = OpenAICalls(
        api_key=read_secret(account.api_key_env), base_url=settings.OPENAI_BASE_URL
    )
    call = await sync_to_async(_route)(account, event)
    try:
        if call is None:
            logger.info("SIP call %s: no active bot answers it; rejecting", call_id)
            await calls.reject(call_id, account.reject_status_code)
            return HttpResponse(status=204)
        prepared = await asyncio.to_thread(prepare_session, call.ctx, call.variables)
        target = sideband_target(
            call_id=call_id,
            api_key=read_secret(account.api_key_env),
            base_url=settings.OPENAI_BASE_URL,
        )
        await calls.accept(call_id, prepared.config)
    except (UnknownVariableError, ProviderConfigError) as exc:
        logger.error("SIP call %s cannot be answered: %s", call_id, exc)
        await _reject_quietly(calls, call_id, account.reject_status_code)
        return HttpResponse(status=204)
    except OpenAICallError as exc:
        logger.error("SIP call %s: %s", call_id, exc)
        return HttpResponse(status=502)
    start_sip_session(call, prepared, call_id=call_id, target=target, calls=calls)
    return HttpResponse(status=204)


async def _reject_quietly(calls: OpenAICalls, call_id: str, status_code: int) -> None:
    try:
        await calls.reject(call_id, status_code)
    except OpenAICallError as exc:
        logger.error("SIP call %s could not be rejected: %s", call_id, exc)
