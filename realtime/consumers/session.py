"""The browser's live session websocket: `/ws/bots/<bot id>/session/`.

Protocol: realtime/browser_protocol.md. Auth is checked at connect (staff with
botbuilder.view_bot; the origin was already checked by realtime.origins); the
session itself runs in `realtime.session.SessionRunner`, with this consumer as its transport.
"""

import asyncio
import json
import logging
import time
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from botbuilder.assembly import UnknownVariableError
from botbuilder.models.choices import EndReason
from realtime import heartbeat
from realtime.consumers.dispatch import DirectDispatchMixin
from realtime.consumers.loading import (
    BotContext,
    Refusal,
    load_bot_context,
    start_session_row,
)
from realtime.consumers.starting import prepare_session, session_target, setup_for
from realtime.consumers.validation import (
    ClientInputError,
    RateLimiter,
    check_audio_frame,
    parse_control,
)
from realtime.monitoring import WATCHED_EVENT_TYPES, publish
from realtime.providers import ProviderConfigError
from realtime.session.recording import make_recorder
from realtime.session.runner import SessionRunner
from realtime.session.store import SessionStore

logger = logging.getLogger(__name__)

CLOSE_PROVIDER_CONFIG = 1011  # the bot's connection cannot be used (e.g. key not set)


class BrowserTransport:
    """The runner's view of the browser: binary audio frames and JSON events."""

    def __init__(self, consumer: AsyncWebsocketConsumer) -> None:
        self._consumer = consumer
        self.closed = False

    async def send_audio(self, audio: bytes) -> None:
        if not self.closed:
            await self._consumer.send(bytes_data=audio)

    async def send_event(self, event: dict[str, Any]) -> None:
        consumer = self._consumer
        # Staff watching the session (live monitor, any worker) get the transcript events too.
        if consumer.group_name and event["type"] in WATCHED_EVENT_TYPES:
            await publish(consumer.channel_layer, consumer.group_name, event)
        if not self.closed:
            await consumer.send(text_data=json.dumps(event, ensure_ascii=False))

    async def close(self, code: int = 1000) -> None:
        if not self.closed:
            self.closed = True
            await self._consumer.close(code=code)


