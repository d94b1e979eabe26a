"""Session usage and its cost, line by line (pure code).

Prices come from the model catalogue (USD per 1M tokens; per minute for duration-billed
transcription). `REALTIME_PRICES` in settings overrides any row by model name, e.g.
{"gpt-realtime-2.1": {"audio_out": 60}} or {"gpt-live-transcribe": {"usd_per_minute": 0.02}}.

Billing rules (platforms reference §1.2):
- `cached_tokens` are a subset of the input tokens, per modality: input − cached is billed at
  the full rate, cached at the cached rate.
- Reasoning tokens sit inside the text output tokens; they are never counted a second time.
- Input transcription is billed at its own model's price, by tokens or by seconds.
"""

from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from botbuilder.catalogue import (
    REALTIME_MODELS,
    base_name,
    realtime_model,
    realtime_model_or_default,
    transcription_model,
)

PriceRow = dict[str, float]
Overrides = dict[str, PriceRow]
MICRO_USD = Decimal("0.000001")
SECONDS_PER_MINUTE = Decimal(60)
# The catalogue's built-in rows by model name (USD per 1M tokens).
PRICES_PER_MTOK: dict[str, PriceRow] = {
    m.name: m.prices.as_row() for m in REALTIME_MODELS
}

# Realtime token kinds in the order the cost meter lists them: (key, label).
TOKEN_KINDS = (
    ("audio_in", "Audio in"),
    ("audio_cached", "Audio in, cached"),
    ("audio_out", "Audio out"),
    ("text_in", "Text in"),
    ("text_cached", "Text in, cached"),
    ("text_out", "Text out (reasoning included)"),
    ("image_in", "Image in"),
    ("image_cached", "Image in, cached"),
)
# Token kinds of a token-billed transcription model, and the Usage fields holding them.
TRANSCRIPTION_KINDS = (
    ("audio_in", "transcription_audio_in", "audio in"),
    ("text_in", "transcription_text_in", "text in"),
    ("text_out", "transcription_text_out", "text out"),
)


@dataclass
class Usage:
    """Token counts by kind; `*_in` exclude the cached part (billed at its own rate)."""

    text_in: int = 0
    text_cached: int = 0
    audio_in: int = 0
    audio_cached: int = 0
    text_out: int = 0  # reasoning tokens included
    audio_out: int = 0
    image_in: int = 0
    image_cached: int = 0
    # Input transcription, billed at `transcription_model`'s price.
    transcription_audio_in: int = 0
    transcription_text_in: int = 0
    transcription_text_out: int = 0
    transcription_ms: int = 0  # audio duration of duration-billed models
    transcription_model: str = ""

    def __add__(self, other: "Usage") -> "Usage":
        summed = {
            f.name: getattr(self, f.name) + getattr(other, f.name)
            for f in fields(self)
            if f.name != "transcription_model"
        }
        model = other.transcription_model or self.transcription_model
        return Usage(**summed, transcription_model=model)

    def as_dict(self) -> dict[str, int]:
        """Every token count by kind (the `tokens` of the preview's `usage` event)."""
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if f.name != "transcription_model"
        }

    @classmethod
    def from_response_usage(cls, usage: dict[str, Any] | None) -> "Usage":
        """Read a GA `response.done` usage block."""
        usage = usage or {}
        inp = usage.get("input_token_details") or {}
        out = usage.get("output_token_details") or {}
        cached = inp.get("cached_tokens_details") or {}

        def uncached(kind: str) -> int:
            return max(
                0, _int(inp.get(f"{kind}_tokens")) - _int(cached.get(f"{kind}_tokens"))
            )

        return cls(
            text_in=uncached("text"),
            text_cached=_int(cached.get("text_tokens")),
            audio_in=uncached("audio"),
            audio_cached=_int(cached.get("audio_tokens")),
            image_in=uncached("image"),
            image_cached=_int(cached.get("image_tokens")),
            # Only text and audio: a `reasoning_tokens` count is already inside text_tokens.
            text_out=_int(out.get("text_tokens")),
            audio_out=_int(out.get("audio_tokens")),
        )

    @classmethod
    def from_transcription_usage(
        cls, model: str, usage: dict[str, Any] | None
    ) -> "Usage":
        """Read the `usage` of `conversation.item.input_audio_transcription.completed`."""
        usage = usage or {}
        if usage.get("type") == "duration":
            seconds = Decimal(str(usage.get("seconds") or 0))
            ms = int((seconds * 1000).to_integral_value())
            return cls(transcription_ms=max(0, ms), transcription_model=model)
        details = usage.get("input_token_details") or {}
        audio = _int(details.get("audio_tokens"))
        text = _int(details.get("text_tokens"))
        if not details:  # no split given: the input is the caller's audio
            audio = _int(usage.get("input_tokens"))
        return cls(
            transcription_audio_in=audio,
            transcription_text_in=text,
            transcription_text_out=_int(usage.get("output_tokens")),
            transcription_model=model,
        )


