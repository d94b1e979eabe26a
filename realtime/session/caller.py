"""What the caller sends (audio, typed text, playback reports, push-to-talk), and barge-in.

Barge-in: when the caller starts speaking over the bot, the transport is told to drop the
bot's queued audio (`playback.flush`), reports how much it played, and the model's item is
truncated to that (`conversation.item.truncate`), so the model's memory matches what the
caller heard. Without a report within PLAYBACK_REPORT_TIMEOUT_S the server-side estimate
(time since the item's first audio went out, capped at the audio sent) is used.
"""

import asyncio
import time
from typing import Any

from realtime import protocol
from realtime.session.bargein import (
    audio_ms,
    estimated_played_ms,
    heard_prefix,
    is_probably_playing,
    truncate_ms,
)
from realtime.session.limits import Timer
from realtime.session.reconnect import RECONNECT_AUDIO_BUFFER_MS
from realtime.session.turns import AssistantTurn

PLAYBACK_REPORT_TIMEOUT_S = 0.5  # wait this long for the caller's playback position
MIN_COMMIT_MS = (
    100  # the upstream refuses to commit less audio (protocol reference §5.1)
)
TYPED_TEXT_READY_TIMEOUT_S = 15.0
DTMF_KEYS = frozenset("0123456789*#ABCD")
DTMF_TEXT = "[The caller pressed {digits} on the keypad]"


