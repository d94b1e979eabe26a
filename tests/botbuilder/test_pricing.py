"""Pricing: usage blocks, per-model prices, dated names, overrides and one golden test per
billing rule, with the figures computed by hand in the comments (pure code)."""

from decimal import Decimal

import pytest

from botbuilder.pricing import (
    PRICES_PER_MTOK,
    Usage,
    cost_lines,
    cost_usd,
    price_table,
    transcription_price,
    transcription_usage,
)

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


def test_usages_add_up_and_keep_the_transcription_model():
    one = Usage.from_response_usage(REFERENCE_USAGE)
    heard = Usage.from_transcription_usage(
        "gpt-live-transcribe", {"type": "duration", "seconds": 2.5}
    )
    total = one + heard + one
    assert total.audio_out == 46
    assert total.transcription_ms == 2500
    assert total.transcription_model == "gpt-live-transcribe"


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        # 57*4 + 256*0.4 + 92*32 + 384*0.4 + 9*16 + 23*64 = 5044 USD per 1M
        ("gpt-realtime", Decimal("0.005044")),
        ("gpt-realtime-1.5", Decimal("0.005044")),
        # 57*4 + 256*0.4 + 92*32 + 384*0.4 + 9*24 + 23*64 = 5116 (text out is $24)
        ("gpt-realtime-2", Decimal("0.005116")),
        ("gpt-realtime-2.1", Decimal("0.005116")),
        # 57*0.6 + 256*0.06 + 92*10 + 384*0.3 + 9*2.4 + 23*20 = 1566.36 per 1M
        ("gpt-realtime-mini", Decimal("0.001566")),
        ("gpt-realtime-2.1-mini", Decimal("0.001566")),
        # 57*0.6 + 256*0.3 + 92*10 + 384*0.3 + 9*2.4 + 23*20 = 1627.8 per 1M
        ("gpt-4o-mini-realtime-preview", Decimal("0.001628")),
    ],
)
def test_cost_per_model(model, expected):
    assert cost_usd(model, Usage.from_response_usage(REFERENCE_USAGE)) == expected


# --- one golden test per billing rule ----------------------------------------------------


def test_cached_tokens_are_a_subset_of_input_per_modality():
    usage = Usage.from_response_usage(
        {
            "input_tokens": 3000,
            "input_token_details": {
                "text_tokens": 1000,
                "audio_tokens": 2000,
                "cached_tokens": 2300,
                "cached_tokens_details": {"text_tokens": 800, "audio_tokens": 1500},
            },
        }
    )
    # gpt-realtime-2: text 200*4 + 800*0.40 + audio 500*32 + 1500*0.40
    #   = 800 + 320 + 16000 + 600 = 17720 USD per 1M tokens
    assert cost_usd("gpt-realtime-2", usage) == Decimal("0.017720")


def test_reasoning_tokens_inside_text_output_are_billed_once():
    usage = Usage.from_response_usage(
        {
            "output_tokens": 600,
            "output_token_details": {
                "text_tokens": 500,  # 300 of them reasoning
                "audio_tokens": 100,
                "reasoning_tokens": 300,
            },
        }
    )
    # gpt-realtime-2: 500*24 + 100*64 = 12000 + 6400 = 18400 per 1M (not 25600)
    assert cost_usd("gpt-realtime-2", usage) == Decimal("0.018400")


def test_token_billed_transcription_uses_its_own_model_prices():
    usage = Usage.from_transcription_usage(
        "gpt-4o-mini-transcribe",
        {
            "type": "tokens",
            "input_tokens": 120,
            "output_tokens": 30,
            "total_tokens": 150,
            "input_token_details": {"audio_tokens": 100, "text_tokens": 20},
        },
    )
    # 100*3.00 + 20*1.25 + 30*5.00 = 300 + 25 + 150 = 475 per 1M; nothing at realtime rates
    assert cost_usd("gpt-realtime-2.1", usage) == Decimal("0.000475")


def test_duration_billed_transcription_is_priced_per_minute():
    usage = Usage.from_transcription_usage(
        "gpt-live-transcribe", {"type": "duration", "seconds": 90}
    )
    # 1.5 min * $0.017 = $0.0255
    assert cost_usd("gpt-realtime-2.1-mini", usage) == Decimal("0.025500")


