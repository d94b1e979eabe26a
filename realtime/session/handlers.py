"""Upstream (model) events: dispatch, errors, the caller's turn, response life cycle, usage.

One `_handle_<type>` per event type; the bot's reply output is in `assistant.py`.

Unknown event types are logged once and ignored (forward compatibility).
"""

import logging
import time
from typing import Any

from botbuilder.pricing import Usage, cost_usd
from realtime import protocol
from realtime.session.limits import TAG_CLOSING
from realtime.session.turns import AssistantTurn, UserTurn

logger = logging.getLogger(__name__)

# Known events the relay has no use for (not logged).
IGNORED_EVENTS = frozenset(
    {
        "session.created",
        "session.updated",
        "conversation.created",
        "conversation.item.done",
        "conversation.item.truncated",
        "conversation.item.deleted",
        "conversation.item.retrieved",
        "rate_limits.updated",
        "response.content_part.added",
        "response.content_part.done",
        "response.output_audio.done",
        "response.function_call_arguments.delta",
        "input_audio_buffer.cleared",
        "input_audio_buffer.timeout_triggered",
    }
)


class UpstreamHandlers:
    def _init_handler_state(self) -> None:
        self._turn_end_at: float | None = None  # monotonic time the caller's turn ended
        self._response_created_at: dict[str, float] = {}
        self._speech_ms: dict[
            str, list[int | None]
        ] = {}  # item id -> [started, stopped]
        self._unknown_types: set[str] = set()

    def _reset_connection_state(self) -> None:
        self._response_created_at.clear()
        self._uncommitted_ms = 0

    async def _on_upstream_event(self, client: Any, event: dict[str, Any]) -> None:
        if client is not self.upstream or self.ended:
            return
        etype = event.get("type")
        if self.setup.debug:
            await self._to_caller(
                {
                    "type": "upstream.event",
                    "direction": "in",
                    "event": protocol.strip_audio(event),
                }
            )
        handler = (
            getattr(self, "_handle_" + etype.replace(".", "_"), None)
            if isinstance(etype, str)
            else None
        )
        if handler is not None:
            await handler(event)
        elif etype not in IGNORED_EVENTS and etype not in self._unknown_types:
            self._unknown_types.add(etype)
            logger.info("Ignoring upstream event type %r", etype)

    # --- errors --------------------------------------------------------------------------

    async def _handle_error(self, event: dict[str, Any]) -> None:
        code = protocol.error_code(event)
        if code == protocol.ERROR_CANCEL_NOT_ACTIVE:
            logger.debug("response.cancel raced the end of the response; harmless")
            return
        if code == protocol.ERROR_ACTIVE_RESPONSE:
            to_send = self.responses.on_rejected(protocol.error_event_id(event))
            if to_send is not None:
                await self._send_upstream(to_send)
            return
        if code == protocol.ERROR_SESSION_EXPIRED:
            self._expiring = True
            self._schedule_reconnect("session_expired")
            return
        message = protocol.error_message(event)
        logger.warning(
            "Session %s: upstream error %s: %s", self.setup.session_id, code, message
        )
        await self._error_to_caller(
            f"The model reported an error: {message}", code or "upstream_error"
        )

    # --- the caller's audio turn -----------------------------------------------------------

    async def _handle_input_audio_buffer_speech_started(
        self, event: dict[str, Any]
    ) -> None:
        item_id = event.get("item_id") or ""
        self._speech_ms[item_id] = [self.now_ms(), None]
        await self._caller_active()
        await self._to_caller(
            {
                "type": "speech.started",
                "item_id": item_id,
                "audio_start_ms": event.get("audio_start_ms"),
            }
        )
        await self._barge_in()

    async def _handle_input_audio_buffer_speech_stopped(
        self, event: dict[str, Any]
    ) -> None:
        item_id = event.get("item_id") or ""
        self._speech_ms.setdefault(item_id, [None, None])[1] = self.now_ms()
        self._turn_end_at = time.monotonic()
        await self._to_caller(
            {
                "type": "speech.stopped",
                "item_id": item_id,
                "audio_end_ms": event.get("audio_end_ms"),
            }
        )

    async def _handle_input_audio_buffer_committed(self, event: dict[str, Any]) -> None:
        item_id = event.get("item_id") or ""
        self._uncommitted_ms = 0
        turn = self._announce_user(item_id)
        if not self.setup.transcription_enabled and not turn.stored:
            turn.complete = True
            self._store_turn(turn)

    def _announce_user(self, item_id: str) -> UserTurn:
        turn = self.conversation.user(item_id)
        started, stopped = self._speech_ms.pop(item_id, [None, None])
        turn.started_ms = turn.started_ms if turn.started_ms is not None else started
        turn.ended_ms = (
            turn.ended_ms if turn.ended_ms is not None else (stopped or self.now_ms())
        )
        return turn

    async def _handle_conversation_item_added(self, event: dict[str, Any]) -> None:
        item = event.get("item") or {}
        content = item.get("content") or ()
        if item.get("role") == "user" and any(
            p.get("type") == "input_audio" for p in content
        ):
            if item.get("id") and self.conversation.get(item["id"]) is None:
                self._announce_user(item["id"])

    _handle_conversation_item_created = _handle_conversation_item_added

    async def _handle_conversation_item_input_audio_transcription_delta(
        self, event: dict[str, Any]
    ) -> None:
        await self._to_caller(
            {
                "type": "transcript.delta",
                "role": "user",
                "item_id": event.get("item_id"),
                "delta": event.get("delta") or "",
            }
        )

    async def _handle_conversation_item_input_audio_transcription_completed(
        self, event: dict[str, Any]
    ) -> None:
        turn = self._announce_user(event.get("item_id") or "")
        turn.text = (event.get("transcript") or "").strip()
        turn.complete = True
        self._store_turn(turn)
        await self._to_caller(
            {
                "type": "transcript.done",
                "role": "user",
                "item_id": turn.item_id,
                "text": turn.text,
                "seq": turn.seq,
            }
        )

    async def _handle_conversation_item_input_audio_transcription_failed(
        self, event: dict[str, Any]
    ) -> None:
        turn = self._announce_user(event.get("item_id") or "")
        turn.complete = True
        self._store_turn(turn)
        reason = ((event.get("error") or {}).get("message")) or "no details"
        await self._error_to_caller(
            f"The caller's words could not be transcribed ({reason}).",
            "transcription_failed",
        )

    # --- responses -----------------------------------------------------------------------

    async def _handle_response_created(self, event: dict[str, Any]) -> None:
        response_id = (event.get("response") or {}).get("id") or ""
        self.responses.on_created(response_id)
        self._response_created_at[response_id] = time.monotonic()
        self.idle_timer.cancel()

    async def _handle_response_done(self, event: dict[str, Any]) -> None:
        response = event.get("response") or {}
        response_id = response.get("id") or ""
        self._response_created_at.pop(response_id, None)
        for item in response.get("output") or ():
            turn = self.conversation.get(item.get("id") or "")
            if isinstance(turn, AssistantTurn):
                self._complete_assistant(turn)
            elif item.get("type") == "function_call":
                await self._start_tool_call_item(item, response_id)
        await self._account_usage(response)
        if response.get("status") == "failed":
            error = (response.get("status_details") or {}).get("error") or {}
            await self._error_to_caller(
                f"The model's reply failed: {error.get('message') or error.get('code') or 'unknown error'}",
                error.get("code") or "response_failed",
            )
        tag, next_event = self.responses.on_done(response_id)
        if next_event is not None:
            await self._send_upstream(next_event)
        await self._tool_response_done(response_id)
        if tag == TAG_CLOSING:
            self.wrap_up_timer.cancel()
            self._spawn(self._end_after_playback(self.closing_reason or "client_ended"))
        elif self._settled():
            self._maybe_reconnect_between_turns()
            self._start_idle_timer()

    async def _account_usage(self, response: dict[str, Any]) -> None:
        self.turn_count += 1
        usage = response.get("usage")
        if usage:
            self.usage = self.usage + Usage.from_response_usage(usage)
            self.cost_usd = cost_usd(self.setup.model, self.usage, self.setup.prices)
        self.store.set_usage(
            Usage(**self.usage.as_dict()), self.cost_usd, self.turn_count
        )
        await self._to_caller(
            {
                "type": "usage",
                "model": self.setup.model,
                "tokens": self.usage.as_dict(),
                "cost_usd": str(self.cost_usd),
            }
        )
