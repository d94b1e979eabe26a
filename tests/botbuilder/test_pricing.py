"""Pricing: usage blocks, per-model prices, dated names and overrides (pure code)."""

from decimal import Decimal

import pytest

from botbuilder.pricing import PRICES_PER_MTOK, Usage, cost_usd, price_table

# The `usage` of a GA response.done (protocol reference §3.5).
REFERENCE_USAGE = {
    "total_tokens": 821,
    "input_tokens": 789,
    "output_tokens": 32,
    "input_token_details": {
        "text_tokens": 313,
        "audio_tokens": 476,
        "image_tokens": 0,
        "cached_tokens": 640,
        "cached_tokens_details": {
            "text_tokens": 256,
            "audio_tokens": 384,
            "image_tokens": 0,
        },
    },
    "output_token_details": {"text_tokens": 9, "audio_tokens": 23},
}


def test_usage_from_the_reference_example_subtracts_cached_tokens():
    usage = Usage.from_response_usage(REFERENCE_USAGE)
    assert usage == Usage(
        text_in=57,
        text_cached=256,
        audio_in=92,
        audio_cached=384,
        text_out=9,
        audio_out=23,
    )
    assert sum(usage.as_dict().values()) == REFERENCE_USAGE["total_tokens"]


def test_usage_of_an_empty_or_missing_block_is_zero():
    assert Usage.from_response_usage(None) == Usage()
    assert Usage.from_response_usage({"input_token_details": None}) == Usage()


def test_usages_add_up():
    one = Usage.from_response_usage(REFERENCE_USAGE)
    assert (one + one).audio_out == 46


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        # 57*4 + 256*0.4 + 92*32 + 384*0.4 + 9*16 + 23*64 = 5044 USD per 1M
        ("gpt-realtime", Decimal("0.005044")),
        # 57*0.6 + 256*0.06 + 92*10 + 384*0.3 + 9*2.4 + 23*20 = 1566.36 per 1M
        ("gpt-realtime-mini", Decimal("0.001566")),
        # 57*0.6 + 256*0.3 + 92*10 + 384*0.3 + 9*2.4 + 23*20 = 1627.8 per 1M
        ("gpt-4o-mini-realtime-preview", Decimal("0.001628")),
    ],
)
def test_cost_per_model(model, expected):
    assert cost_usd(model, Usage.from_response_usage(REFERENCE_USAGE)) == expected


@pytest.mark.parametrize(
    ("model", "base"),
    [
        ("gpt-realtime-2025-08-28", "gpt-realtime"),
        ("gpt-realtime-mini-2025-10-06", "gpt-realtime-mini"),
        ("gpt-4o-mini-realtime-preview-2024-12-17", "gpt-4o-mini-realtime-preview"),
        ("some-other-model", "gpt-realtime-mini"),
    ],
)
def test_dated_model_names_fall_back_to_the_base_model(model, base):
    assert price_table(model) == PRICES_PER_MTOK[base]


def test_override_replaces_only_the_given_prices():
    overrides = {"gpt-realtime": {"audio_out": 80}}
    row = price_table("gpt-realtime-2025-08-28", overrides)
    assert row["audio_out"] == 80
    assert row["audio_in"] == PRICES_PER_MTOK["gpt-realtime"]["audio_in"]
    assert cost_usd("gpt-realtime", Usage(audio_out=1_000_000), overrides) == Decimal(
        "80"
    )
    # The built-in table itself is untouched.
    assert PRICES_PER_MTOK["gpt-realtime"]["audio_out"] == 64


def test_override_can_price_a_new_model_and_its_dated_names():
    overrides = {"gpt-realtime-2": {"audio_out": 50}}
    assert price_table("gpt-realtime-2", overrides) == {"audio_out": 50}
    assert price_table("gpt-realtime-2-2026-01-15", overrides) == {"audio_out": 50}
    assert price_table("gpt-realtime", overrides) == PRICES_PER_MTOK["gpt-realtime"]


def test_override_of_the_default_row_applies_to_unknown_models():
    overrides = {"gpt-realtime-mini": {"text_in": 1.0}}
    assert price_table("unknown-model", overrides)["text_in"] == 1.0


def test_cost_is_rounded_to_the_micro_dollar():
    assert cost_usd("gpt-realtime-mini", Usage(text_in=1)) == Decimal("0.000001")
    assert cost_usd("gpt-realtime-mini", Usage()) == Decimal("0")
