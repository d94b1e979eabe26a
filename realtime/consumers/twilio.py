"""Twilio Media Streams: `/telephony/twilio/stream/<account id>/` (route 1 of phone calls).

The handshake must carry Twilio's signature for this URL (checked before accepting), and
the `start` message the signed token the voice webhook put in `<Parameter name="token">`,
issued for this very call. The call then runs in `SessionRunner` with a `TwilioTransport`:
μ-law 8 kHz passes straight through to the model (`audio/pcmu` both ways).
"""

import asyncio
import base64
import binascii
import json
import logging
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from botbuilder.assembly import UnknownVariableError
from botbuilder.models.choices import EndReason, SessionChannel
from botbuilder.telephony import twiml
from botbuilder.telephony.addresses import as_websocket_url, twilio_stream_path
from botbuilder.telephony.stream_tokens import read_stream_token
from botbuilder.telephony.twilio_rest import TwilioCalls, TwilioCredentials
from realtime.consumers.starting import (
    prepare_session,
    session_target,
    start_phone_session,
)
from realtime.monitoring import publish_if_watched
from realtime.phone.calls import (
    PhoneCall,
    load_phone_call,
    twilio_credentials,
    twilio_handshake_is_signed,
)
from realtime.phone.recording import make_phone_recorder
from realtime.phone.twilio_transport import TwilioTransport
from realtime.providers import ProviderConfigError
from realtime.session.runner import SessionRunner
from realtime.session.store import SessionStore

logger = logging.getLogger(__name__)

STREAM_TOKEN_PARAMETER = "token"


class TwilioCallControl:
    """Hang-up and transfer of one call through Twilio's REST API."""

    def __init__(self, calls: TwilioCalls, call_sid: str, transfer_number: str) -> None:
        self._calls = calls
        self._call_sid = call_sid
        self._transfer_number = transfer_number

    async def hang_up(self) -> None:
        await self._calls.hang_up(self._call_sid)

    async def transfer(self) -> None:
        if not self._transfer_number:  # nowhere to transfer to: end the call
            await self.hang_up()
            return
        await self._calls.redirect(self._call_sid, twiml.dial(self._transfer_number))

    async def apologise(self) -> None:
        """Tell the caller the line is not available, then hang up."""
        await self._calls.redirect(
            self._call_sid, twiml.say_and_hang_up(twiml.UNAVAILABLE)
        )


