"""Upstream events about the caller's turn: speech detected, committed, transcribed.

A caller turn gets its place in the conversation (`seq`) when the model announces it
(committed or added), and is stored when its transcript (or its failure) arrives.
"""

from collections.abc import Awaitable, Callable
from typing import Any

from realtime.session.config import SessionSetup
from realtime.session.latency import TurnClock
from realtime.session.outbox import CallerOutbox
from realtime.session.playback import Playback
from realtime.session.transcript import Transcript
from realtime.session.turns import UserTurn


class Listening:
    def __init__(
        self,
        setup: SessionSetup,
        transcript: Transcript,
        outbox: CallerOutbox,
        clock: TurnClock,
        playback: Playback,
        *,
        on_caller_active: Callable[[], None],
        on_committed: Callable[[], None],
        on_transcription_usage: Callable[[dict[str, Any]], Awaitable[None]],
    ) -> None:
        self._setup, self._transcript, self._outbox = setup, transcript, outbox
        self._clock, self._playback = clock, playback
        self._on_caller_active, self._on_committed = on_caller_active, on_committed
        self._on_transcription_usage = on_transcription_usage
        self._speech_ms: dict[str, list[int | None]] = {}  # item -> [started, stopped]

    async def on_speech_started(self, event: dict[str, Any]) -> None:
        item_id = event.get("item_id") or ""
        self._speech_ms[item_id] = [self._clock.now_ms(), None]
        self._on_caller_active()
        await self._outbox.event(
            {
                "type": "speech.started",
                "item_id": item_id,
                "audio_start_ms": event.get("audio_start_ms"),
            }
        )
        await self._playback.barge_in()

    async def on_speech_stopped(self, event: dict[str, Any]) -> None:
        item_id = event.get("item_id") or ""
        self._speech_ms.setdefault(item_id, [None, None])[1] = self._clock.now_ms()
        self._clock.caller_turn_ended()
        await self._outbox.event(
            {
                "type": "speech.stopped",
                "item_id": item_id,
                "audio_end_ms": event.get("audio_end_ms"),
            }
        )

    async def on_committed(self, event: dict[str, Any]) -> None:
        self._on_committed()
        turn = self._announce(event.get("item_id") or "")
        if not self._setup.transcription_enabled and not turn.stored:
            turn.complete = True
            self._transcript.store(turn)

    async def on_item_added(self, event: dict[str, Any]) -> None:
        item = event.get("item") or {}
        content = item.get("content") or ()
        if item.get("role") == "user" and any(
            p.get("type") == "input_audio" for p in content
        ):
            conversation = self._transcript.conversation
            if item.get("id") and conversation.get(item["id"]) is None:
                self._announce(item["id"])

    async def on_transcription_delta(self, event: dict[str, Any]) -> None:
        await self._outbox.event(
            {
                "type": "transcript.delta",
                "role": "user",
                "item_id": event.get("item_id"),
                "delta": event.get("delta") or "",
            }
        )

    async def on_transcription_completed(self, event: dict[str, Any]) -> None:
        turn = self._announce(event.get("item_id") or "")
        turn.text = (event.get("transcript") or "").strip()
        turn.complete = True
        self._transcript.store(turn)
        await self._on_transcription_usage(event)
        await self._outbox.event(
            {
                "type": "transcript.done",
                "role": "user",
                "item_id": turn.item_id,
                "text": turn.text,
                "seq": turn.seq,
            }
        )

    async def on_transcription_failed(self, event: dict[str, Any]) -> None:
        turn = self._announce(event.get("item_id") or "")
        turn.complete = True
        self._transcript.store(turn)
        reason = ((event.get("error") or {}).get("message")) or "no details"
        await self._outbox.error(
            f"The caller's words could not be transcribed ({reason}).",
            "transcription_failed",
        )

    def _announce(self, item_id: str) -> UserTurn:
        turn = self._transcript.conversation.user(item_id)
        started, stopped = self._speech_ms.pop(item_id, [None, None])
        if turn.started_ms is None:
            turn.started_ms = started
        if turn.ended_ms is None:
            turn.ended_ms = stopped or self._clock.now_ms()
        return turn
