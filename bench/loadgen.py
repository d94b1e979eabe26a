"""Simulated callers for the relay benchmark: real-time 20 ms PCM16 frames, timed per frame.

Each caller streams tagged frames (`bench.echo_upstream.tag_frame`) on a fixed 20 ms clock
and times every echoed frame: up (sent → the upstream received it), down (upstream → back
at the caller) and the round trip, all on `time.monotonic_ns()`, which every process on the
machine shares. Two kinds of caller, the same clock and frames:

- `RelayCaller`: the browser protocol through daphne and the session consumer
  (binary frames both ways, after `session.start`).
- `DirectCaller`: the GA protocol straight to the upstream, doing the base64 and JSON
  work itself (the floor the relay's figures are compared with).
"""

import asyncio
import base64
import json
import time
from dataclasses import dataclass, field

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from bench.echo_upstream import FRAME_BYTES, FRAME_MS, frame_tag, tag_frame

FRAME_S = FRAME_MS / 1000
CONNECT_TIMEOUT_S = 30.0
# Callers connect this many at a time (a real crowd does not arrive in one millisecond).
CONNECT_CONCURRENCY = 20
# After the last frame, wait this long for frames still on their way back.
DRAIN_S = 2.0
# Frames of the first second are sent and counted but not timed (connections warming up).
WARMUP_FRAMES = 50
# A 440 Hz-ish square wave: frames that are not silence, in case anything filters silence.
TONE = (b"\x00\x10" * 27 + b"\x00\xf0" * 27) * (FRAME_BYTES // 108) + bytes(
    FRAME_BYTES % 108
)


@dataclass
class Timings:
    """Per-frame figures of one caller, in nanoseconds."""

    sent: int = 0
    received: int = 0
    up_ns: list[int] = field(default_factory=list)
    down_ns: list[int] = field(default_factory=list)
    rtt_ns: list[int] = field(default_factory=list)


class Caller:
    """One simulated caller: opens, streams `frames` frames in real time, closes."""

    def __init__(self, client_id: int, frames: int) -> None:
        self.client_id = client_id
        self.sent_ns = [0] * frames
        self.timings = Timings()
        self.ws: ClientConnection | None = None
        self._receiver: asyncio.Task | None = None
        self.errors: list[str] = []

    def on_audio(self, audio: bytes, now_ns: int) -> None:
        """Audio back from the relay: one or more 20 ms frames (a relay may coalesce)."""
        if len(audio) <= FRAME_BYTES:
            self.on_frame(audio, now_ns)
            return
        for start in range(0, len(audio), FRAME_BYTES):
            self.on_frame(audio[start : start + FRAME_BYTES], now_ns)

    def on_frame(self, frame: bytes, now_ns: int) -> None:
        if len(frame) < 16:
            return
        client_id, seq, upstream_ns = frame_tag(frame)
        if client_id != self.client_id or seq >= len(self.sent_ns):
            return  # not one of ours (e.g. a scripted reply's silence)
        sent = self.sent_ns[seq]
        if not sent:
            return
        self.timings.received += 1
        if seq < WARMUP_FRAMES:
            return
        self.timings.rtt_ns.append(now_ns - sent)
        if upstream_ns:
            self.timings.up_ns.append(upstream_ns - sent)
            self.timings.down_ns.append(now_ns - upstream_ns)

    async def open(self) -> None:
        raise NotImplementedError

    async def send_frame(self, frame: bytes) -> None:
        raise NotImplementedError

    async def receive_loop(self) -> None:
        raise NotImplementedError

    async def stream(self, start_at: float) -> None:
        """Send every frame at start_at + k × 20 ms (loop clock), as a microphone would."""
        loop = asyncio.get_running_loop()
        for seq in range(len(self.sent_ns)):
            delay = start_at + seq * FRAME_S - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            frame = tag_frame(self.client_id, seq, TONE)
            self.sent_ns[seq] = time.monotonic_ns()
            try:
                await self.send_frame(frame)
            except ConnectionClosed as exc:
                self.errors.append(f"closed while streaming: {exc}")
                return
            self.timings.sent += 1

    def start_receiving(self) -> None:
        self._receiver = asyncio.create_task(self.receive_loop())

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self._receiver is not None:
            self._receiver.cancel()
            try:
                await self._receiver
            except (asyncio.CancelledError, ConnectionClosed):
                pass


