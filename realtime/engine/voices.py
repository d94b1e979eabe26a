"""OpenAI voice ids -> eSpeak NG voice settings; explicit offline settings win.

A bot in another language speaks with eSpeak NG's voice for that language (it ships about
100); recognition stays English (pocketsphinx's only bundled model).
"""

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any
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


LANGUAGE_RE = re.compile(r"\bSpeak [^.()\n]+ \(([A-Za-z]{2,3}(?:-[A-Za-z0-9]+)*)\)")


@lru_cache(maxsize=1)
def espeak_languages() -> frozenset[str]:
    """Language codes eSpeak NG has a voice for (lower case), from its bundled data."""
    import espeakng_loader

    root = Path(espeakng_loader.get_data_path()) / "lang"
    return frozenset(path.name.lower() for path in root.rglob("*") if path.is_file())


def session_language(session: dict[str, Any]) -> str:
    """The bot's language: the transcription language, or the one its instructions name."""
    transcription = (session.get("audio") or {}).get("input", {}).get("transcription")
    if isinstance(transcription, dict) and transcription.get("language"):
        return str(transcription["language"]).lower()
    found = LANGUAGE_RE.search(session.get("instructions") or "")
    return found.group(1).lower() if found else "en"


def for_language(voice: EspeakVoice, language: str) -> EspeakVoice:
    """`voice` speaking `language`: an English variant ("en-us+klatt3") becomes that
    language's eSpeak voice with the same variant ("de+klatt3"). English, or a language
    eSpeak does not have, keeps the voice as it is."""
    code = language.lower()
    base = code.split("-")[0]
    if base == "en" or not base:
        return voice
    known = espeak_languages()
    chosen = code if code in known else base if base in known else ""
    if not chosen:
        return voice
    name, plus, variant = voice.voice.partition("+")
    if not name.lower().startswith("en"):
        return voice  # explicitly set to another language: that choice wins
    return replace(voice, voice=f"{chosen}{plus}{variant}")
