"""The runner's view of a Twilio Media Stream (Media Streams protocol, text frames only).

Out: `media` (base64 μ-law 8 kHz) followed by a `mark` after every chunk, named
"<item id>:<ms of that item sent so far>". Twilio echoes a mark once the audio before it has
played, so the last echoed mark of an item is how much of it the caller heard. At a barge-in
(`playback.flush`) Twilio's buffer is dropped with `clear` and the runner is told that
position. When the session ends, the call is hung up, or redirected to `<Dial>` the transfer
number, through Twilio's REST API once the last words have played.
"""

import asyncio
import base64
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from realtime.session.bargein import audio_ms

logger = logging.getLogger(__name__)

ULAW_BYTES_PER_MS = 8  # G.711 at 8 kHz: one byte per sample
# Wait at most this long for Twilio to finish playing before hanging up or transferring.
PLAYBACK_DRAIN_MAX_S = 5.0
TRANSFERRED = "transferred"

PlaybackReport = Callable[[str, int], Awaitable[None]]


class CallControl(Protocol):
    """What the transport needs of the provider's REST API for this call."""

    async def hang_up(self) -> None: ...

    async def transfer(self) -> None: ...


class TwilioTransport:
    """Media out to Twilio; marks in; REST hang-up or transfer at the end."""

    def __init__(
        self,
        send_text: Callable[[str], Awaitable[None]],
        close: Callable[[int], Awaitable[None]],
        *,
        stream_sid: str,
        control: CallControl,
        on_playback: PlaybackReport,
        observer: Callable[[dict[str, Any]], Awaitable[None]] | None = None,
    ) -> None:
        self._send_text = send_text
        self._close = close
        self.stream_sid = stream_sid
        self._control = control
        self._on_playback = on_playback
        self._observer = observer
        self.closed = False
        self.call_over = False  # Twilio said `stop`: nothing to hang up
        self._item_id = ""
        self._sent_ms: dict[str, int] = {}
        self._played_ms: dict[str, int] = {}
        self._flushed: set[str] = set()
        self._marks_out: set[str] = set()  # sent, not yet echoed (names are unique)
        self._drained = asyncio.Event()
        self._drained.set()
        self._tasks: set[asyncio.Task] = set()

    # --- runner -> Twilio -----------------------------------------------------------------

    async def send_audio(self, audio: bytes) -> None:
        if self.closed or not self._item_id:
            return
        item_id = self._item_id
        self._sent_ms[item_id] = self._sent_ms.get(item_id, 0) + audio_ms(
            len(audio), ULAW_BYTES_PER_MS
        )
        payload = base64.b64encode(audio).decode()
        await self._send({"event": "media", "media": {"payload": payload}})
        name = f"{item_id}:{self._sent_ms[item_id]}"
        self._marks_out.add(name)
        self._drained.clear()
        await self._send({"event": "mark", "mark": {"name": name}})

    async def send_event(self, event: dict[str, Any]) -> None:
        if self._observer is not None:
            await self._observer(event)
        etype = event.get("type")
        if etype == "response.audio.started":
            self._item_id = event.get("item_id") or ""
        elif etype == "playback.flush":
            await self._flush(event.get("item_id") or "")
        elif etype == "session.ended":
            await self._end_call(event.get("reason") or "")

    async def close(self, code: int = 1000) -> None:
        if not self.closed:
            self.closed = True
            await self._close(code)
        for task in list(self._tasks):
            await task

    # --- Twilio -> runner -----------------------------------------------------------------

    def on_mark(self, name: str) -> None:
        """Twilio played the audio up to this mark (or dropped it at a `clear`)."""
        self._marks_out.discard(
            name
        )  # marks of audio a `clear` dropped are not pending
        if not self._marks_out:
            self._drained.set()
        item_id, _, ms = name.rpartition(":")
        if item_id in self._flushed or not ms.isdigit():
            return
        self._played_ms[item_id] = max(self._played_ms.get(item_id, 0), int(ms))

    def played_ms(self, item_id: str) -> int:
        """How much of `item_id` Twilio reported played (ms)."""
        return self._played_ms.get(item_id, 0)

    # --- internals ------------------------------------------------------------------------

    async def _send(self, message: dict[str, Any]) -> None:
        if not self.closed:
            message["streamSid"] = self.stream_sid
            await self._send_text(json.dumps(message))

    async def _flush(self, item_id: str) -> None:
        """Barge-in: drop Twilio's buffered audio and report what the caller heard."""
        await self._send({"event": "clear"})
        self._flushed.add(item_id)
        self._item_id = ""
        self._marks_out.clear()
        self._drained.set()
        # Reported from a task: the runner is still inside its barge-in handling.
        task = asyncio.create_task(
            self._on_playback(item_id, self.played_ms(item_id)), name="twilio-playback"
        )
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _end_call(self, reason: str) -> None:
        if self.call_over:
            return
        try:
            await asyncio.wait_for(self._drained.wait(), PLAYBACK_DRAIN_MAX_S)
        except TimeoutError:
            logger.info("Twilio did not confirm playback; ending the call anyway")
        try:
            if reason == TRANSFERRED:
                await self._control.transfer()
            else:
                await self._control.hang_up()
        except Exception:
            logger.exception("Ending the Twilio call failed")