class RelayCaller(Caller):
    """A browser on the session consumer: `session.start`, then binary audio both ways."""

    def __init__(
        self, client_id: int, frames: int, *, url: str, origin: str, cookie: str
    ):
        super().__init__(client_id, frames)
        self.url, self.origin, self.cookie = url, origin, cookie
        self.ended: dict | None = None

    async def open(self) -> None:
        self.ws = await connect(
            self.url,
            origin=self.origin,
            additional_headers={"Cookie": self.cookie},
            compression=None,
            open_timeout=CONNECT_TIMEOUT_S,
        )
        await self.ws.send(json.dumps({"type": "session.start"}))
        while True:
            message = await asyncio.wait_for(self.ws.recv(), CONNECT_TIMEOUT_S)
            if isinstance(message, str):
                event = json.loads(message)
                if event["type"] == "session.started":
                    break
                if event["type"] in ("error", "session.ended"):
                    raise RuntimeError(f"session did not start: {event}")
        self.start_receiving()

    async def send_frame(self, frame: bytes) -> None:
        await self.ws.send(frame)

    async def receive_loop(self) -> None:
        async for message in self.ws:
            if isinstance(message, bytes):
                self.on_audio(message, time.monotonic_ns())
            else:
                event = json.loads(message)
                if event["type"] == "error":
                    self.errors.append(event.get("code", "error"))
                elif event["type"] == "session.ended":
                    self.ended = event


class DirectCaller(Caller):
    """An app on the upstream itself: GA events, base64 and JSON done here."""

    def __init__(self, client_id: int, frames: int, *, url: str):
        super().__init__(client_id, frames)
        self.url = url

    async def open(self) -> None:
        self.ws = await connect(
            self.url, compression=None, open_timeout=CONNECT_TIMEOUT_S
        )
        created = json.loads(await asyncio.wait_for(self.ws.recv(), CONNECT_TIMEOUT_S))
        if created["type"] != "session.created":
            raise RuntimeError(f"unexpected first event {created['type']}")
        self.start_receiving()

    async def send_frame(self, frame: bytes) -> None:
        audio = base64.b64encode(frame).decode()
        event = {"type": "input_audio_buffer.append", "audio": audio}
        await self.ws.send(json.dumps(event, separators=(",", ":")))

    async def receive_loop(self) -> None:
        async for message in self.ws:
            event = json.loads(message)
            if event.get("type") == "response.output_audio.delta":
                self.on_audio(base64.b64decode(event["delta"]), time.monotonic_ns())


async def open_all(callers: list[Caller]) -> None:
    """Open every caller, CONNECT_CONCURRENCY at a time."""
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)

    async def one(caller: Caller) -> None:
        async with gate:
            await caller.open()

    await asyncio.gather(*(one(caller) for caller in callers))


async def stream_all(callers: list[Caller]) -> None:
    """Stream all callers at once, their frame clocks spread evenly over one frame."""
    start_at = asyncio.get_running_loop().time() + 0.2
    count = len(callers)
    starts = [start_at + FRAME_S * i / count for i in range(count)]
    await asyncio.gather(*(c.stream(at) for c, at in zip(callers, starts, strict=True)))


async def drain(callers: list[Caller], timeout_s: float = DRAIN_S) -> None:
    """Wait (at most `timeout_s`) until every sent frame has come back."""
    expected = sum(c.timings.sent for c in callers)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if sum(c.timings.received for c in callers) >= expected:
            return
        await asyncio.sleep(0.05)