def test_image_tokens_and_their_cached_part():
    usage = Usage.from_response_usage(
        {
            "input_token_details": {
                "image_tokens": 1000,
                "cached_tokens_details": {"image_tokens": 400},
            }
        }
    )
    assert (usage.image_in, usage.image_cached) == (600, 400)
    # gpt-realtime-2.1-mini: 600*0.80 + 400*0.08 = 480 + 32 = 512 per 1M
    assert cost_usd("gpt-realtime-2.1-mini", usage) == Decimal("0.000512")


def test_cost_lines_list_each_kind_and_add_up_to_the_total():
    usage = Usage.from_response_usage(REFERENCE_USAGE) + Usage.from_transcription_usage(
        "gpt-transcribe", {"type": "duration", "seconds": 60}
    )
    lines = {line["key"]: line for line in cost_lines("gpt-realtime-2", usage)}
    # 23 audio tokens out * $64 per 1M = $0.001472
    assert lines["audio_out"] == {
        "key": "audio_out",
        "label": "Audio out",
        "tokens": 23,
        "usd_per_mtok": 64.0,
        "cost_usd": "0.001472",
    }
    # one minute of gpt-transcribe at $0.0045
    assert lines["transcription_seconds"]["cost_usd"] == "0.004500"
    assert lines["transcription_seconds"]["seconds"] == 60.0
    assert "image_in" not in lines  # kinds without tokens are left out for images
    total = sum(Decimal(line["cost_usd"]) for line in lines.values())
    assert (
        total
        == cost_usd("gpt-realtime-2", usage)
        == Decimal("0.005116") + Decimal("0.0045")
    )


# --- names and overrides -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "base"),
    [
        ("gpt-realtime-2025-08-28", "gpt-realtime"),
        ("gpt-realtime-mini-2025-12-15", "gpt-realtime-mini"),
        ("gpt-4o-mini-realtime-preview-2024-12-17", "gpt-4o-mini-realtime-preview"),
        ("gpt-realtime-2.1-mini", "gpt-realtime-2.1-mini"),
        ("some-other-model", "gpt-realtime-2.1-mini"),
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


def test_override_can_price_a_model_the_catalogue_lacks_and_its_dated_names():
    overrides = {"gpt-realtime-3": {"audio_out": 50}}
    assert price_table("gpt-realtime-3", overrides) == {"audio_out": 50}
    assert price_table("gpt-realtime-3-2027-01-15", overrides) == {"audio_out": 50}
    assert price_table("gpt-realtime", overrides) == PRICES_PER_MTOK["gpt-realtime"]


def test_override_of_the_default_row_applies_to_unknown_models():
    overrides = {"gpt-realtime-2.1-mini": {"text_in": 1.0}}
    assert price_table("unknown-model", overrides)["text_in"] == 1.0


def test_override_of_a_transcription_row():
    overrides = {"gpt-live-transcribe": {"usd_per_minute": 0.03}}
    assert transcription_price("gpt-live-transcribe", overrides) == {
        "usd_per_minute": 0.03
    }
    usage = Usage(transcription_ms=60_000, transcription_model="gpt-live-transcribe")
    assert cost_usd("gpt-realtime-2", usage, overrides) == Decimal("0.030000")


def test_cost_is_rounded_to_the_micro_dollar():
    assert cost_usd("gpt-realtime-mini", Usage(text_in=1)) == Decimal("0.000001")
    assert cost_usd("gpt-realtime-mini", Usage()) == Decimal("0")


def test_transcription_usage_of_an_event_uses_the_session_s_transcription_model():
    session = {"audio": {"input": {"transcription": {"model": "gpt-transcribe"}}}}
    event = {
        "type": "conversation.item.input_audio_transcription.completed",
        "usage": {"type": "duration", "seconds": 120},
    }
    usage = transcription_usage(session, event)
    assert (usage.transcription_model, usage.transcription_ms) == (
        "gpt-transcribe",
        120_000,
    )
    # two minutes at $0.0045
    assert cost_usd("gpt-realtime-2.1-mini", usage) == Decimal("0.009000")
    assert transcription_usage({}, {"usage": None}) == Usage()
