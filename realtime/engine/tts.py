"""Speech synthesis with eSpeak NG (libespeak-ng from espeakng-loader, through ctypes).

libespeak-ng is GPL-3.0-or-later and a process-wide singleton: every call holds one lock.
"""

import ctypes
import logging
import threading

import espeakng_loader
import numpy as np

from realtime.audio import MODEL_SAMPLE_RATE_HZ, resample

logger = logging.getLogger(__name__)

AUDIO_OUTPUT_SYNCHRONOUS = 0x02
ESPEAK_INITIALIZE_DONT_EXIT = 0x8000
ESPEAK_CHARS_UTF8 = 1
ESPEAK_ENDPAUSE = 0x1000
ESPEAK_RATE, ESPEAK_PITCH = 1, 3
POS_CHARACTER = 1
DEFAULT_VOICE = "en-us+klatt3"  # best pocketsphinx accuracy in our loop-back tests
MIN_RATE_WPM, MAX_RATE_WPM = 80, 450

_SYNTH_CB = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)


class _Voice(ctypes.Structure):
    _fields_ = [
        ("name", ctypes.c_char_p),
        ("languages", ctypes.c_char_p),
        ("identifier", ctypes.c_char_p),
        ("gender", ctypes.c_ubyte),
        ("age", ctypes.c_ubyte),
        ("variant", ctypes.c_ubyte),
        ("xx1", ctypes.c_ubyte),
        ("score", ctypes.c_int),
        ("spare", ctypes.c_void_p),
    ]


class _Espeak:
    """The loaded library; created on first use so importing this module stays cheap."""

    def __init__(self) -> None:
        lib = ctypes.CDLL(espeakng_loader.get_library_path())
        lib.espeak_Initialize.argtypes = [
            ctypes.c_int,
            ctypes.c_int,
            ctypes.c_char_p,
            ctypes.c_int,
        ]
        lib.espeak_SetSynthCallback.argtypes = [_SYNTH_CB]
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetVoiceByProperties.argtypes = [ctypes.POINTER(_Voice)]
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_Synth.argtypes = [
            ctypes.c_void_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.c_void_p,
            ctypes.c_void_p,
        ]
        data_path = espeakng_loader.get_data_path().encode()
        self.sample_rate_hz = lib.espeak_Initialize(
            AUDIO_OUTPUT_SYNCHRONOUS, 0, data_path, ESPEAK_INITIALIZE_DONT_EXIT
        )
        if self.sample_rate_hz <= 0:
            raise RuntimeError("espeak_Initialize failed")
        self.chunks: list[np.ndarray] = []
        self._callback = _SYNTH_CB(self._on_audio)  # keep a reference: C holds it
        lib.espeak_SetSynthCallback(self._callback)
        self.lib = lib

    def _on_audio(self, wav, n_samples: int, events) -> int:
        if n_samples > 0:
            self.chunks.append(np.ctypeslib.as_array(wav, shape=(n_samples,)).copy())
        return 0  # 0 = continue

    def set_voice(self, voice: str) -> None:
        if self.lib.espeak_SetVoiceByName(voice.encode()) == 0:
            return
        # e.g. "en-gb" is stored as gmw/en in 1.52: fall back to the language
        language = voice.split("+")[0].encode()
        props = _Voice(languages=language)
        if self.lib.espeak_SetVoiceByProperties(ctypes.byref(props)) != 0:
            raise ValueError(f"unknown eSpeak voice {voice!r}")

    def synth(self, text: str, voice: str, rate_wpm: int, pitch: int) -> np.ndarray:
        self.set_voice(voice)
        self.lib.espeak_SetParameter(ESPEAK_RATE, rate_wpm, 0)
        self.lib.espeak_SetParameter(ESPEAK_PITCH, pitch, 0)
        self.chunks.clear()
        buf = text.encode("utf-8") + b"\0"
        flags = ESPEAK_CHARS_UTF8 | ESPEAK_ENDPAUSE
        err = self.lib.espeak_Synth(
            buf, len(buf), 0, POS_CHARACTER, 0, flags, None, None
        )
        if err != 0:
            raise RuntimeError(f"espeak_Synth error {err}")
        pcm = np.concatenate(self.chunks) if self.chunks else np.zeros(0, np.int16)
        self.chunks.clear()
        return pcm.astype(np.int16)


_lock = threading.Lock()
_engine: _Espeak | None = None


def synthesize_native(
    text: str, *, voice: str = DEFAULT_VOICE, rate_wpm: int = 165, pitch: int = 50
) -> tuple[np.ndarray, int]:
    """(int16 mono samples, sample rate in Hz) at eSpeak's native rate (22050 Hz)."""
    global _engine
    rate_wpm = max(MIN_RATE_WPM, min(MAX_RATE_WPM, int(rate_wpm)))
    pitch = max(0, min(99, int(pitch)))
    with _lock:
        if _engine is None:
            _engine = _Espeak()
        return _engine.synth(text, voice, rate_wpm, pitch), _engine.sample_rate_hz


def synthesize(
    text: str, *, voice: str = DEFAULT_VOICE, rate_wpm: int = 165, pitch: int = 50
) -> np.ndarray:
    """Speak `text`: int16 mono samples at 24 kHz (PCM16 when serialised)."""
    pcm, rate_hz = synthesize_native(text, voice=voice, rate_wpm=rate_wpm, pitch=pitch)
    return resample(pcm, rate_hz, MODEL_SAMPLE_RATE_HZ)