class SessionConsumer(DirectDispatchMixin, AsyncWebsocketConsumer):
    """One browser session; no thread hop per message (see realtime/consumers/dispatch.py)."""

    async def connect(self) -> None:
        self.runner: SessionRunner | None = None
        self.group_name = ""
        self.rate = RateLimiter()
        self.transport = BrowserTransport(self)
        await (
            self.accept()
        )  # accept first so a refusal reaches the browser with its code
        bot_id = int(self.scope["url_route"]["kwargs"]["bot_id"])
        loaded = await database_sync_to_async(load_bot_context)(
            bot_id=bot_id, user=self.scope.get("user")
        )
        if isinstance(loaded, Refusal):
            await self._error(loaded.reason, loaded.code, fatal=True)
            await self.transport.close(loaded.close_code)
            return
        self.ctx: BotContext = loaded

    async def disconnect(self, code: int) -> None:
        self.transport.closed = True
        await self._end_runner(reason=EndReason.CLIENT_CLOSED)
        if self.group_name and self.channel_layer is not None:
            await self.channel_layer.group_discard(self.group_name, self.channel_name)

    async def dispatch_ended(self) -> None:
        """Stopped without a disconnect (e.g. the channel layer failed): end the session."""
        await self._end_runner(
            status="failed",
            reason=EndReason.SERVER_ERROR,
            detail="The worker lost its channel layer.",
        )

    async def _end_runner(self, **end: Any) -> None:
        runner = getattr(self, "runner", None)
        if runner is not None:
            heartbeat.unregister(runner.setup.session_id)  # sec: liveness
            await runner.end(**end)

    async def session_end(self, message: dict[str, Any]) -> None:
        """Channel-layer message {"type": "session.end", "reason": ...} from any process."""
        reason = message.get("reason") or EndReason.ADMIN
        if reason not in EndReason.values:
            reason = EndReason.ADMIN
        if self.runner is not None:
            await self.runner.end(reason=reason)
        else:
            await self.transport.close()

    async def _error(self, reason: str, code: str, fatal: bool = False) -> None:
        await self.transport.send_event(
            {"type": "error", "reason": reason, "code": code, "fatal": fatal}
        )

    async def receive(
        self, text_data: str | None = None, bytes_data: bytes | None = None
    ) -> None:
        if self.transport.closed:
            return
        if not self.rate.allow(time.monotonic()):
            if self.rate.dropped == 1:
                await self._error(
                    f"More than {self.rate.limit} messages per second; messages are being "
                    "dropped.",
                    "rate_limited",
                )
            return
        try:
            if bytes_data is not None:
                check_audio_frame(bytes_data)
                if self.runner is None:
                    raise ClientInputError(
                        "Send session.start before audio.", "session_not_started"
                    )
                await self.runner.on_caller_audio(bytes_data)
            else:
                await self._control(parse_control(text_data or ""))
        except ClientInputError as exc:
            await self._error(exc.reason, exc.code)
        except Exception:  # a bug must not leave the session open and unrecorded
            logger.exception("Session consumer failed on a browser message")
            await self._error(
                "The server failed to handle that message.", "server_error"
            )

    async def _control(self, message: dict[str, Any]) -> None:
        mtype = message["type"]
        if mtype == "session.start":
            await self._start(message)
            return
        if mtype == "session.end":
            if self.runner is not None:
                await self.runner.end(reason=EndReason.CLIENT_ENDED)
            else:
                await self.transport.close()
            return
        if self.runner is None:
            raise ClientInputError(
                f"Send session.start before {mtype}.", "session_not_started"
            )
        if mtype == "text":
            await self.runner.on_caller_text(message["text"])
        elif mtype == "playback":
            await self.runner.on_playback(
                message["item_id"],
                message["played_ms"],
                interrupted=message["interrupted"],
            )
        elif mtype == "audio.commit":
            await self.runner.on_commit()
        elif mtype == "audio.clear":
            await self.runner.on_clear()

    async def _start(self, message: dict[str, Any]) -> None:
        if self.runner is not None:
            raise ClientInputError(
                "The session has already started.", "already_started"
            )
        ctx = self.ctx
        try:
            # CPU work that grows with the bot (thousands of snippets): off the loop.
            prepared = await asyncio.to_thread(
                prepare_session,
                ctx,
                message["variables"],
                push_to_talk=message["push_to_talk"],
            )
        except UnknownVariableError as exc:
            raise ClientInputError(str(exc), "invalid_variables") from None
        try:
            target = session_target(ctx)
        except ProviderConfigError as exc:
            await self._error(str(exc), "provider_config", fatal=True)
            await self.transport.close(CLOSE_PROVIDER_CONFIG)
            return
        snapshot, assembly = prepared.snapshot, prepared.assembly
        row = await database_sync_to_async(start_session_row)(
            ctx=ctx,
            user=self.scope.get("user"),
            snapshot=snapshot,
            assembly=assembly,
            session_config=prepared.config,
        )
        setup = await asyncio.to_thread(  # builds the knowledge index: off the loop
            setup_for, prepared, row.session_id, target, debug=message["debug"]
        )
        recorder = make_recorder(
            record_audio=ctx.record_audio, audio_format=setup.audio_format
        )
        self.runner = SessionRunner(
            setup,
            self.transport,
            SessionStore(row.session_id),
            recorder=recorder,
            ended_extra={"admin_url": row.admin_url, "exports": row.exports},
        )
        heartbeat.register(row.session_id)  # sec: beats until disconnect
        if self.channel_layer is not None:
            self.group_name = row.group_name
            await self.channel_layer.group_add(self.group_name, self.channel_name)
        report = assembly.report
        await self.runner.start(
            announce={
                "type": "session.started",
                "session_id": row.session_id,
                "bot": {"id": snapshot.bot.id, "name": snapshot.bot.name},
                "model": snapshot.bot.model,
                "provider": ctx.connection.kind,
                "engine": row.engine,
                "language": snapshot.bot.language,
                "voice": snapshot.voice.provider_voice if snapshot.voice else "",
                "instructions": {
                    "sections": report.announced_sections(),  # sec: kept small
                    "total_tokens": report.total_tokens,
                    "context_tokens": report.context_tokens,
                    "warnings": report.warnings,
                },
                "tools": [t.name for t in assembly.tools],
                "variables": assembly.variables,
                "push_to_talk": message["push_to_talk"],
                "admin_url": row.admin_url,
            }
        )