def transcription_usage(session: dict[str, Any], event: dict[str, Any]) -> Usage:
    """The billable usage of an `...input_audio_transcription.completed` event, priced at
    the transcription model of `session` (the session.update payload as sent)."""
    audio_input = (session.get("audio") or {}).get("input") or {}
    model = (audio_input.get("transcription") or {}).get("model") or ""
    return Usage.from_transcription_usage(model, event.get("usage"))


def _int(value: Any) -> int:
    try:
        return max(0, int(value or 0))
    except (TypeError, ValueError):
        return 0


def _override(name: str, overrides: Overrides | None) -> PriceRow:
    overrides = overrides or {}
    return {**overrides.get(base_name(name), {}), **overrides.get(name, {})}


def price_table(model: str, overrides: Overrides | None = None) -> PriceRow:
    """The token price row of realtime `model`; dated names use their base row.

    A model the catalogue lacks is priced as the default model unless settings price it.
    """
    record = realtime_model(model)
    own = _override(model, overrides)
    if record is None and own:
        return own
    record = record or realtime_model_or_default(model)
    return {**record.prices.as_row(), **_override(record.name, overrides), **own}


def transcription_price(model: str, overrides: Overrides | None = None) -> PriceRow:
    """`{"usd_per_minute": x}` or token prices of transcription `model` ({} if unknown)."""
    record = transcription_model(model)
    row: PriceRow = {}
    if record is not None:
        row = (
            {"usd_per_minute": record.usd_per_minute}
            if record.usd_per_minute is not None
            else dict(record.token_prices)
        )
    return {**row, **_override(model, overrides)}


def _money(value: Decimal) -> str:
    return str(value.quantize(MICRO_USD))


def _lines(model: str, usage: Usage, overrides: Overrides | None) -> list[dict]:
    prices = price_table(model, overrides)
    lines = []
    for key, label in TOKEN_KINDS:
        tokens = getattr(usage, key)
        if not tokens and key.startswith("image"):
            continue
        rate = Decimal(str(prices.get(key, 0)))
        lines.append(
            {
                "key": key,
                "label": label,
                "tokens": tokens,
                "usd_per_mtok": float(rate),
                "exact": rate * tokens / Decimal(1_000_000),
            }
        )
    lines += _transcription_lines(usage, overrides)
    return lines


def _transcription_lines(usage: Usage, overrides: Overrides | None) -> list[dict]:
    name = usage.transcription_model
    if not name:
        return []
    prices = transcription_price(name, overrides)
    lines = []
    if usage.transcription_ms:
        rate = Decimal(str(prices.get("usd_per_minute", 0)))
        seconds = Decimal(usage.transcription_ms) / 1000
        lines.append(
            {
                "key": "transcription_seconds",
                "label": f"Caller transcription ({name}), seconds",
                "seconds": float(seconds),
                "usd_per_minute": float(rate),
                "exact": rate * seconds / SECONDS_PER_MINUTE,
            }
        )
    for kind, attr, label in TRANSCRIPTION_KINDS:
        tokens = getattr(usage, attr)
        if tokens:
            rate = Decimal(str(prices.get(kind, 0)))
            lines.append(
                {
                    "key": attr,
                    "label": f"Caller transcription ({name}), {label}",
                    "tokens": tokens,
                    "usd_per_mtok": float(rate),
                    "exact": rate * tokens / Decimal(1_000_000),
                }
            )
    return lines


def cost_lines(
    model: str, usage: Usage, overrides: Overrides | None = None
) -> list[dict[str, Any]]:
    """One line per billed kind: key, label, tokens or seconds, rate and `cost_usd` (str)."""
    return [
        {
            **{k: v for k, v in line.items() if k != "exact"},
            "cost_usd": _money(line["exact"]),
        }
        for line in _lines(model, usage, overrides)
    ]


def cost_usd(model: str, usage: Usage, overrides: Overrides | None = None) -> Decimal:
    """Cost of `usage` on `model` in USD (transcription included), to the micro-dollar."""
    total = sum((line["exact"] for line in _lines(model, usage, overrides)), Decimal(0))
    return total.quantize(MICRO_USD)
