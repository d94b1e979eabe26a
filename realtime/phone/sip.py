"""OpenAI SIP calls (route 2): the session core over the call's sideband websocket.

The caller's audio goes between the SIP trunk and OpenAI; this server joins the call on
`…/v1/realtime?call_id=…`, runs the tools, stores the transcript and feeds the live monitor.
`end_session` hangs up and `transfer_call` refers the call to the bot's transfer number.
"""

import asyncio
import contextlib
import logging
from typing import Any

from channels.layers import get_channel_layer

from botbuilder.models.choices import EndReason, SessionChannel
from botbuilder.telephony.openai_calls import OpenAICalls
from realtime.consumers.starting import PreparedSession, start_phone_session
from realtime.monitoring import publish_if_watched
from realtime.phone.calls import PhoneCall
from realtime.providers import UpstreamTarget
from realtime.session.runner import SessionRunner
from realtime.session.store import SessionStore

logger = logging.getLogger(__name__)

CLOSE_NORMAL = 1000
_running: set[asyncio.Task] = set()  # sideband sessions of this process


class SipTransport:
    """A caller the server never hears or speaks to: only the call's end is acted on."""

    def __init__(self, calls: OpenAICalls, call_id: str, transfer_number: str) -> None:
        self._calls = calls
        self._call_id = call_id
        self._transfer_number = transfer_number
        self.finished = asyncio.Event()

    async def send_audio(self, audio: bytes) -> None:
        return None  # the audio is already on the SIP leg

    async def send_event(self, event: dict[str, Any]) -> None:
        if event.get("type") != "session.ended":
            return
        if event.get("reason") == EndReason.CLIENT_CLOSED:
            return  # the caller hung up: the call is over on OpenAI's side
        try:
            if event.get("reason") == EndReason.TRANSFERRED and self._transfer_number:
                await self._calls.refer(self._call_id, f"tel:{self._transfer_number}")
            else:
                await self._calls.hang_up(self._call_id)
        except Exception:
            logger.exception("Ending SIP call %s failed", self._call_id)

    async def close(self, code: int = CLOSE_NORMAL) -> None:
        self.finished.set()


def start_sip_session(
    call: PhoneCall,
    prepared: PreparedSession,
    *,
    call_id: str,
    target: UpstreamTarget,
    calls: OpenAICalls,
) -> asyncio.Task:
    """Run the accepted call's session in the background (kept until it ends)."""
    task = asyncio.create_task(
        _run(call, prepared, call_id=call_id, target=target, calls=calls),
        name=f"sip-call-{call_id}",
    )
    _running.add(task)
    task.add_done_callback(_running.discard)
    return task


async def _run(
    call: PhoneCall,
    prepared: PreparedSession,
    *,
    call_id: str,
    target: UpstreamTarget,
    calls: OpenAICalls,
) -> None:
    row, setup = await start_phone_session(
        call.ctx, prepared, target, caller=call.caller, provider_call_id=call_id
    )
    setup.media_relayed = False  # the audio is on the SIP leg, barge-in is OpenAI's
    layer = get_channel_layer()
    transport = SipTransport(calls, call_id, call.transfer_number)

    async def observe(event: dict[str, Any]) -> None:
        await publish_if_watched(layer, row.group_name, event)

    runner = SessionRunner(
        setup,
        transport,
        SessionStore(row.session_id),
        ended_extra={"admin_url": row.admin_url},
        observer=observe,
    )
    listener = asyncio.create_task(_end_requests(layer, row.group_name, runner))
    try:
        if await runner.start(
            announce={
                "type": "session.started",
                "session_id": row.session_id,
                "channel": SessionChannel.PHONE,
            }
        ):
            await transport.finished.wait()
    except Exception:
        logger.exception("SIP call %s failed", call_id)
        await runner.end(status="failed", reason=EndReason.UPSTREAM_ERROR)
    finally:
        listener.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await listener


async def _end_requests(layer: Any, group: str, runner: SessionRunner) -> None:
    """Staff ending the call from the live monitor (`session.end` to the session group)."""
    if layer is None:
        return
    channel = await layer.new_channel()
    await layer.group_add(group, channel)
    try:
        while True:
            message = await layer.receive(channel)
            if message.get("type") == "session.end":
                reason = message.get("reason") or EndReason.ADMIN
                if reason not in EndReason.values:
                    reason = EndReason.ADMIN
                runner.request_end(reason=reason)
    finally:
        with contextlib.suppress(Exception):
            await layer.group_discard(group, channel)
