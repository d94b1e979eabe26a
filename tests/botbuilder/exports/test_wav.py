"""Recordings: caller left, bot right, on the session clock, checked with synthetic tones."""

import io
import wave

import numpy as np
import pytest

from botbuilder.exports.wav import (
    RECORDING_SAMPLE_RATE_HZ,
    StereoRecorder,
    stereo_wav_bytes,
)

RATE = RECORDING_SAMPLE_RATE_HZ


def tone(freq_hz: float, ms: int, amplitude: int = 8000) -> bytes:
    """A PCM16 mono sine tone at 24 kHz."""
    t = np.arange(RATE * ms // 1000) / RATE
    return (amplitude * np.sin(2 * np.pi * freq_hz * t)).astype("<i2").tobytes()


def read_stereo(data_or_path) -> tuple[np.ndarray, np.ndarray]:
    source = (
        io.BytesIO(data_or_path)
        if isinstance(data_or_path, bytes)
        else str(data_or_path)
    )
    with wave.open(source, "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (
            2,
            2,
            RATE,
        )
        frames = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
    return frames[0::2], frames[1::2]


def window(samples: np.ndarray, start_ms: int, end_ms: int) -> np.ndarray:
    return samples[start_ms * RATE // 1000 : end_ms * RATE // 1000]


def dominant_hz(samples: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(samples.astype(float)))
    return float(np.fft.rfftfreq(len(samples), 1 / RATE)[spectrum.argmax()])


def rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(samples.astype(float) ** 2))) if len(samples) else 0.0


def test_stereo_wav_bytes_puts_caller_left_and_bot_right():
    left, right = read_stereo(stereo_wav_bytes(tone(440, 500), tone(880, 1000)))
    assert len(left) == len(right) == RATE  # the shorter side is padded with silence
    assert dominant_hz(window(left, 0, 500)) == pytest.approx(440, abs=3)
    assert dominant_hz(right) == pytest.approx(880, abs=3)
    assert rms(window(left, 500, 1000)) == 0


def test_stereo_wav_bytes_rejects_odd_byte_counts():
    with pytest.raises(ValueError, match="even number of bytes"):
        stereo_wav_bytes(b"\x00\x01\x02", b"")


def test_recorder_places_each_side_at_its_session_clock_offset(tmp_path):
    path = tmp_path / "rec.wav"
    with StereoRecorder() as recorder:
        recorder.add_caller(tone(440, 1000), at_ms=500)
        recorder.add_bot(tone(880, 600), at_ms=2000)
        recorder.add_bot(tone(880, 400))  # right after the previous bot chunk
        assert recorder.write(path) == 3000
    left, right = read_stereo(path)
    assert len(left) == 3 * RATE
    assert rms(window(left, 0, 500)) == 0 and rms(window(left, 1500, 3000)) == 0
    assert dominant_hz(window(left, 500, 1500)) == pytest.approx(440, abs=2)
    assert rms(window(right, 0, 2000)) == 0
    assert dominant_hz(window(right, 2000, 3000)) == pytest.approx(880, abs=2)
    assert rms(window(right, 2000, 3000)) > 5000


def test_recorder_truncates_bot_audio_cut_by_a_barge_in(tmp_path):
    path = tmp_path / "rec.wav"
    with StereoRecorder() as recorder:
        recorder.add_bot(tone(880, 2000), at_ms=0)
        recorder.add_caller(tone(440, 500), at_ms=1000)
        recorder.truncate("bot", at_ms=1200)
        recorder.write(path)
    left, right = read_stereo(path)
    assert len(right) == int(1.5 * RATE)
    assert rms(window(right, 0, 1200)) > 5000 and rms(window(right, 1200, 1500)) == 0
    assert dominant_hz(window(left, 1000, 1500)) == pytest.approx(440, abs=3)


def test_recorder_spans_blocks_and_rejects_bad_input(tmp_path):
    with StereoRecorder() as recorder:
        recorder.add_caller(
            tone(300, 100), at_ms=2500
        )  # beyond the first 1 s write block
        with pytest.raises(ValueError):
            recorder.add("robot", b"")
        with pytest.raises(ValueError):
            recorder.add_bot(b"\x00", at_ms=0)
        recorder.write(tmp_path / "r.wav")
    left, right = read_stereo(tmp_path / "r.wav")
    assert len(left) == int(2.6 * RATE) and rms(right) == 0
    assert rms(window(left, 2500, 2600)) > 4000 and rms(window(left, 0, 2500)) == 0
