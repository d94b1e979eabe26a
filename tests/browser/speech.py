"""Fake-microphone WAV files: synthesised utterances separated by silence, with low noise."""

import wave
from pathlib import Path

import numpy as np

WAV_SAMPLE_RATE_HZ = (
    24000  # what realtime.engine.tts.synthesize returns; Chromium resamples
)
DITHER_RMS = 30.0  # int16 units (about -60 dBFS): no digital silence, far below speech
TEST_VOICE = "en-us+klatt3"


class SpeechWav:
    """Builds and caches WAVs from a script of ("say", text) / ("pause", seconds) steps."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.count = 0

    def duration_s(
        self, text: str, voice: str = TEST_VOICE, rate_wpm: int = 165
    ) -> float:
        """How long `text` takes to say, in seconds."""
        from realtime.engine.tts import synthesize

        return (
            len(synthesize(text, voice=voice, rate_wpm=rate_wpm)) / WAV_SAMPLE_RATE_HZ
        )

    def build(self, *steps: tuple[str, object]) -> Path:
        """Write a 16-bit mono WAV of the steps; returns its path."""
        from realtime.engine.tts import synthesize

        parts: list[np.ndarray] = []
        for kind, value in steps:
            if kind == "say":
                parts.append(
                    np.asarray(
                        synthesize(str(value), voice=TEST_VOICE), dtype=np.float64
                    )
                )
            elif kind == "pause":
                parts.append(np.zeros(int(float(value) * WAV_SAMPLE_RATE_HZ)))
            else:
                raise ValueError(f"unknown step {kind!r}")
        audio = np.concatenate(parts)
        rng = np.random.default_rng(1234)
        audio = audio + rng.normal(0.0, DITHER_RMS, audio.shape)
        pcm = np.clip(np.round(audio), -32768, 32767).astype("<i2")
        self.count += 1
        path = self.directory / f"mic-{self.count}.wav"
        with wave.open(str(path), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(WAV_SAMPLE_RATE_HZ)
            out.writeframes(pcm.tobytes())
        return path