def _header(scope: dict[str, Any], name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return ""


def handshake_urls(scope: dict[str, Any]) -> list[str]:
    """The URLs Twilio may have signed: the public stream URL (wss, and https as well)."""
    path = twilio_stream_path(int(scope["url_route"]["kwargs"]["account_id"]))
    base = (getattr(settings, "PUBLIC_BASE_URL", "") or "").rstrip("/")
    if not base:
        scheme = "https" if scope.get("scheme") in ("wss", "https") else "http"
        base = f"{scheme}://{_header(scope, b'host')}"
    https_url = base + path
    return [as_websocket_url(https_url), https_url]


class TwilioStreamConsumer(AsyncWebsocketConsumer):
    """One phone call's Media Stream."""

    async def connect(self) -> None:
        self.runner: SessionRunner | None = None
        self.transport: TwilioTransport | None = None
        self.group_name = ""
        self.account_id = int(self.scope["url_route"]["kwargs"]["account_id"])
        signed = await database_sync_to_async(twilio_handshake_is_signed)(
            account_id=self.account_id,
            urls=handshake_urls(self.scope),
            signature=_header(self.scope, b"x-twilio-signature"),
            settings_header=_header(
                self.scope, b"x-twilio-webhooks-signature-settings"
            ),
        )
        if not signed:
            logger.warning("Twilio stream refused: bad or missing handshake signature")
            await self.close()  # before accept: the handshake is answered 403
            return
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.transport is not None:
            self.transport.closed = True
            self.transport.call_over = True
        if self.runner is not None:
            await self.runner.end(reason=EndReason.CLIENT_CLOSED)
        if self.group_name and self.channel_layer is not None:
            await self.channel_layer.group_discard(self.group_name, self.channel_name)

    async def session_end(self, message: dict[str, Any]) -> None:
        """Channel-layer message {"type": "session.end", "reason": ...} (staff ended it)."""
        reason = message.get("reason") or EndReason.ADMIN
        if reason not in EndReason.values:
            reason = EndReason.ADMIN
        if self.runner is not None:
            await self.runner.end(reason=reason)
        else:
            await self.close()

    async def receive(
        self, text_data: str | None = None, bytes_data: bytes | None = None
    ) -> None:
        try:
            message = json.loads(text_data or "")
        except ValueError:
            logger.warning("Twilio stream sent a frame that is not JSON")
            return
        if not isinstance(message, dict):
            return
        handler = getattr(self, f"_on_{message.get('event')}", None)
        if handler is None:
            logger.debug("Twilio stream event %r ignored", message.get("event"))
            return
        try:
            await handler(message)
        except Exception:  # a bug must not leave the call open and unrecorded
            logger.exception(
                "Twilio stream consumer failed on %s", message.get("event")
            )
            if self.runner is not None:
                await self.runner.end(
                    status="failed",
                    reason=EndReason.UPSTREAM_ERROR,
                    detail="The phone stream handler failed.",
                )
            else:
                await self.close()

    async def _on_connected(self, message: dict[str, Any]) -> None:
        return None  # protocol "Call" 1.0.0; nothing to do until `start`

    async def _on_start(self, message: dict[str, Any]) -> None:
        if self.runner is not None:
            return
        start = message.get("start") or {}
        call_sid = str(start.get("callSid") or "")
        params = start.get("customParameters") or {}
        grant = read_stream_token(str(params.get(STREAM_TOKEN_PARAMETER) or ""))
        if grant is None or grant.call_sid != call_sid:
            logger.warning("Twilio stream for %s refused: bad or stale token", call_sid)
            await self.close()
            return
        credentials = await database_sync_to_async(twilio_credentials)(
            account_id=self.account_id
        )
        call = await database_sync_to_async(load_phone_call)(
            number_id=grant.number_id, caller=grant.caller
        )
        control = TwilioCallControl(
            TwilioCalls(credentials or TwilioCredentials("", "")),
            call_sid,
            call.transfer_number if call else "",
        )
        if call is None:
            await self._refuse(control, "the number or its bot is no longer active")
            return
        await self._start_session(call, control, message, call_sid)

    async def _refuse(self, control: TwilioCallControl, why: str) -> None:
        logger.warning("Twilio call not answered: %s", why)
        try:
            await control.apologise()
        except Exception:
            logger.exception("Could not tell the caller the line is unavailable")
        await self.close()

    async def _start_session(
        self,
        call: PhoneCall,
        control: TwilioCallControl,
        message: dict[str, Any],
        call_sid: str,
    ) -> None:
        try:
            prepared = await asyncio.to_thread(
                prepare_session, call.ctx, call.variables
            )
            target = session_target(call.ctx)
        except (UnknownVariableError, ProviderConfigError) as exc:
            await self._refuse(control, str(exc))
            return
        row, setup = await start_phone_session(
            call.ctx, prepared, target, caller=call.caller, provider_call_id=call_sid
        )
        self.group_name = row.group_name
        if self.channel_layer is not None:
            await self.channel_layer.group_add(self.group_name, self.channel_name)
        self.transport = TwilioTransport(
            lambda text: self.send(text_data=text),
            lambda code: self.close(code=code),
            stream_sid=str(message.get("streamSid") or ""),
            control=control,
            on_playback=self._on_playback_report,
        )
        self.runner = SessionRunner(
            setup,
            self.transport,
            SessionStore(row.session_id),
            recorder=make_phone_recorder(record_audio=call.ctx.record_audio),
            ended_extra={"admin_url": row.admin_url},
            observer=self._publish,
        )
        await self.runner.start(
            announce={
                "type": "session.started",
                "session_id": row.session_id,
                "bot": {"id": call.ctx.bot.pk, "name": call.ctx.bot.name},
                "channel": SessionChannel.PHONE,
            }
        )

    async def _publish(self, event: dict[str, Any]) -> None:
        await publish_if_watched(self.channel_layer, self.group_name, event)

    async def _on_playback_report(self, item_id: str, played_ms: int) -> None:
        if self.runner is not None:
            await self.runner.on_playback(item_id, played_ms)

    async def _on_media(self, message: dict[str, Any]) -> None:
        media = message.get("media") or {}
        if self.runner is None or media.get("track", "inbound") != "inbound":
            return
        try:
            audio = base64.b64decode(media.get("payload") or "", validate=True)
        except (binascii.Error, ValueError):
            logger.warning("Twilio media payload is not base64; dropped")
            return
        if audio:
            await self.runner.on_caller_audio(audio)

    async def _on_mark(self, message: dict[str, Any]) -> None:
        if self.transport is not None:
            self.transport.on_mark(str((message.get("mark") or {}).get("name") or ""))

    async def _on_dtmf(self, message: dict[str, Any]) -> None:
        digit = str((message.get("dtmf") or {}).get("digit") or "")
        if self.runner is not None and digit:
            await self.runner.on_caller_dtmf(digit)

    async def _on_stop(self, message: dict[str, Any]) -> None:
        if self.transport is not None:
            self.transport.call_over = True
        if self.runner is not None:
            await self.runner.end(reason=EndReason.CLIENT_CLOSED)
        else:
            await self.close()
