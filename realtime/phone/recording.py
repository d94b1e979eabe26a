"""Recording phone calls (G.711 μ-law 8 kHz both ways) into the usual stereo WAV export.

μ-law is decoded with realtime/audio.py's numpy tables (the same G.711 codec the offline
engine uses; the stdlib `audioop` is deprecated and gone in Python 3.13, and `audioop-lts`
would be a dependency for what two lookup tables do). The call is kept at its native 8 kHz
while it runs and resampled once, whole, at the end: resampling each 20 ms chunk on its own
would leave a click at every chunk edge. The WAV is then written by `SessionRecorder`, so a
phone recording is the same PCM16 24 kHz stereo file (caller left, bot right) as any other.
"""

import os
import tempfile
import wave

import numpy as np

from botbuilder.exports.wav import BOT, StereoRecorder
from realtime.audio import (
    MODEL_SAMPLE_RATE_HZ,
    ULAW_SAMPLE_RATE_HZ,
    array_to_pcm16,
    resample_blocks,
    ulaw_decode,
)
from realtime.session.recording import SessionRecorder

RESAMPLE_BLOCK_SAMPLES = MODEL_SAMPLE_RATE_HZ  # 1 s of output per resampling step


class PhoneRecorder:
    """The runner's Recorder for μ-law 8 kHz sessions."""

    def __init__(self) -> None:
        self._native = StereoRecorder(sample_rate_hz=ULAW_SAMPLE_RATE_HZ)

    def add_caller(self, audio: bytes, at_ms: int) -> None:
        self._native.add_caller(array_to_pcm16(ulaw_decode(audio)), at_ms)

    def add_bot(self, audio: bytes, at_ms: int) -> None:
        self._native.add_bot(array_to_pcm16(ulaw_decode(audio)), at_ms)

    def cut_bot(self, at_ms: int) -> None:
        self._native.truncate(BOT, at_ms)

    def finish(self, path: str) -> None:
        """Write the call as PCM16 24 kHz stereo to `path` (blocking: run it in a thread)."""
        fd, native_path = tempfile.mkstemp(prefix="call-8k-", suffix=".wav")
        os.close(fd)
        out = SessionRecorder()
        try:
            self._native.write(native_path)
            with wave.open(native_path, "rb") as wav:
                frames = wav.readframes(wav.getnframes())
            stereo = np.frombuffer(frames, dtype="<i2").reshape(-1, 2)
            for column, add in ((0, out.add_caller), (1, out.add_bot)):
                for block in resample_blocks(
                    np.ascontiguousarray(stereo[:, column]),
                    ULAW_SAMPLE_RATE_HZ,
                    MODEL_SAMPLE_RATE_HZ,
                    RESAMPLE_BLOCK_SAMPLES,
                ):
                    add(array_to_pcm16(block), None)
            out.finish(path)
        finally:
            self._native.close()
            os.unlink(native_path)


def make_phone_recorder(*, record_audio: bool) -> PhoneRecorder | None:
    """A recorder for a phone call of a bot with record_audio on, else None."""
    return PhoneRecorder() if record_audio else None
