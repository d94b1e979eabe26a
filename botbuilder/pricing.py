"""Realtime prices and session cost (pure code).

USD per 1M tokens, from the protocol reference §5.3; `REALTIME_PRICES` in settings overrides
any model's row, e.g. {"gpt-realtime": {"audio_in": 32, ...}}.
"""

from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

PRICES_PER_MTOK: dict[str, dict[str, float]] = {
    "gpt-4o-mini-realtime-preview": {
        "text_in": 0.60,
        "text_cached": 0.30,
        "text_out": 2.40,
        "audio_in": 10.00,
        "audio_cached": 0.30,
        "audio_out": 20.00,
    },
    "gpt-realtime-mini": {
        "text_in": 0.60,
        "text_cached": 0.06,
        "text_out": 2.40,
        "audio_in": 10.00,
        "audio_cached": 0.30,
        "audio_out": 20.00,
    },
    "gpt-realtime": {
        "text_in": 4.00,
        "text_cached": 0.40,
        "text_out": 16.00,
        "audio_in": 32.00,
        "audio_cached": 0.40,
        "audio_out": 64.00,
    },
}


@dataclass
class Usage:
    """Token counts by kind. `*_in` exclude the cached part (cached is billed at its own rate)."""

    text_in: int = 0
    text_cached: int = 0
    audio_in: int = 0
    audio_cached: int = 0
    text_out: int = 0
    audio_out: int = 0

    def __add__(self, other: "Usage") -> "Usage":
        return Usage(
            **{
                f.name: getattr(self, f.name) + getattr(other, f.name)
                for f in fields(self)
            }
        )

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_response_usage(cls, usage: dict[str, Any] | None) -> "Usage":
        """Read a GA `response.done` usage block; cached tokens are a subset of input tokens."""
        usage = usage or {}
        inp = usage.get("input_token_details") or {}
        out = usage.get("output_token_details") or {}
        cached = inp.get("cached_tokens_details") or {}
        text_cached = int(cached.get("text_tokens") or 0)
        audio_cached = int(cached.get("audio_tokens") or 0)
        return cls(
            text_in=max(0, int(inp.get("text_tokens") or 0) - text_cached),
            text_cached=text_cached,
            audio_in=max(0, int(inp.get("audio_tokens") or 0) - audio_cached),
            audio_cached=audio_cached,
            text_out=int(out.get("text_tokens") or 0),
            audio_out=int(out.get("audio_tokens") or 0),
        )


DEFAULT_PRICE_MODEL = "gpt-realtime-mini"


def price_table(
    model: str, overrides: dict[str, dict[str, float]] | None = None
) -> dict[str, float]:
    """The price row for `model`; a dated name (gpt-realtime-2025-08-28) uses its base row.

    The base is the longest known name (built in or overridden) that `model` equals or
    starts with followed by "-"; unknown models are priced as gpt-realtime-mini.
    """
    overrides = overrides or {}
    known = {*PRICES_PER_MTOK, *overrides}
    matches = [name for name in known if model == name or model.startswith(name + "-")]
    base = max(matches, key=len, default=DEFAULT_PRICE_MODEL)
    return {**PRICES_PER_MTOK.get(base, {}), **overrides.get(base, {})}


def cost_usd(
    model: str, usage: Usage, overrides: dict[str, dict[str, float]] | None = None
) -> Decimal:
    """Cost of `usage` on `model` in USD, to the micro-dollar."""
    prices = price_table(model, overrides)
    total = sum(Decimal(str(prices.get(k, 0))) * v for k, v in usage.as_dict().items())
    return (total / Decimal(1_000_000)).quantize(Decimal("0.000001"))
