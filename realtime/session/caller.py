"""What the caller sends: audio, typed text, push-to-talk commits, keypad digits.

Owns the caller's audio accounting (what was appended since the last commit), the audio
held while the session is not live (connecting, reconnecting): at most HELD_AUDIO_MAX_MS,
sent on as soon as the connection is up, and the audio pending for the next append: frames
are coalesced into appends of `settings.RELAY_APPEND_MS` (what is pending goes first before
a commit, a clear or the end).
"""

import asyncio
from collections.abc import Callable
from typing import Any

from django.conf import settings

from realtime import protocol
from realtime.session.bargein import audio_ms
from realtime.session.config import SessionSetup
from realtime.session.latency import TurnClock
from realtime.session.lifecycle import Lifecycle
from realtime.session.link import UPSTREAM_READY_TIMEOUT_S, UpstreamLink
from realtime.session.outbox import CallerOutbox
from realtime.session.responder import Responder
from realtime.session.transcript import Transcript
from realtime.session.transport import Recorder

MIN_COMMIT_MS = (
    100  # the upstream refuses to commit less audio (protocol reference §5.1)
)
HELD_AUDIO_MAX_MS = 5000  # caller audio kept while the model connection is being set up
TYPED_TEXT_READY_TIMEOUT_S = UPSTREAM_READY_TIMEOUT_S
DTMF_KEYS = frozenset("0123456789*#ABCD")
DTMF_NOTE = "[The caller pressed {digits} on the keypad]"


