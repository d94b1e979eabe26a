"""Upstream events of the bot's reply: output items, audio, transcript, function calls.

Audio deltas are base64-decoded once and passed on to the transport as bytes.
"""

import time
from typing import Any

from realtime import protocol
from realtime.session.bargein import audio_ms, heard_prefix
from realtime.session.turns import AssistantTurn


class AssistantOutput:
    async def _handle_response_output_item_added(self, event: dict[str, Any]) -> None:
        item = event.get("item") or {}
        response_id = event.get("response_id") or ""
        if item.get("type") == "message":
            self.conversation.assistant(item.get("id") or "", response_id)
        elif item.get("type") == "function_call":
            self.conversation.tool(
                item.get("id") or "",
                item.get("call_id") or "",
                item.get("name") or "",
                response_id,
            )

    async def _handle_response_output_audio_delta(self, event: dict[str, Any]) -> None:
        turn = self.conversation.assistant(
            event.get("item_id") or "", event.get("response_id") or ""
        )
        if turn.flushed:
            # The caller interrupted this reply: do not play the rest (but count it, for
            # the share of the words that was heard).
            turn.generated_bytes += protocol.audio_delta_size(event)
            return
        audio = protocol.audio_delta(event)
        if not audio:
            return
        turn.generated_bytes += len(audio)
        now = time.monotonic()
        if turn.first_audio_at is None:
            # The caller's player queues items: this one starts where the last one ends.
            # (Replaces a start set by an earlier transcript delta.)
            now_ms = self.now_ms()
            turn.started_ms = max(now_ms, self._bot_audio_end_ms)
            turn.first_audio_at = now + (turn.started_ms - now_ms) / 1000
            await self._to_caller(
                {
                    "type": "response.audio.started",
                    "item_id": turn.item_id,
                    "response_id": turn.response_id,
                }
            )
            await self._measure_latency(turn, now)
        if self.recorder is not None:
            self.recorder.add_bot(
                audio,
                turn.started_ms + audio_ms(turn.audio_bytes, self.setup.bytes_per_ms),
            )
        turn.audio_bytes += len(audio)
        self._bot_audio_end_ms = turn.started_ms + audio_ms(
            turn.audio_bytes, self.setup.bytes_per_ms
        )
        await self.transport.send_audio(audio)

    async def _measure_latency(self, turn: AssistantTurn, now: float) -> None:
        """Caller stopped speaking → first audio of the reply (server side)."""
        ended_at = self._turn_end_at
        created_at = self._response_created_at.get(turn.response_id)
        if ended_at is None or created_at is None or created_at < ended_at:
            return
        self._turn_end_at = None
        turn.latency_ms = int((now - ended_at) * 1000)
        await self._to_caller(
            {
                "type": "turn.latency",
                "item_id": turn.item_id,
                "response_ms": turn.latency_ms,
                "endpointing_ms": self.setup.endpointing_ms,
            }
        )

    async def _assistant_text_delta(self, event: dict[str, Any]) -> None:
        turn = self.conversation.assistant(
            event.get("item_id") or "", event.get("response_id") or ""
        )
        delta = event.get("delta") or ""
        turn.deltas.append(delta)
        if turn.started_ms is None:  # text-only replies; audio sets its own start
            turn.started_ms = self.now_ms()
        await self._to_caller(
            {
                "type": "transcript.delta",
                "role": "assistant",
                "item_id": turn.item_id,
                "delta": delta,
            }
        )

    async def _assistant_text_done(
        self, event: dict[str, Any], text: str | None
    ) -> None:
        turn = self.conversation.assistant(
            event.get("item_id") or "", event.get("response_id") or ""
        )
        if text is not None:
            turn.final_text = text
        await self._to_caller(
            {
                "type": "transcript.done",
                "role": "assistant",
                "item_id": turn.item_id,
                "text": turn.text,
                "seq": turn.seq,
            }
        )

    async def _handle_response_output_audio_transcript_delta(
        self, event: dict[str, Any]
    ) -> None:
        await self._assistant_text_delta(event)

    async def _handle_response_output_audio_transcript_done(
        self, event: dict[str, Any]
    ) -> None:
        await self._assistant_text_done(event, event.get("transcript"))

    async def _handle_response_output_text_delta(self, event: dict[str, Any]) -> None:
        await self._assistant_text_delta(event)

    async def _handle_response_output_text_done(self, event: dict[str, Any]) -> None:
        await self._assistant_text_done(event, event.get("text"))

    async def _handle_response_function_call_arguments_done(
        self, event: dict[str, Any]
    ) -> None:
        turn = self.conversation.tool(
            event.get("item_id") or "",
            event.get("call_id") or "",
            event.get("name") or "",
            event.get("response_id") or "",
        )
        turn.arguments = event.get("arguments") or turn.arguments
        await self._start_tool_call(turn)

    async def _handle_response_output_item_done(self, event: dict[str, Any]) -> None:
        item = event.get("item") or {}
        response_id = event.get("response_id") or ""
        if item.get("type") == "function_call":
            await self._start_tool_call_item(item, response_id)
            return
        if item.get("type") != "message":
            return
        turn = self.conversation.assistant(item.get("id") or "", response_id)
        if turn.final_text is None and protocol.item_text(item):
            turn.final_text = protocol.item_text(item)
        self._complete_assistant(turn)

    def _complete_assistant(self, turn: AssistantTurn) -> None:
        if turn.done:
            return
        turn.done = True
        if not turn.text and not turn.audio_bytes:
            turn.stored = True  # an empty item (cancelled at once): nothing to keep
            return
        sent_ms = audio_ms(turn.audio_bytes, self.setup.bytes_per_ms)
        if turn.interrupted and turn.heard_ms is not None:
            generated_ms = audio_ms(turn.generated_bytes, self.setup.bytes_per_ms)
            turn.heard_text = heard_prefix(turn.text, turn.heard_ms, generated_ms)
        elif turn.started_ms is not None and sent_ms:
            turn.ended_ms = turn.started_ms + sent_ms
        else:
            turn.ended_ms = self.now_ms()
        if not self._truncation_pending(turn):
            self._store_turn(turn)
