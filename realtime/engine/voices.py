"""OpenAI voice ids -> eSpeak NG voice settings; explicit offline settings win."""

from dataclasses import dataclass
from urllib.parse import parse_qs

from realtime.engine.tts import DEFAULT_VOICE


@dataclass(frozen=True)
class EspeakVoice:
    voice: str = DEFAULT_VOICE
    rate_wpm: int = 165
    pitch: int = 50


OPENAI_TO_ESPEAK = {
    "alloy": EspeakVoice("en-us+f3", 165, 55),
    "ash": EspeakVoice("en-us+m3", 160, 45),
    "ballad": EspeakVoice("en-gb-x-rp", 155, 50),
    "coral": EspeakVoice("en-us+f2", 170, 60),
    "echo": EspeakVoice("en-us+m1", 160, 40),
    "sage": EspeakVoice("en-us+f4", 160, 55),
    "shimmer": EspeakVoice("en-us+f5", 170, 65),
    "verse": EspeakVoice("en-us+klatt4", 165, 50),
    "marin": EspeakVoice("en-us+klatt3", 165, 50),
    "cedar": EspeakVoice("en-us+klatt5", 155, 40),
}


def voice_from_query(query: str) -> EspeakVoice | None:
    """Voice settings the relay passed on the URL (espeak_voice/_rate/_pitch), if any."""
    params = parse_qs(query)
    if "espeak_voice" not in params:
        return None
    base = EspeakVoice(voice=params["espeak_voice"][0] or DEFAULT_VOICE)
    try:
        rate = int(params.get("espeak_rate", [base.rate_wpm])[0])
        pitch = int(params.get("espeak_pitch", [base.pitch])[0])
    except ValueError:
        rate, pitch = base.rate_wpm, base.pitch
    return EspeakVoice(base.voice, rate, pitch)


def espeak_voice(openai_voice: object, override: EspeakVoice | None) -> EspeakVoice:
    """The eSpeak settings for a session's GA `audio.output.voice`."""
    if override is not None:
        return override
    if isinstance(openai_voice, str) and openai_voice in OPENAI_TO_ESPEAK:
        return OPENAI_TO_ESPEAK[openai_voice]
    return EspeakVoice()
