"""Pure audio helpers: μ-law, resampling, PCM16 conversion."""

import numpy as np

from realtime.audio import (
    array_to_pcm16,
    pcm16_duration_ms,
    pcm16_to_array,
    resample,
    resample_blocks,
    rms,
    ulaw_decode,
    ulaw_encode,
)


def tone(
    hz: float, rate_hz: int, seconds: float = 0.5, amplitude: float = 10000
) -> np.ndarray:
    t = np.arange(int(rate_hz * seconds)) / rate_hz
    return (amplitude * np.sin(2 * np.pi * hz * t)).astype(np.int16)


def test_ulaw_round_trip_keeps_the_signal_within_quantisation_error():
    x = tone(440, 8000)
    y = ulaw_decode(ulaw_encode(x))
    assert len(ulaw_encode(x)) == x.size
    assert np.max(np.abs(y.astype(int) - x.astype(int))) <= 0.04 * 10000


def test_ulaw_encodes_silence_as_0xff():
    assert ulaw_encode(np.zeros(4, np.int16)) == b"\xff" * 4


def test_resample_24k_to_16k_keeps_a_tone():
    y = resample(tone(440, 24000), 24000, 16000)
    assert y.size == 8000
    reference = tone(440, 16000)
    assert np.max(np.abs(y[50:-50].astype(int) - reference[50:-50].astype(int))) < 50


def test_resample_removes_content_above_the_new_nyquist():
    y = resample(tone(7000, 24000), 24000, 8000)  # above 4 kHz: must be filtered out
    assert rms(y[50:-50]) < 0.01


def test_block_resampling_equals_whole_resampling():
    x = tone(300, 22050, 1.3)
    whole = resample(x, 22050, 24000)
    blocks = np.concatenate(list(resample_blocks(x, 22050, 24000, 4800)))
    assert np.array_equal(whole, blocks)


def test_pcm16_bytes_round_trip_and_duration():
    x = tone(200, 24000, 0.1)
    data = array_to_pcm16(x)
    assert len(data) == 4800
    assert pcm16_duration_ms(data) == 100
    assert np.array_equal(
        pcm16_to_array(data + b"\x01"), x
    )  # odd trailing byte dropped
