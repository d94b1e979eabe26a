"""The bot's audio on its way to the caller, and barge-in.

Owns the bot-audio timeline (where the audio sent so far ends on the session clock) and
the truncations waiting for the caller's playback report. At a barge-in the transport is
told to drop queued bot audio (`playback.flush`) and reports how much it played; the
model's item is truncated to that (`conversation.item.truncate`) so its memory matches what
the caller heard. Without a report within PLAYBACK_REPORT_TIMEOUT_S the server-side
estimate is used. An item the caller heard none of is never truncated to 0 ms (the service
refuses that): its response is cancelled if still running, its audio dropped, and a
finished one is deleted from the model's history.
"""

import time
from typing import Any

from realtime import protocol
from realtime.session.bargein import (
    estimated_played_ms,
    is_probably_playing,
    truncate_ms,
)
from realtime.session.bargein import playback_remaining_s as _remaining_s
from realtime.session.config import SessionSetup
from realtime.session.latency import TurnClock
from realtime.session.link import UpstreamLink
from realtime.session.outbox import CallerOutbox
from realtime.session.timers import Timer
from realtime.session.transcript import Transcript
from realtime.session.transport import Recorder
from realtime.session.turns import AssistantTurn

PLAYBACK_REPORT_TIMEOUT_S = 0.5  # wait this long for the caller's playback position
CUT_BARGE_IN, CUT_DISCONNECT, CUT_RECONNECT = "barge_in", "disconnect", "reconnect"


