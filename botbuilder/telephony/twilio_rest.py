"""The two Twilio REST calls a phone session needs: hang up, and redirect (transfer).

A small client on httpx rather than the `twilio` SDK: the SDK's async support needs aiohttp
and its request stack, for two form POSTs; httpx gives timeouts, basic auth and a base URL
the tests point at a fake server on 127.0.0.1.
"""

import logging
from dataclasses import dataclass

import httpx

logger = logging.getLogger(__name__)

TWILIO_REST_TIMEOUT_S = 5.0
# Twilio's answers when the call has already ended: 20404 "resource not found" and 21220
# "call is not in-progress" (pipecat treats 20404 as success too).
CALL_ALREADY_ENDED_CODES = {20404, 21220}


@dataclass(frozen=True)
class TwilioCredentials:
    account_sid: str
    auth_token: str
    base_url: str = "https://api.twilio.com"


class TwilioRestError(RuntimeError):
    """Twilio refused or could not be reached."""


class TwilioCalls:
    """Updates to one account's live calls (`Calls/{CallSid}.json`)."""

    def __init__(
        self,
        credentials: TwilioCredentials,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._credentials = credentials
        self._transport = transport

    async def hang_up(self, call_sid: str) -> None:
        """End the call (Status=completed); a call that already ended counts as done."""
        await self._update(call_sid, {"Status": "completed"})

    async def redirect(self, call_sid: str, twiml: str) -> None:
        """Replace what the call is doing with `twiml` (e.g. `<Dial>` for a transfer)."""
        await self._update(call_sid, {"Twiml": twiml})

    async def _update(self, call_sid: str, data: dict[str, str]) -> None:
        creds = self._credentials
        url = (
            f"{creds.base_url.rstrip('/')}/2010-04-01/Accounts/{creds.account_sid}"
            f"/Calls/{call_sid}.json"
        )
        try:
            async with httpx.AsyncClient(
                auth=(creds.account_sid, creds.auth_token),
                timeout=TWILIO_REST_TIMEOUT_S,
                transport=self._transport,
            ) as client:
                response = await client.post(url, data=data)
        except httpx.HTTPError as exc:
            raise TwilioRestError(f"Twilio could not be reached: {exc}") from exc
        if response.is_success:
            return
        code = _error_code(response)
        if code in CALL_ALREADY_ENDED_CODES or response.status_code == 404:
            logger.info("Twilio call %s had already ended (%s)", call_sid, code)
            return
        raise TwilioRestError(
            f"Twilio refused the call update ({response.status_code}, code {code})"
        )


def _error_code(response: httpx.Response) -> int | None:
    try:
        return int(response.json().get("code"))
    except (ValueError, TypeError, AttributeError):
        return None
