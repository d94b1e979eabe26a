"""Upstream events of the response life cycle, and errors tied to the request they refuse."""

import logging
from typing import Any

from realtime import protocol
from realtime.session.assistant import AssistantOutput
from realtime.session.latency import TurnClock
from realtime.session.limits import TAG_CLOSING, Limits
from realtime.session.link import UpstreamLink
from realtime.session.outbox import CallerOutbox
from realtime.session.reconnect import Reconnection
from realtime.session.responder import Responder
from realtime.session.toolcalls import ToolCalls
from realtime.session.usage import UsageMeter

logger = logging.getLogger(__name__)


class ResponseEvents:
    def __init__(
        self,
        session_id: str,
        link: UpstreamLink,
        responder: Responder,
        outbox: CallerOutbox,
        clock: TurnClock,
        assistant: AssistantOutput,
        meter: UsageMeter,
        tools: ToolCalls,
        limits: Limits,
        reconnection: Reconnection,
    ) -> None:
        self._session_id, self._link, self._responder = session_id, link, responder
        self._outbox, self._clock, self._assistant = outbox, clock, assistant
        self._meter, self._tools, self._limits = meter, tools, limits
        self._reconnection = reconnection

    async def on_error(self, event: dict[str, Any]) -> None:
        code, event_id = protocol.error_code(event), protocol.error_event_id(event)
        if code == protocol.ERROR_CANCEL_NOT_ACTIVE:
            logger.debug("response.cancel raced the end of the response; harmless")
            return
        if code == protocol.ERROR_ACTIVE_RESPONSE:
            await self._responder.on_rejected(event_id)
            return
        if code == protocol.ERROR_SESSION_EXPIRED:
            self._reconnection.schedule("session_expired")
            return
        message = protocol.error_message(event)
        request = self._link.request_type(event_id)
        logger.warning(
            "Session %s: upstream error %s on %s: %s",
            self._session_id,
            code,
            request or "an unknown request",
            message,
        )
        if request == "response.create":
            ours, tag = await self._responder.on_failed(event_id)
            if ours:
                await self._outbox.error(
                    f"The model could not answer ({message}). Please say it again.",
                    code or "response_rejected",
                )
                if tag == TAG_CLOSING:
                    await self._limits.closing_line_lost()
                else:
                    self._limits.after_response(tag)
                return
        await self._outbox.error(
            f"The model reported an error: {message}", code or "upstream_error"
        )

    async def on_response_created(self, event: dict[str, Any]) -> None:
        response_id = (event.get("response") or {}).get("id") or ""
        self._responder.on_created(response_id)
        self._clock.response_created(response_id)
        self._limits.response_started()

    async def on_response_done(self, event: dict[str, Any]) -> None:
        response = event.get("response") or {}
        response_id = response.get("id") or ""
        self._clock.response_done(response_id)
        await self._assistant.on_response_done(response)
        await self._meter.add_response(response)
        await self._report_unfinished(response)
        tag = await self._responder.on_done(response_id)
        await self._tools.response_done(response_id)
        if self._limits.after_response(tag):
            self._reconnection.between_turns()

    async def _report_unfinished(self, response: dict[str, Any]) -> None:
        """Tell the caller why a response failed or stopped short (not when cancelled)."""
        status = response.get("status")
        details = response.get("status_details") or {}
        if status == "failed":
            error = details.get("error") or {}
            what = error.get("message") or error.get("code") or "unknown error"
            await self._outbox.error(
                f"The model's reply failed: {what}",
                error.get("code") or "response_failed",
            )
        elif status == "incomplete":
            reason = details.get("reason") or "unknown"
            await self._outbox.error(
                f"The model's reply stopped short ({reason.replace('_', ' ')}).",
                f"response_incomplete_{reason}",
            )

    async def on_rate_limits(self, event: dict[str, Any]) -> None:
        await self._outbox.event(
            {"type": "rate_limits", "rate_limits": event.get("rate_limits") or []}
        )