class CallerInput:
    def _init_caller_state(self) -> None:
        self._audio_backlog = bytearray()  # caller audio held while reconnecting
        self._uncommitted_ms = 0
        self._playback_waits: dict[str, Timer] = {}
        self._bot_audio_end_ms = (
            0  # session clock: where the bot audio sent so far ends
        )

    @property
    def push_to_talk(self) -> bool:
        return self.setup.turn_detection is None

    async def _caller_active(self) -> None:
        self.idle.caller_active()
        self.idle_timer.cancel()

    async def on_caller_audio(self, audio: bytes) -> None:
        """Caller audio in the session's format (browser: PCM16 mono LE 24 kHz)."""
        if self.ended:
            return
        if self.recorder is not None:
            self.recorder.add_caller(audio, self.now_ms())
        bytes_per_ms = self.setup.bytes_per_ms
        if not self._ready.is_set() or self.upstream is None:
            self._audio_backlog += audio
            overflow = (
                len(self._audio_backlog) - RECONNECT_AUDIO_BUFFER_MS * bytes_per_ms
            )
            if overflow > 0:
                del self._audio_backlog[:overflow]
            return
        self._uncommitted_ms += audio_ms(len(audio), bytes_per_ms)
        if self.setup.debug:  # the caller's debug view shows the event (not its audio)
            await self._send_on(self.upstream, protocol.audio_append(audio))
        else:  # every 20 ms: skip building the event and the JSON encoder
            await self.upstream.send_json(protocol.audio_append_json(audio))

    async def _flush_audio_backlog(self) -> None:
        if self._audio_backlog and self.upstream is not None:
            audio, self._audio_backlog = bytes(self._audio_backlog), bytearray()
            self._uncommitted_ms += audio_ms(len(audio), self.setup.bytes_per_ms)
            await self._send_on(self.upstream, protocol.audio_append(audio))

    async def on_caller_text(self, text: str) -> None:
        """A typed caller message: stored at once, then answered."""
        if self.ended:
            return
        await self._caller_active()
        try:
            await asyncio.wait_for(self._ready.wait(), TYPED_TEXT_READY_TIMEOUT_S)
        except TimeoutError:
            await self._error_to_caller(
                "The model is not reachable right now.", "upstream_busy"
            )
            return
        turn = self.conversation.typed_user(text, self.now_ms())
        self._store_turn(turn)
        await self._to_caller(
            {
                "type": "transcript.done",
                "role": "user",
                "item_id": "",
                "text": text,
                "seq": turn.seq,
            }
        )
        self._turn_end_at = time.monotonic()
        await self._send_upstream(protocol.user_text_item(text))
        await self._request_response(protocol.response_create())

    async def on_commit(self) -> None:
        """Push-to-talk: the caller released the button."""
        if not self.push_to_talk:
            await self._error_to_caller(
                "audio.commit is only for push-to-talk sessions; the model detects turns itself.",
                "not_push_to_talk",
            )
            return
        if self._uncommitted_ms < MIN_COMMIT_MS:
            self._uncommitted_ms = 0
            await self._send_upstream(protocol.audio_clear())
            await self._error_to_caller(
                f"Too little audio to send (at least {MIN_COMMIT_MS} ms are needed).",
                "audio_too_short",
            )
            return
        await self._caller_active()
        self._uncommitted_ms = 0
        self._turn_end_at = time.monotonic()
        await self._send_upstream(protocol.audio_commit())
        await self._request_response(protocol.response_create())

    async def on_clear(self) -> None:
        """Push-to-talk: drop the audio since the last commit."""
        if not self.push_to_talk:
            await self._error_to_caller(
                "audio.clear is only for push-to-talk sessions.", "not_push_to_talk"
            )
            return
        self._uncommitted_ms = 0
        await self._send_upstream(protocol.audio_clear())

    async def on_playback(
        self, item_id: str, played_ms: int, *, interrupted: bool = False
    ) -> None:
        """The caller's player reports how much of `item_id` it played.

        `interrupted`: the caller cut the bot off on their side (push-to-talk pressed while
        the bot spoke), with no turn detection on the server to notice it.
        """
        turn = self.conversation.get(item_id)
        if not isinstance(turn, AssistantTurn):
            return
        if item_id not in self._playback_waits:
            if not (interrupted and self.push_to_talk and not turn.flushed):
                return  # a periodic report with no interruption pending
            await self._caller_cut(turn)
        await self._resolve_truncation(turn, played_ms)

    async def _caller_cut(self, turn: AssistantTurn) -> None:
        """Push-to-talk barge-in: stop generating and await the truncation of `turn`."""
        turn.flushed = True
        self._playback_waits[turn.item_id] = Timer("playback-report")
        if not turn.done:
            await self._send_upstream(protocol.response_cancel())

    # --- barge-in --------------------------------------------------------------------------

    async def _barge_in(self) -> None:
        """The caller started speaking: flush bot audio that may still be playing.

        The item being played is truncated to what the caller reports (or the estimate);
        items queued behind it were never heard and are truncated to 0 ms.
        """
        if not self.setup.interrupt_response:
            return  # the bot is configured to finish its sentence
        now = time.monotonic()
        audible = [
            t
            for t in self.conversation.audio_turns()
            if not t.flushed
            and t.item_id not in self._playback_waits
            and is_probably_playing(
                now, t.first_audio_at, audio_ms(t.audio_bytes, self.setup.bytes_per_ms)
            )
        ]
        if not audible:
            return
        started = [t for t in audible if t.first_audio_at <= now]
        playing = started[-1] if started else audible[0]
        queued = audible[audible.index(playing) + 1 :]
        for turn in (playing, *queued):
            turn.flushed = True
            self._playback_waits[turn.item_id] = Timer("playback-report")
        await self._to_caller({"type": "playback.flush", "item_id": playing.item_id})
        self._playback_waits[playing.item_id].start(
            PLAYBACK_REPORT_TIMEOUT_S, lambda: self._resolve_truncation(playing, None)
        )
        for turn in queued:
            await self._resolve_truncation(turn, 0)

    def _truncation_pending(self, turn: AssistantTurn) -> bool:
        return turn.item_id in self._playback_waits

    async def _resolve_truncation(
        self, turn: AssistantTurn, played_ms: int | None, *, send: bool = True
    ) -> None:
        timer = self._playback_waits.pop(turn.item_id, None)
        if timer is None:
            return
        timer.cancel()
        sent_ms = audio_ms(turn.audio_bytes, self.setup.bytes_per_ms)
        if played_ms is None:
            played_ms = estimated_played_ms(
                time.monotonic(), turn.first_audio_at, sent_ms
            )
        end_ms = truncate_ms(played_ms, sent_ms)
        if end_ms >= sent_ms and turn.done:
            if not turn.stored:
                self._store_turn(turn)
            return  # the caller heard all of it
        if send and not turn.previous_connection:  # the new connection lacks the item
            await self._send_upstream(protocol.truncate(turn.item_id, end_ms))
        turn.interrupted, turn.heard_ms = True, end_ms
        generated_ms = audio_ms(turn.generated_bytes, self.setup.bytes_per_ms)
        turn.heard_text = heard_prefix(turn.text, end_ms, max(generated_ms, sent_ms))
        turn.ended_ms = (turn.started_ms or 0) + end_ms
        self._bot_audio_end_ms = min(self._bot_audio_end_ms, turn.ended_ms)
        if self.recorder is not None:
            self.recorder.cut_bot(turn.ended_ms)  # generated, never played
        await self._to_caller(
            {
                "type": "item.truncated",
                "item_id": turn.item_id,
                "audio_end_ms": end_ms,
                "heard_text": turn.heard_text,
                "text": turn.text,
            }
        )
        if turn.done:
            self._store_turn(turn)  # same seq: updates the stored row

    def _abandon_truncations(self) -> None:
        """Resolve pending truncations from the estimate without telling the (gone) upstream."""
        for item_id in list(self._playback_waits):
            turn = self.conversation.get(item_id)
            timer = self._playback_waits.pop(item_id)
            timer.cancel()
            if isinstance(turn, AssistantTurn):
                sent_ms = audio_ms(turn.audio_bytes, self.setup.bytes_per_ms)
                turn.interrupted = True
                turn.heard_ms = estimated_played_ms(
                    time.monotonic(), turn.first_audio_at, sent_ms
                )
                generated_ms = audio_ms(turn.generated_bytes, self.setup.bytes_per_ms)
                turn.heard_text = heard_prefix(
                    turn.text, turn.heard_ms, max(generated_ms, sent_ms)
                )

    # --- keypad (DTMF) from phone callers: issue 14 -----------------------------------------
    # Kept apart from the rest so the session-core rewrite can port it as one piece.

    async def on_caller_dtmf(self, digits: str) -> None:
        """Keypad digits from a phone caller (0-9, *, #, A-D).

        The model sees a user message saying which key was pressed and is asked to reply;
        tools see the key in the variable `dtmf_last` and every key so far in `dtmf_digits`.
        """
        digits = "".join(d for d in str(digits) if d in DTMF_KEYS)
        if self.ended or not digits:
            return
        variables = self.tool_context.variables
        variables["dtmf_last"] = digits
        variables["dtmf_digits"] = variables.get("dtmf_digits", "") + digits
        await self.on_caller_text(DTMF_TEXT.format(digits=digits))

    async def _handle_input_audio_buffer_dtmf_event_received(
        self, event: dict[str, Any]
    ) -> None:
        """OpenAI SIP calls report keypad presses as an upstream event."""
        await self.on_caller_dtmf(str(event.get("event") or ""))
