"""Phone recordings: μ-law 8 kHz decoded into the usual PCM16 24 kHz stereo WAV."""

import wave

import numpy as np

from realtime.audio import ulaw_encode
from realtime.phone.recording import PhoneRecorder


def _tone_ulaw(ms: int, hz: float = 440.0) -> bytes:
    t = np.arange(ms * 8) / 8000
    return ulaw_encode((np.sin(2 * np.pi * hz * t) * 12000).astype(np.int16))


def test_caller_left_bot_right_at_their_times_and_cut_where_flushed(tmp_path):
    recorder = PhoneRecorder()
    recorder.add_bot(_tone_ulaw(1000), 0)
    recorder.cut_bot(500)  # barge-in: the second half was never heard
    recorder.add_caller(_tone_ulaw(400), 1000)
    path = tmp_path / "call.wav"
    recorder.finish(str(path))
    with wave.open(str(path)) as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (
            2,
            2,
            24000,
        )
        stereo = np.frombuffer(wav.readframes(wav.getnframes()), "<i2").reshape(-1, 2)
    left, right = np.abs(stereo[:, 0]), np.abs(stereo[:, 1])
    ms = 24  # samples per ms at 24 kHz
    assert left[: 950 * ms].max() < 200 and left[1050 * ms : 1350 * ms].max() > 8000
    assert right[50 * ms : 450 * ms].max() > 8000 and right[550 * ms :].max() < 200
    assert len(stereo) == 1400 * ms
    # 440 Hz survives the decoding and resampling: the spectrum peaks there.
    spectrum = np.abs(np.fft.rfft(stereo[1050 * ms : 1350 * ms, 0]))
    peak_hz = np.argmax(spectrum) * 24000 / (300 * ms)
    assert abs(peak_hz - 440) < 10
