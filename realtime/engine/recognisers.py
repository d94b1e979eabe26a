"""The engine's speech recognisers: pocketsphinx (the default) or Whisper tiny.en (opt-in).

A recogniser prepares once per session.update (pocketsphinx builds the session's language
model, Whisper its prompt) and transcribes each turn; both block, so both run in the
engine's worker threads. `get(name)` refuses an unknown or uninstalled one with a sentence
that says what to do.
"""

import functools
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from realtime.engine import asr, whisper  # faster-whisper itself loads on first use

DEFAULT = "pocketsphinx"
NAMES = ("pocketsphinx", "whisper")


def session_texts(session: dict[str, Any]) -> list[str]:
    """What a recogniser prepares from: the instructions, then a line per tool."""
    return [session.get("instructions") or ""] + [
        f"{t.get('name', '').replace('_', ' ')}. {t.get('description', '')}"
        for t in session.get("tools") or []
    ]


class Recogniser(Protocol):
    name: str

    def prepare(self, texts: list[str]) -> str:
        """What `transcribe` needs for a session with these texts. Blocking."""

    def transcribe(self, samples: np.ndarray, rate_hz: int, prepared: str) -> list[str]:
        """Hypotheses for int16 mono audio, best first ([] for none). Blocking."""

    def warm_up(self) -> None:
        """Load what the first turn would otherwise wait for. Blocking."""


@dataclass(frozen=True)
class Pocketsphinx:
    name: str = "pocketsphinx"

    def prepare(self, texts: list[str]) -> str:
        return asr.prepare_model(texts)  # the key of the session's language model

    def transcribe(self, samples: np.ndarray, rate_hz: int, prepared: str) -> list[str]:
        return asr.transcribe(samples, rate_hz, prepared)

    def warm_up(self) -> None:
        pass  # decoders are built per thread and model, on a session's first turn


@dataclass(frozen=True)
class Whisper:
    name: str = "whisper"

    def prepare(self, texts: list[str]) -> str:
        return _whisper_prompt(tuple(texts))  # every turn asks again: a lookup

    def transcribe(self, samples: np.ndarray, rate_hz: int, prepared: str) -> list[str]:
        return whisper.transcribe(samples, rate_hz, prepared)

    def warm_up(self) -> None:
        whisper.model()


@functools.lru_cache(maxsize=64)
def _whisper_prompt(texts: tuple[str, ...]) -> str:
    return whisper.prompt_for(list(texts))


class RecogniserError(ValueError):
    """An unknown recogniser, or one whose packages are not installed."""


def get(name: str) -> Recogniser:
    name = (name or DEFAULT).strip().lower()
    if name == "pocketsphinx":
        return Pocketsphinx()
    if name == "whisper":
        missing = whisper.available()
        if missing:
            raise RecogniserError(f"The Whisper recogniser cannot run: {missing}.")
        return Whisper()
    raise RecogniserError(
        f"Unknown speech recogniser {name!r}: use one of {', '.join(NAMES)}."
    )
