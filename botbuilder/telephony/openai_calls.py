"""OpenAI's call control for SIP calls: accept, reject, refer (transfer) and hang up.

`POST /v1/realtime/calls/{call_id}/accept|reject|refer|hangup` with a standard API key, on
httpx (timeouts, and a base URL tests point at a fake server on 127.0.0.1).
"""

from typing import Any

import httpx

OPENAI_CALLS_TIMEOUT_S = 10.0


class OpenAICallError(RuntimeError):
    """OpenAI refused the call-control request or could not be reached."""


class OpenAICalls:
    """Call control of one OpenAI project."""

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._api_key = api_key
        self._base_url = base_url.rstrip("/")
        self._transport = transport

    async def accept(self, call_id: str, session: dict[str, Any]) -> None:
        """Answer the call with `session` (a full realtime session config)."""
        await self._post(call_id, "accept", {"type": "realtime", **session})

    async def reject(self, call_id: str, status_code: int) -> None:
        await self._post(call_id, "reject", {"status_code": status_code})

    async def refer(self, call_id: str, target_uri: str) -> None:
        """Transfer the call (SIP REFER) to `tel:+1…` or `sip:…`."""
        await self._post(call_id, "refer", {"target_uri": target_uri})

    async def hang_up(self, call_id: str) -> None:
        await self._post(call_id, "hangup", None)

    async def _post(self, call_id: str, action: str, body: dict | None) -> None:
        url = f"{self._base_url}/realtime/calls/{call_id}/{action}"
        try:
            async with httpx.AsyncClient(
                timeout=OPENAI_CALLS_TIMEOUT_S, transport=self._transport
            ) as client:
                response = await client.post(
                    url,
                    json=body,
                    headers={"Authorization": f"Bearer {self._api_key}"},
                )
        except httpx.HTTPError as exc:
            raise OpenAICallError(f"OpenAI could not be reached: {exc}") from exc
        if not response.is_success:
            raise OpenAICallError(
                f"OpenAI refused {action} ({response.status_code}): {response.text[:200]}"
            )
