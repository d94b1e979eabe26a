"""The shape of a catalogue record: a realtime model or an input transcription model."""

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Status(StrEnum):
    CURRENT = "current"
    LEGACY = "legacy"  # still served, shutdown announced
    RETIRED = "retired"  # shut down: sessions are refused


@dataclass(frozen=True)
class TokenPrices:
    """USD per 1M tokens; `None` where the model does not take that kind of token."""

    text_in: float
    text_cached: float
    text_out: float
    audio_in: float
    audio_cached: float
    audio_out: float
    image_in: float | None = None
    image_cached: float | None = None

    def as_row(self) -> dict[str, float]:
        """The price row as `{kind: usd_per_mtok}` (kinds the model lacks left out)."""
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass(frozen=True)
class RealtimeModelRecord:
    """One speech-to-speech model of the Realtime API and what it can do."""

    name: str
    label: str
    family: str  # "gpt-realtime-2" (reasoning, preambles) | "gpt-realtime" | "preview"
    context_tokens: int
    max_output_tokens: int
    prices: TokenPrices
    reasoning: bool = False  # takes `reasoning.effort` and `parallel_tool_calls`
    image_input: bool = False
    custom_voices: bool = False  # takes `voice: {"id": "voice_..."}`
    marin_cedar: bool = True  # speaks the marin and cedar voices
    status: Status = Status.CURRENT
    shutdown: date | None = None
    successor: str = ""  # the model to move bots to when this one goes
    source: str = ""

    @property
    def is_retired(self) -> bool:
        return self.status == Status.RETIRED


@dataclass(frozen=True)
class TranscriptionModelRecord:
    """An input transcription (ASR) model, billed at its own price."""

    name: str
    label: str
    # Per-minute models are billed by `usage.seconds`; token models per 1M tokens.
    usd_per_minute: float | None = None
    token_prices: dict[str, float] = field(default_factory=dict)  # audio_in/text_in/..
    languages_and_keywords: bool = False  # takes `languages[]` and `keywords[]`
    takes_prompt: bool = True
    status: Status = Status.CURRENT
    shutdown: date | None = None
    successor: str = ""
    source: str = ""
