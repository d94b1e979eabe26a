"""Session recordings: stereo PCM16 WAV, caller left, bot right, on the session clock.

How a recording is stored: a 16-bit little-endian stereo WAV at 24 kHz (the Realtime API's
PCM rate), channel 0 (left) the caller, channel 1 (right) the bot, sample 0 = session start
(the clock `TranscriptItem.started_ms` uses), saved to `Session.recording`
(MEDIA_ROOT/recordings/YYYY/MM/<session id>.wav). Silence fills the gaps on each side.

The relay feeds a `StereoRecorder` PCM16 mono chunks as they pass, each at a session-clock
offset (or right after that side's previous chunk); the recorder spools each side to a
temporary file (seeking leaves holes that read back as silence), so memory stays small
however long the call, and interleaves the two sides into the WAV at the end.
"""

import io
import tempfile
import wave
from pathlib import Path
from typing import BinaryIO

import numpy as np

RECORDING_SAMPLE_RATE_HZ = 24000
SAMPLE_WIDTH_BYTES = 2  # PCM16
CALLER, BOT = "caller", "bot"
# Samples per side interleaved per step when writing the WAV (1 s at 24 kHz).
WRITE_BLOCK_SAMPLES = 24000


def interleave_stereo(left_pcm: bytes, right_pcm: bytes) -> bytes:
    """Two PCM16 mono little-endian buffers as one stereo buffer; the shorter side is padded."""
    left = np.frombuffer(left_pcm, dtype="<i2")
    right = np.frombuffer(right_pcm, dtype="<i2")
    frames = max(len(left), len(right))
    out = np.zeros(frames * 2, dtype="<i2")
    out[0 : len(left) * 2 : 2] = left
    out[1 : len(right) * 2 : 2] = right
    return out.tobytes()


def _check_pcm(pcm: bytes) -> None:
    if len(pcm) % SAMPLE_WIDTH_BYTES:
        raise ValueError(
            f"PCM16 audio must have an even number of bytes, got {len(pcm)}."
        )


def stereo_wav_bytes(
    caller_pcm: bytes, bot_pcm: bytes, sample_rate_hz: int = RECORDING_SAMPLE_RATE_HZ
) -> bytes:
    """A complete WAV file from two PCM16 mono sides (caller left, bot right), both from t=0."""
    _check_pcm(caller_pcm)
    _check_pcm(bot_pcm)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(2)
        wav.setsampwidth(SAMPLE_WIDTH_BYTES)
        wav.setframerate(sample_rate_hz)
        wav.writeframes(interleave_stereo(caller_pcm, bot_pcm))
    return buffer.getvalue()


class StereoRecorder:
    """Collects caller and bot PCM16 mono chunks at session-clock offsets; writes one WAV."""

    def __init__(
        self,
        sample_rate_hz: int = RECORDING_SAMPLE_RATE_HZ,
        spool_dir: str | None = None,
    ) -> None:
        self.sample_rate_hz = sample_rate_hz
        self._files: dict[str, BinaryIO] = {
            side: tempfile.TemporaryFile(dir=spool_dir) for side in (CALLER, BOT)
        }
        self._cursor = {CALLER: 0, BOT: 0}  # sample after the last chunk written
        self._length = {CALLER: 0, BOT: 0}  # samples spooled (incl. silent holes)

    def _sample(self, at_ms: int) -> int:
        return at_ms * self.sample_rate_hz // 1000

    def add(self, side: str, pcm: bytes, at_ms: int | None = None) -> None:
        """Place `pcm` (PCM16 mono at `sample_rate_hz`) on `side` at `at_ms` (ms from session
        start), or right after that side's previous chunk; later audio overwrites earlier."""
        if side not in self._files:
            raise ValueError(f"Unknown side {side!r}; use {CALLER!r} or {BOT!r}.")
        if at_ms is not None and at_ms < 0:
            raise ValueError("at_ms must be >= 0.")
        _check_pcm(pcm)
        start = self._cursor[side] if at_ms is None else self._sample(at_ms)
        spool = self._files[side]
        spool.seek(start * SAMPLE_WIDTH_BYTES)
        spool.write(pcm)
        self._cursor[side] = start + len(pcm) // SAMPLE_WIDTH_BYTES
        self._length[side] = max(self._length[side], self._cursor[side])

    def add_caller(self, pcm: bytes, at_ms: int | None = None) -> None:
        """The caller's audio (left channel)."""
        self.add(CALLER, pcm, at_ms)

    def add_bot(self, pcm: bytes, at_ms: int | None = None) -> None:
        """The bot's audio (right channel)."""
        self.add(BOT, pcm, at_ms)

    def truncate(self, side: str, at_ms: int) -> None:
        """Drop `side`'s audio from `at_ms` on (bot audio generated but cut by a barge-in)."""
        sample = self._sample(at_ms)
        if sample < self._length[side]:
            self._files[side].truncate(sample * SAMPLE_WIDTH_BYTES)
            self._length[side] = sample
        self._cursor[side] = min(self._cursor[side], sample)

    @property
    def duration_ms(self) -> int:
        return max(self._length.values()) * 1000 // self.sample_rate_hz

    def _read(self, side: str, start: int, count: int) -> bytes:
        available = max(0, min(count, self._length[side] - start))
        spool = self._files[side]
        spool.seek(start * SAMPLE_WIDTH_BYTES)
        data = spool.read(available * SAMPLE_WIDTH_BYTES)
        return data.ljust(available * SAMPLE_WIDTH_BYTES, b"\0")

    def write(self, path: str | Path) -> int:
        """Write the stereo WAV to `path` block by block; returns its duration in ms."""
        frames = max(self._length.values())
        with wave.open(str(path), "wb") as wav:
            wav.setnchannels(2)
            wav.setsampwidth(SAMPLE_WIDTH_BYTES)
            wav.setframerate(self.sample_rate_hz)
            for start in range(0, frames, WRITE_BLOCK_SAMPLES):
                count = min(WRITE_BLOCK_SAMPLES, frames - start)
                left = self._read(CALLER, start, count).ljust(
                    count * SAMPLE_WIDTH_BYTES, b"\0"
                )
                right = self._read(BOT, start, count).ljust(
                    count * SAMPLE_WIDTH_BYTES, b"\0"
                )
                wav.writeframes(interleave_stereo(left, right))
        return self.duration_ms

    def close(self) -> None:
        """Delete the spool files."""
        for spool in self._files.values():
            spool.close()

    def __enter__(self) -> "StereoRecorder":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