class Playback:
    def __init__(
        self,
        setup: SessionSetup,
        transcript: Transcript,
        outbox: CallerOutbox,
        link: UpstreamLink,
        clock: TurnClock,
        recorder: Recorder | None,
    ) -> None:
        self._setup, self._transcript, self._outbox = setup, transcript, outbox
        self._link, self._clock, self._recorder = link, clock, recorder
        self._bpm = setup.bytes_per_ms
        self._audio_end_ms = 0  # session clock: where the bot audio sent so far ends
        self._waits: dict[str, Timer] = {}  # item id -> wait for the playback report

    # --- bot audio out --------------------------------------------------------------------

    async def on_audio_delta(self, event: dict[str, Any]) -> None:
        turn = self._transcript.conversation.assistant(
            event.get("item_id") or "", event.get("response_id") or ""
        )
        if turn.flushed:
            # Interrupted: do not play the rest (but count it, for the share of words heard).
            turn.generated_bytes += protocol.audio_delta_size(event)
            return
        audio = protocol.audio_delta(event)
        if not audio:
            return
        turn.generated_bytes += len(audio)
        now = time.monotonic()
        if turn.first_audio_at is None:
            # The caller's player queues items: this one starts where the last one ends.
            now_ms = self._clock.now_ms()
            turn.started_ms = max(now_ms, self._audio_end_ms)
            turn.first_audio_at = now + (turn.started_ms - now_ms) / 1000
            await self._outbox.event(
                {
                    "type": "response.audio.started",
                    "item_id": turn.item_id,
                    "response_id": turn.response_id,
                }
            )
            await self._clock.first_audio(turn, now)
        if self._recorder is not None:
            self._recorder.add_bot(audio, turn.started_ms + turn.sent_ms(self._bpm))
        turn.audio_bytes += len(audio)
        self._audio_end_ms = turn.started_ms + turn.sent_ms(self._bpm)
        await self._outbox.audio(audio)

    def remaining_s(self, turn: AssistantTurn | None) -> float:
        """Seconds until `turn`'s audio sent so far has finished playing."""
        if turn is None:
            return 0.0
        return _remaining_s(
            time.monotonic(), turn.first_audio_at, turn.sent_ms(self._bpm)
        )

    def estimated_heard_ms(self, turn: AssistantTurn) -> int:
        """Server-side estimate of what the caller heard of `turn` so far."""
        return estimated_played_ms(
            time.monotonic(), turn.first_audio_at, turn.sent_ms(self._bpm)
        )

    # --- barge-in ---------------------------------------------------------------------------

    def truncation_pending(self, turn: AssistantTurn) -> bool:
        return turn.item_id in self._waits

    async def barge_in(self) -> None:
        """The caller started speaking: flush bot audio that may still be playing.

        The item being played is truncated to what the caller reports (or the estimate);
        items queued behind it were never heard.
        """
        if not self._setup.interrupt_response or not self._setup.media_relayed:
            return  # the bot finishes its sentence, or the service plays (and cuts) it
        now = time.monotonic()
        audible = [
            t
            for t in self._transcript.conversation.audio_turns()
            if not t.flushed
            and t.item_id not in self._waits
            and is_probably_playing(now, t.first_audio_at, t.sent_ms(self._bpm))
        ]
        if not audible:
            return
        started = [t for t in audible if t.first_audio_at <= now]
        playing = started[-1] if started else audible[0]
        queued = audible[audible.index(playing) + 1 :]
        for turn in (playing, *queued):
            turn.flushed = True
            self._waits[turn.item_id] = Timer("playback-report")
        await self._outbox.event({"type": "playback.flush", "item_id": playing.item_id})
        self._waits[playing.item_id].start(
            PLAYBACK_REPORT_TIMEOUT_S, lambda: self.resolve(playing, None)
        )
        for turn in queued:
            await self.resolve(turn, 0)

    async def caller_cut(self, item_id: str, played_ms: int, interrupted: bool) -> None:
        """The caller's player reports how much of `item_id` it played.

        `interrupted`: the caller cut the bot off on their side (push-to-talk pressed while
        the bot spoke), with no turn detection on the server to notice it.
        """
        turn = self._transcript.conversation.get(item_id)
        if not isinstance(turn, AssistantTurn):
            return
        if item_id not in self._waits:
            push_to_talk = self._setup.turn_detection is None
            if not (interrupted and push_to_talk and not turn.flushed):
                return  # a periodic report with no interruption pending
            turn.flushed = True
            self._waits[item_id] = Timer("playback-report")
            if not turn.done:
                await self._link.send(protocol.response_cancel())
        await self.resolve(turn, played_ms)

    async def resolve(self, turn: AssistantTurn, played_ms: int | None) -> None:
        """Settle a pending truncation of `turn` at `played_ms` (None: the estimate)."""
        timer = self._waits.pop(turn.item_id, None)
        if timer is None:
            return
        timer.cancel()
        sent_ms = turn.sent_ms(self._bpm)
        if played_ms is None:
            played_ms = self.estimated_heard_ms(turn)
        end_ms = truncate_ms(played_ms, sent_ms)
        if end_ms >= sent_ms and turn.done:
            if not turn.stored:
                self._transcript.store(turn)
            return  # the caller heard all of it
        if not turn.previous_connection:  # a new connection lacks the item
            if end_ms > 0:
                await self._link.send(protocol.truncate(turn.item_id, end_ms))
            elif turn.done:  # never heard (the service refuses a truncate to 0 ms)
                await self._link.send(protocol.item_delete(turn.item_id))
            else:  # nothing heard yet: stop it instead
                await self._link.send(protocol.response_cancel())
        turn.mark_cut(end_ms, CUT_BARGE_IN, self._bpm)
        self._audio_end_ms = min(self._audio_end_ms, turn.ended_ms)
        if self._recorder is not None:
            self._recorder.cut_bot(turn.ended_ms)  # generated, never played
        await self._outbox.event(
            {
                "type": "item.truncated",
                "item_id": turn.item_id,
                "audio_end_ms": end_ms,
                "heard_text": turn.heard_text,
                "text": turn.text,
            }
        )
        if turn.done:
            self._transcript.store(turn)  # same seq: updates the stored row

    def abandon(self, reason: str) -> None:
        """A connection is going: settle pending truncations from the estimate (telling
        nobody upstream), and record how much of each unfinished reply the caller hears.

        `reason` CUT_RECONNECT: the model's connection is replaced; audio already sent
        still plays, so a reply cut mid-generation is heard up to what was sent.
        CUT_DISCONNECT: the call is over; the caller heard up to the playback estimate.
        """
        for item_id in list(self._waits):
            self._waits.pop(item_id).cancel()
            turn = self._transcript.conversation.get(item_id)
            if isinstance(turn, AssistantTurn):
                turn.mark_cut(self.estimated_heard_ms(turn), CUT_BARGE_IN, self._bpm)
        for turn in self._transcript.conversation.audio_turns():
            if turn.interrupted or turn.flushed:
                continue
            sent_ms = turn.sent_ms(self._bpm)
            if reason == CUT_RECONNECT:
                if not turn.done:
                    turn.mark_cut(sent_ms, reason, self._bpm)
                continue
            heard_ms = self.estimated_heard_ms(turn)
            if not turn.done or heard_ms < sent_ms:
                turn.mark_cut(heard_ms, reason, self._bpm)
                if turn.stored:
                    self._transcript.store(turn)  # same seq: updates the stored row
