"""Server VAD: an energy detector with the GA knobs (threshold, prefix padding, silence)."""

from dataclasses import dataclass

import numpy as np

from realtime.audio import rms

FRAME_MS = 20
SPEECH_START_MS = 60  # voiced time needed before speech counts as started
RMS_AT_FULL_THRESHOLD = 0.05  # frame RMS (full scale 1) that threshold 1.0 stands for
SILENCE_HINT_MS = 150  # after this much silence, a turn is worth decoding speculatively
NOISE_FLOOR_RATIO = 3.0  # speech must be this much louder than the background noise
NOISE_FLOOR_RISE = 0.02  # per quiet frame: the floor follows the minimum, rises slowly
# Hysteresis: once speech has started, quieter frames still count as speech (unvoiced
# sounds such as the "s" and "th" of "methods" sit well below vowels), so a turn is not
# split in the middle of a sentence.
CONTINUE_LEVEL = 0.5  # share of the start threshold
CONTINUE_FLOOR_RATIO = 2.0  # louder than the background noise by this much


@dataclass
class VadEvent:
    kind: str  # "started" | "pause" | "stopped"
    audio_ms: int  # position in the session's input audio, ms


class ServerVad:
    """Feeds on int16 mono frames; reports speech start, a pause hint and speech stop."""

    def __init__(
        self,
        *,
        threshold: float,
        prefix_padding_ms: int,
        silence_duration_ms: int,
        rate_hz: int,
    ):
        self.rms_threshold = max(0.004, RMS_AT_FULL_THRESHOLD * threshold)
        self.prefix_padding_ms = prefix_padding_ms
        self.silence_duration_ms = silence_duration_ms
        self.frame_samples = rate_hz * FRAME_MS // 1000
        self.pending = np.zeros(0, np.int16)
        self.position_ms = 0
        self.in_speech = False
        self.voiced_ms = 0
        self.silence_ms = 0
        self.speech_start_ms = 0
        self.hinted = False
        self.noise_floor: float | None = (
            None  # background level (RMS), a minimum tracker
        )

    def _voiced(self, frame: np.ndarray) -> bool:
        level = rms(frame)
        if self.noise_floor is None or level < self.noise_floor:
            self.noise_floor = level
        if self.in_speech:
            needed = max(
                CONTINUE_LEVEL * self.rms_threshold,
                CONTINUE_FLOOR_RATIO * self.noise_floor,
            )
        else:
            needed = max(self.rms_threshold, NOISE_FLOOR_RATIO * self.noise_floor)
        voiced = level >= needed
        if not voiced:  # speech itself never raises the floor
            self.noise_floor += NOISE_FLOOR_RISE * (level - self.noise_floor)
        return voiced

    def feed(self, samples: np.ndarray) -> list[VadEvent]:
        """Process new samples; returns the events they caused, in order."""
        events: list[VadEvent] = []
        data = np.concatenate([self.pending, samples])
        n_frames = data.size // self.frame_samples
        for i in range(n_frames):
            frame = data[i * self.frame_samples : (i + 1) * self.frame_samples]
            self.position_ms += FRAME_MS
            voiced = self._voiced(frame)
            if not self.in_speech:
                self.voiced_ms = self.voiced_ms + FRAME_MS if voiced else 0
                if self.voiced_ms >= SPEECH_START_MS:
                    self.in_speech, self.silence_ms, self.hinted = True, 0, False
                    start = self.position_ms - self.voiced_ms
                    self.speech_start_ms = max(0, start - self.prefix_padding_ms)
                    events.append(VadEvent("started", self.speech_start_ms))
                continue
            self.silence_ms = 0 if voiced else self.silence_ms + FRAME_MS
            if voiced:
                self.hinted = False
            elif self.silence_ms >= self.silence_duration_ms:
                self.in_speech, self.voiced_ms = False, 0
                events.append(VadEvent("stopped", self.position_ms - self.silence_ms))
            elif self.silence_ms >= min(
                SILENCE_HINT_MS, self.silence_duration_ms
            ) and not (self.hinted):
                self.hinted = True
                events.append(VadEvent("pause", self.position_ms - self.silence_ms))
        self.pending = data[n_frames * self.frame_samples :]
        return events