class CallerInput:
    def __init__(
        self,
        setup: SessionSetup,
        lifecycle: Lifecycle,
        link: UpstreamLink,
        responder: Responder,
        transcript: Transcript,
        outbox: CallerOutbox,
        clock: TurnClock,
        recorder: Recorder | None,
        *,
        on_caller_active: Callable[[], None],
        on_keypad: Callable[[str, str], None],
    ) -> None:
        self._setup, self._lifecycle, self._link = setup, lifecycle, link
        self._on_keypad = on_keypad  # (last digits, every digit of the call)
        self._responder, self._transcript = responder, transcript
        self._outbox, self._clock, self._recorder = outbox, clock, recorder
        self._on_caller_active = on_caller_active
        self._bpm = setup.bytes_per_ms
        self._held = bytearray()
        self._pending = bytearray()  # audio for the next append
        self._append_bytes = max(1, settings.RELAY_APPEND_MS * self._bpm)
        self._append_wait_s = max(settings.RELAY_APPEND_MS, 20) / 1000
        self._appends = 0  # appends sent: tells a stale-pending check if one went since
        self._stale_send: asyncio.Task | None = None
        self._uncommitted_ms = 0
        self.digits = ""  # every keypad digit of the call, in order

    @property
    def push_to_talk(self) -> bool:
        return self._setup.turn_detection is None

    def committed(self) -> None:
        """The model committed the caller's audio buffer (its own VAD or our commit)."""
        self._uncommitted_ms = 0

    def connection_lost(self) -> None:
        """A new connection starts with an empty input buffer (what was pending is sent
        on it with the audio held meanwhile)."""
        self._uncommitted_ms = 0
        self._hold_pending()

    async def on_audio(self, audio: bytes) -> None:
        """Caller audio in the session's format (browser: PCM16 mono LE 24 kHz)."""
        if self._lifecycle.ending:
            return
        if self._recorder is not None:
            self._recorder.add_caller(audio, self._clock.now_ms())
        if not self._lifecycle.is_live:
            self._hold_pending()
            self._held += audio
            overflow = len(self._held) - HELD_AUDIO_MAX_MS * self._bpm
            if overflow > 0:
                del self._held[:overflow]
            return
        self._uncommitted_ms += audio_ms(len(audio), self._bpm)
        if not self._pending and len(audio) >= self._append_bytes:
            await self._link.send_audio(audio)
            return
        if not self._pending:  # the caller may stop sending: never wait past one append
            asyncio.get_running_loop().call_later(
                self._append_wait_s, self._send_if_stale, self._appends
            )
        self._pending += audio
        if len(self._pending) >= self._append_bytes:
            await self.send_pending_audio()

    async def send_pending_audio(self) -> None:
        """Append what is pending now (before a commit, a clear, the end)."""
        if self._pending:
            audio = bytes(self._pending)
            self._pending.clear()
            self._appends += 1
            await self._link.send_audio(audio)

    def _send_if_stale(self, appends_then: int) -> None:
        if (
            self._appends == appends_then
            and self._pending
            and not self._lifecycle.ending
        ):
            self._stale_send = asyncio.create_task(self.send_pending_audio())

    def _hold_pending(self) -> None:
        if self._pending:
            self._held[:0] = self._pending  # older than anything held since
            self._pending.clear()

    async def send_held_audio(self) -> None:
        """The connection is live again: send the audio held meanwhile."""
        if self._held:
            audio, self._held = bytes(self._held), bytearray()
            self._uncommitted_ms += audio_ms(len(audio), self._bpm)
            await self._link.send_audio(audio)

    async def on_text(self, text: str) -> None:
        """A typed caller message: stored at once, then answered."""
        if self._lifecycle.ending:
            return
        self._on_caller_active()
        if not await self._lifecycle.wait_live(TYPED_TEXT_READY_TIMEOUT_S):
            if not self._lifecycle.ending:
                await self._outbox.error(
                    "The model is not reachable right now.", "upstream_busy"
                )
            return
        turn = self._transcript.conversation.typed_user(text, self._clock.now_ms())
        self._transcript.store(turn)
        await self._outbox.event(
            {
                "type": "transcript.done",
                "role": "user",
                "item_id": "",
                "text": text,
                "seq": turn.seq,
            }
        )
        self._clock.caller_turn_ended()
        # The item joins the conversation with its response: after a reply still running.
        await self._responder.request(
            protocol.response_create(), before=[protocol.user_text_item(text)]
        )

    async def on_dtmf(self, digits: str) -> None:
        """Keypad digits (0-9, *, #, A-D) of a phone call: a caller turn saying which key
        was pressed, then an answer; tools see them as `dtmf_last` / `dtmf_digits`."""
        digits = "".join(d for d in str(digits) if d in DTMF_KEYS)
        if self._lifecycle.ending or not digits:
            return
        self.digits += digits
        self._on_keypad(digits, self.digits)
        await self._outbox.event({"type": "dtmf", "digits": digits})
        await self.on_text(DTMF_NOTE.format(digits=digits))

    async def on_dtmf_event(self, event: dict[str, Any]) -> None:
        """`input_audio_buffer.dtmf_event_received`: keypad presses of a SIP call."""
        await self.on_dtmf(str(event.get("event") or ""))

    async def on_commit(self) -> None:
        """Push-to-talk: the caller released the button."""
        if not self.push_to_talk:
            await self._outbox.error(
                "audio.commit is only for push-to-talk sessions; the model detects "
                "turns itself.",
                "not_push_to_talk",
            )
            return
        await self.send_pending_audio()
        if self._uncommitted_ms < MIN_COMMIT_MS:
            self._uncommitted_ms = 0
            await self._link.send(protocol.audio_clear())
            await self._outbox.error(
                f"Too little audio to send (at least {MIN_COMMIT_MS} ms are needed).",
                "audio_too_short",
            )
            return
        self._on_caller_active()
        self._uncommitted_ms = 0
        self._clock.caller_turn_ended()
        await self._link.send(protocol.audio_commit())
        await self._responder.request(protocol.response_create())

    async def on_clear(self) -> None:
        """Push-to-talk: drop the audio since the last commit."""
        if not self.push_to_talk:
            await self._outbox.error(
                "audio.clear is only for push-to-talk sessions.", "not_push_to_talk"
            )
            return
        self._uncommitted_ms = 0
        await self.send_pending_audio()  # then cleared with the rest
        await self._link.send(protocol.audio_clear())
