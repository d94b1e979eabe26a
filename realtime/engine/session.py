"""One realtime session: state and client-event dispatch to `_handle_<event>` methods."""

import asyncio
import base64
import binascii
import json
import logging
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor
from typing import Any

import numpy as np

from realtime.audio import (
    MODEL_SAMPLE_RATE_HZ,
    ULAW_SAMPLE_RATE_HZ,
    duration_ms,
    pcm16_to_array,
    ulaw_decode,
)
from realtime.engine.answer import Plan
from realtime.engine.events import error_event, event, new_id
from realtime.engine.items import ItemsMixin
from realtime.engine.knowledge import knowledge_for
from realtime.engine.recognisers import Pocketsphinx, Recogniser, session_texts
from realtime.engine.response import Response
from realtime.engine.turns import TurnsMixin
from realtime.engine.validation import (
    SessionError,
    apply_session_update,
    default_session,
    public_session,
)
from realtime.engine.voices import EspeakVoice

logger = logging.getLogger(__name__)


class Session(ItemsMixin, TurnsMixin):
    """Protocol state of one websocket connection; `send` writes one server event."""

    def __init__(
        self,
        send: Callable[[dict[str, Any]], Awaitable[None]],
        *,
        model: str,
        executor: Executor,
        recogniser: Recogniser | None = None,
        voice_override: EspeakVoice | None = None,
    ):
        self.send = send
        self.executor = executor
        self.recogniser = recogniser or Pocketsphinx()
        self.voice_override = voice_override
        self.config = default_session(model)
        self.config["id"] = new_id("sess")
        self.conversation_id = new_id("conv")
        self.items: list[dict[str, Any]] = []
        self.audio_ms_by_item: dict[str, int] = {}
        self.audio_tokens: dict[str, int] = {}
        # Recognition alternatives of spoken user items (answers read doubtful numbers back).
        self.alternatives: dict[str, list[str]] = {}
        self.responses: dict[str, Response] = {}
        self.in_band: Response | None = None
        self.last_plan: Plan | None = None
        # What the recogniser prepares from (pocketsphinx: the session's language model).
        self.asr_texts: list[str] = []
        self.asr_ready: asyncio.Future | None = None
        self.knowledge_ready: asyncio.Future | None = None
        self.init_turns()

    async def start(self) -> None:
        await self.send(event("session.created", session=public_session(self.config)))

    async def close(self) -> None:
        for response in list(self.responses.values()):
            response.cancel("client_cancelled")
        self.cancel_turns()

    # --- dispatch -------------------------------------------------------------------
    async def handle(self, raw: str | bytes) -> None:
        """Handle one client frame; bad input gets an `error` event, never a crash."""
        try:
            message = json.loads(raw)
        except (TypeError, ValueError) as exc:
            await self.send(
                error_event(
                    f"Invalid JSON in client event: {exc}.", code="invalid_json"
                )
            )
            return
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            await self.send(
                error_event(
                    "Missing required parameter: 'type'.",
                    code="missing_required_parameter",
                    param="type",
                )
            )
            return
        handler = getattr(self, "_handle_" + message["type"].replace(".", "_"), None)
        if handler is None:
            await self.send(
                error_event(
                    f"Invalid value: '{message['type']}'. Supported values are client events "
                    "such as 'session.update' and 'response.create'.",
                    code="invalid_value",
                    param="type",
                    event_id=message.get("event_id"),
                )
            )
            return
        try:
            await handler(message)
        except SessionError as exc:
            await self.send(
                error_event(
                    str(exc),
                    code=exc.code,
                    param=exc.param,
                    event_id=message.get("event_id"),
                )
            )

    # --- session --------------------------------------------------------------------
    async def _handle_session_update(self, message: dict[str, Any]) -> None:
        self.config = apply_session_update(self.config, message.get("session"))
        self.configure_vad()
        texts = session_texts(self.config)
        self.asr_texts = texts
        loop = asyncio.get_running_loop()
        self.asr_ready = loop.run_in_executor(
            self.executor, self.recogniser.prepare, texts
        )
        # Embed the knowledge now, in a worker thread: turns then only embed the caller.
        self.knowledge_ready = loop.run_in_executor(
            self.executor, knowledge_for, dict(self.config)
        )
        await self.send(event("session.updated", session=public_session(self.config)))

    async def speech_model_ready(self) -> None:
        """Wait for the language model the last session.update started building."""
        if self.asr_ready is not None:
            await self.asr_ready
        if self.knowledge_ready is not None:
            await self.knowledge_ready

    # --- responses ------------------------------------------------------------------
    async def _handle_response_create(self, message: dict[str, Any]) -> None:
        params = message.get("response") or {}
        if not isinstance(params, dict):
            raise SessionError(
                "Invalid type for 'response': expected an object.",
                "invalid_type",
                "response",
            )
        await self.create_response(params, event_id=message.get("event_id"))

    async def create_response(
        self, params: dict[str, Any], event_id: str | None = None
    ):
        response = Response(self, params)
        if response.in_band and self.in_band is not None:
            await self.send(
                error_event(
                    "Conversation already has an active response in progress: "
                    f"{self.in_band.id}. Wait until the response is finished before creating "
                    "a new one.",
                    code="conversation_already_has_active_response",
                    event_id=event_id,
                )
            )
            return
        if response.in_band:
            self.in_band = response
        self.responses[response.id] = response
        response.task = asyncio.create_task(response.run())

    def response_finished(self, response: Response) -> None:
        self.responses.pop(response.id, None)
        if self.in_band is response:
            self.in_band = None

    async def _handle_response_cancel(self, message: dict[str, Any]) -> None:
        response_id = message.get("response_id")
        target = self.responses.get(response_id) if response_id else self.in_band
        if target is None:
            await self.send(
                error_event(
                    "Cancellation failed: no active response found.",
                    code="response_cancel_not_active",
                    event_id=message.get("event_id"),
                )
            )
            return
        target.cancel("client_cancelled")

    # --- input audio ------------------------------------------------------------------
    def input_rate_hz(self) -> int:
        fmt = self.config["audio"]["input"]["format"]
        return (
            ULAW_SAMPLE_RATE_HZ
            if fmt.get("type") == "audio/pcmu"
            else MODEL_SAMPLE_RATE_HZ
        )

    def decode_input(self, payload: Any) -> np.ndarray:
        if not isinstance(payload, str):
            raise SessionError(
                "Missing required parameter: 'audio'.",
                "missing_required_parameter",
                "audio",
            )
        try:
            data = base64.b64decode(payload, validate=True)
        except (binascii.Error, ValueError):
            raise SessionError(
                "Invalid 'audio': expected base64-encoded audio.",
                "invalid_value",
                "audio",
            ) from None
        if self.input_rate_hz() == ULAW_SAMPLE_RATE_HZ:
            return ulaw_decode(data)
        return pcm16_to_array(data)

    def buffered_ms(self) -> int:
        return duration_ms(sum(c.size for c in self.buffer), self.input_rate_hz())
