"""Pure audio helpers: PCM16 bytes <-> numpy, windowed-sinc resampling, G.711 μ-law.

No Django, no websockets. Unless a name says otherwise, audio is PCM16 mono little-endian.
"""

from collections.abc import Iterator
from functools import lru_cache
from math import gcd

import numpy as np

MODEL_SAMPLE_RATE_HZ = 24000  # Realtime API PCM ("audio/pcm") rate
ULAW_SAMPLE_RATE_HZ = 8000  # G.711 ("audio/pcmu") rate
PCM16_BYTES_PER_SAMPLE = 2
RESAMPLE_HALF_TAPS = 16  # sinc half-width in input samples; 32 taps keep speech clean
ULAW_BIAS = 0x84  # decoder bias (16-bit)
ULAW_BIAS_14BIT = 0x21  # encoder bias on 14-bit magnitudes
ULAW_CLIP_14BIT = 8159
ULAW_SEGMENT_ENDS = np.array([0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF])


def pcm16_to_array(data: bytes) -> np.ndarray:
    """PCM16 mono little-endian bytes -> int16 array (a trailing odd byte is dropped)."""
    usable = len(data) - (len(data) % PCM16_BYTES_PER_SAMPLE)
    return np.frombuffer(data[:usable], dtype="<i2").astype(np.int16)


def array_to_pcm16(samples: np.ndarray) -> bytes:
    """int16 (or float in int16 range) array -> PCM16 mono little-endian bytes."""
    clipped = (
        np.clip(np.round(samples), -32768, 32767)
        if samples.dtype.kind == "f"
        else samples
    )
    return np.asarray(clipped, dtype="<i2").tobytes()


def duration_ms(n_samples: int, rate_hz: int) -> int:
    """Milliseconds spanned by `n_samples` at `rate_hz`."""
    return int(n_samples * 1000 // rate_hz)


def pcm16_duration_ms(data: bytes, rate_hz: int = MODEL_SAMPLE_RATE_HZ) -> int:
    """Milliseconds of PCM16 mono audio in `data` at `rate_hz`."""
    return duration_ms(len(data) // PCM16_BYTES_PER_SAMPLE, rate_hz)


def rms(samples: np.ndarray) -> float:
    """Root mean square of int16 samples, normalised to 0..1 (full scale = 1)."""
    if samples.size == 0:
        return 0.0
    x = samples.astype(np.float32) / 32768.0
    return float(np.sqrt(np.mean(x * x)))


@lru_cache(maxsize=16)
def _phase_filters(up: int, down: int) -> tuple[np.ndarray, float]:
    """Windowed-sinc weights for each of the `up` output phases (up x 2*RESAMPLE_HALF_TAPS)."""
    taps = RESAMPLE_HALF_TAPS
    cutoff = min(1.0, up / down) * 0.95
    frac = (np.arange(up) * down % up) / up  # fractional input position per phase
    k = np.arange(-taps + 1, taps + 1)
    d = frac[:, None] - k[None, :]
    w = cutoff * np.sinc(cutoff * d) * (0.5 + 0.5 * np.cos(np.pi * d / taps))
    return w.astype(np.float32), cutoff


def _ratio(rate_in_hz: int, rate_out_hz: int) -> tuple[int, int]:
    g = gcd(rate_in_hz, rate_out_hz)
    return rate_out_hz // g, rate_in_hz // g


def resample(samples: np.ndarray, rate_in_hz: int, rate_out_hz: int) -> np.ndarray:
    """Resample int16 mono audio with a windowed-sinc filter; returns int16."""
    if rate_in_hz == rate_out_hz or samples.size == 0:
        return samples.astype(np.int16)
    up, down = _ratio(rate_in_hz, rate_out_hz)
    n_out = int(round(samples.size * up / down))
    y = _resample_slice(samples.astype(np.float32), 0, up, down, 0, n_out)
    return np.clip(np.round(y), -32768, 32767).astype(np.int16)


def resample_blocks(
    samples: np.ndarray, rate_in_hz: int, rate_out_hz: int, block_samples: int
) -> Iterator[np.ndarray]:
    """Like `resample`, but yields int16 output blocks of `block_samples` (first audio sooner)."""
    up, down = _ratio(rate_in_hz, rate_out_hz)
    n_out = int(round(samples.size * up / down))
    x = samples.astype(np.float32)
    for start in range(0, n_out, block_samples):
        if up == down:
            yield samples[start : start + block_samples].astype(np.int16)
            continue
        stop = min(n_out, start + block_samples)
        # Only the input span this block needs, plus filter context on both sides.
        lo = max(0, start * down // up - RESAMPLE_HALF_TAPS - 1)
        hi = min(x.size, stop * down // up + RESAMPLE_HALF_TAPS + 2)
        y = _resample_slice(x[lo:hi], lo, up, down, start, stop)
        yield np.clip(np.round(y), -32768, 32767).astype(np.int16)


def _resample_slice(
    x: np.ndarray, offset: int, up: int, down: int, start: int, stop: int
) -> np.ndarray:
    """Output samples [start, stop) of resampling float32 `x` (which starts at input `offset`)."""
    taps = RESAMPLE_HALF_TAPS
    weights, _ = _phase_filters(up, down)
    n = np.arange(start, stop)
    base = (n * down) // up - offset  # phase depends only on n % up
    idx = base[:, None] + np.arange(-taps + 1, taps + 1)[None, :]
    padded = np.pad(x, (taps, taps + 1))
    return (padded[np.clip(idx + taps, 0, padded.size - 1)] * weights[n % up]).sum(
        axis=1
    )


def _ulaw_encode_table() -> np.ndarray:
    """μ-law byte for every int16 value (G.711 14-bit segment search, as in CPython audioop)."""
    pcm = np.arange(-32768, 32768, dtype=np.int32) >> 2
    mask = np.where(pcm < 0, 0x7F, 0xFF)
    mag = np.minimum(np.abs(pcm), ULAW_CLIP_14BIT) + ULAW_BIAS_14BIT
    segment = np.searchsorted(ULAW_SEGMENT_ENDS, mag)
    uval = (segment << 4) | ((mag >> (segment + 1)) & 0x0F)
    uval = np.where(
        segment >= len(ULAW_SEGMENT_ENDS), 0x7F, uval
    )  # beyond the top segment
    return ((uval ^ mask) & 0xFF).astype(np.uint8)


def _ulaw_decode_table() -> np.ndarray:
    u = ~np.arange(256, dtype=np.int32) & 0xFF
    sign = u & 0x80
    exponent = (u >> 4) & 0x07
    mantissa = u & 0x0F
    mag = (((mantissa << 3) + ULAW_BIAS) << exponent) - ULAW_BIAS
    return np.where(sign != 0, -mag, mag).astype(np.int16)


_ULAW_ENCODE = _ulaw_encode_table()
_ULAW_DECODE = _ulaw_decode_table()


def ulaw_encode(samples: np.ndarray) -> bytes:
    """int16 samples (8 kHz) -> G.711 μ-law bytes."""
    return _ULAW_ENCODE[samples.astype(np.int32) + 32768].tobytes()


def ulaw_decode(data: bytes) -> np.ndarray:
    """G.711 μ-law bytes -> int16 samples (8 kHz)."""
    return _ULAW_DECODE[np.frombuffer(data, dtype=np.uint8)]
