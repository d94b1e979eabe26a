"""Upstream events of the bot's reply: output items, transcript, function calls.

A response may hold several items (a gpt-realtime-2 preamble, then the answer; parallel
function calls): each is its own turn with its own place in the conversation. Audio deltas
go to `Playback`; completed function calls to `ToolCalls`.
"""

from typing import Any

from realtime import protocol
from realtime.session.config import SessionSetup
from realtime.session.outbox import CallerOutbox
from realtime.session.playback import CUT_BARGE_IN, Playback
from realtime.session.toolcalls import ToolCalls
from realtime.session.transcript import Transcript
from realtime.session.turns import AssistantTurn


class AssistantOutput:
    def __init__(
        self,
        setup: SessionSetup,
        transcript: Transcript,
        outbox: CallerOutbox,
        playback: Playback,
        tools: ToolCalls,
        now_ms,
    ) -> None:
        self._bpm = setup.bytes_per_ms
        self._transcript, self._outbox = transcript, outbox
        self._playback, self._tools, self._now_ms = playback, tools, now_ms

    @property
    def _conversation(self):
        return self._transcript.conversation

    def _turn(self, event: dict[str, Any]) -> AssistantTurn:
        return self._conversation.assistant(
            event.get("item_id") or "", event.get("response_id") or ""
        )

    async def on_item_added(self, event: dict[str, Any]) -> None:
        item = event.get("item") or {}
        response_id = event.get("response_id") or ""
        if item.get("type") == "message":
            self._conversation.assistant(item.get("id") or "", response_id)
        elif item.get("type") == "function_call":
            self._conversation.tool(
                item.get("id") or "",
                item.get("call_id") or "",
                item.get("name") or "",
                response_id,
            )

    async def on_text_delta(self, event: dict[str, Any]) -> None:
        turn = self._turn(event)
        delta = event.get("delta") or ""
        turn.deltas.append(delta)
        if turn.started_ms is None:  # text-only replies; audio sets its own start
            turn.started_ms = self._now_ms()
        await self._outbox.event(
            {
                "type": "transcript.delta",
                "role": "assistant",
                "item_id": turn.item_id,
                "delta": delta,
            }
        )

    async def on_audio_transcript_done(self, event: dict[str, Any]) -> None:
        await self._text_done(event, event.get("transcript"))

    async def on_text_done(self, event: dict[str, Any]) -> None:
        await self._text_done(event, event.get("text"))

    async def _text_done(self, event: dict[str, Any], text: str | None) -> None:
        turn = self._turn(event)
        if text is not None:
            turn.final_text = text
        await self._outbox.event(
            {
                "type": "transcript.done",
                "role": "assistant",
                "item_id": turn.item_id,
                "text": turn.text,
                "seq": turn.seq,
            }
        )

    async def on_arguments_done(self, event: dict[str, Any]) -> None:
        turn = self._conversation.tool(
            event.get("item_id") or "",
            event.get("call_id") or "",
            event.get("name") or "",
            event.get("response_id") or "",
        )
        turn.arguments = event.get("arguments") or turn.arguments
        await self._tools.start(turn)

    async def on_item_done(self, event: dict[str, Any]) -> None:
        item = event.get("item") or {}
        response_id = event.get("response_id") or ""
        if item.get("type") == "function_call":
            await self._tools.start_item(item, response_id)
            return
        if item.get("type") != "message":
            return
        turn = self._conversation.assistant(item.get("id") or "", response_id)
        if turn.final_text is None and protocol.item_text(item):
            turn.final_text = protocol.item_text(item)
        self.complete(turn)

    async def on_response_done(self, response: dict[str, Any]) -> None:
        """Complete the response's items (and start calls not announced item by item)."""
        response_id = response.get("id") or ""
        for item in response.get("output") or ():
            turn = self._conversation.get(item.get("id") or "")
            if isinstance(turn, AssistantTurn):
                self.complete(turn)
            elif item.get("type") == "function_call":
                await self._tools.start_item(item, response_id)

    def complete(self, turn: AssistantTurn) -> None:
        """The model finished `turn`: store it unless a truncation is still pending."""
        if turn.done:
            return
        turn.done = True
        if not turn.text and not turn.audio_bytes:
            turn.stored = True  # an empty item (cancelled at once): nothing to keep
            return
        sent_ms = turn.sent_ms(self._bpm)
        if turn.interrupted and turn.heard_ms is not None:
            if turn.cut_reason == CUT_BARGE_IN:  # generation went on: the final share
                turn.mark_cut(turn.heard_ms, turn.cut_reason, self._bpm)
        elif turn.started_ms is not None and sent_ms:
            turn.ended_ms = turn.started_ms + sent_ms
        else:
            turn.ended_ms = self._now_ms()
        if not self._playback.truncation_pending(turn):
            self._transcript.store(turn)
