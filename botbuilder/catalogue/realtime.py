"""Realtime speech models, their capabilities and prices (platforms reference §1.1–1.2)."""

from datetime import date

from botbuilder.catalogue.records import RealtimeModelRecord, Status, TokenPrices

# The legacy gpt-realtime and gpt-realtime-mini shut down on this day (reported, §1.1).
LEGACY_SHUTDOWN = date(2027, 1, 20)
# The product's default for new bots and the demo.
DEFAULT_MODEL = "gpt-realtime-2.1-mini"

_MINI_PRICES = TokenPrices(
    text_in=0.60,
    text_cached=0.06,
    text_out=2.40,
    audio_in=10.00,
    audio_cached=0.30,
    audio_out=20.00,
)
_FULL_AUDIO = {"audio_in": 32.00, "audio_cached": 0.40, "audio_out": 64.00}
_FULL_IMAGE = {"image_in": 5.00, "image_cached": 0.50}

REALTIME_MODELS: tuple[RealtimeModelRecord, ...] = (
    RealtimeModelRecord(
        name="gpt-realtime-2.1-mini",
        label="gpt-realtime-2.1-mini (fast, low cost, reasoning; recommended)",
        family="gpt-realtime-2",
        context_tokens=128_000,
        max_output_tokens=32_000,
        prices=TokenPrices(
            text_in=0.60,
            text_cached=0.06,
            text_out=2.40,
            audio_in=10.00,
            audio_cached=0.30,
            audio_out=20.00,
            image_in=0.80,
            image_cached=0.08,
        ),
        reasoning=True,
        image_input=True,
        custom_voices=True,
        source="developers.openai.com/api/docs/models/gpt-realtime-2.1-mini.md",
    ),
    RealtimeModelRecord(
        name="gpt-realtime-2.1",
        label="gpt-realtime-2.1 (best quality, reasoning)",
        family="gpt-realtime-2",
        context_tokens=128_000,
        max_output_tokens=32_000,
        prices=TokenPrices(
            text_in=4.00, text_cached=0.40, text_out=24.00, **_FULL_AUDIO, **_FULL_IMAGE
        ),
        reasoning=True,
        image_input=True,
        custom_voices=True,
        source="developers.openai.com/api/docs/models/gpt-realtime-2.1",
    ),
    RealtimeModelRecord(
        name="gpt-realtime-2",
        label="gpt-realtime-2 (reasoning)",
        family="gpt-realtime-2",
        context_tokens=128_000,
        max_output_tokens=32_000,
        prices=TokenPrices(
            text_in=4.00, text_cached=0.40, text_out=24.00, **_FULL_AUDIO, **_FULL_IMAGE
        ),
        reasoning=True,
        image_input=True,
        custom_voices=True,
        source="developers.openai.com/api/docs/models/gpt-realtime-2.md "
        "(text out $24, langwatch PR #7058)",
    ),
    RealtimeModelRecord(
        name="gpt-realtime-1.5",
        label="gpt-realtime-1.5 (previous generation)",
        family="gpt-realtime",
        context_tokens=32_000,
        max_output_tokens=4_096,
        prices=TokenPrices(
            text_in=4.00, text_cached=0.40, text_out=16.00, **_FULL_AUDIO, **_FULL_IMAGE
        ),
        image_input=True,
        custom_voices=True,
        source="developers.openai.com/api/docs/models/gpt-realtime-1.5.md",
    ),
    RealtimeModelRecord(
        name="gpt-realtime-mini",
        label="gpt-realtime-mini (legacy: shuts down 2027-01-20)",
        family="gpt-realtime",
        context_tokens=32_000,
        max_output_tokens=4_096,
        prices=_MINI_PRICES,
        status=Status.LEGACY,
        shutdown=LEGACY_SHUTDOWN,
        successor="gpt-realtime-2.1-mini",
        source="gpt-realtime-2.1-mini page, quick comparison (cached text inferred)",
    ),
    RealtimeModelRecord(
        name="gpt-realtime",
        label="gpt-realtime (legacy: shuts down 2027-01-20)",
        family="gpt-realtime",
        context_tokens=32_000,
        max_output_tokens=4_096,
        prices=TokenPrices(
            text_in=4.00, text_cached=0.40, text_out=16.00, **_FULL_AUDIO, **_FULL_IMAGE
        ),
        image_input=True,
        status=Status.LEGACY,
        shutdown=LEGACY_SHUTDOWN,
        successor="gpt-realtime-2.1",
        source="langwatch cost map (PR #7021), same rates as gpt-realtime-1.5",
    ),
    RealtimeModelRecord(
        name="gpt-4o-mini-realtime-preview",
        label="gpt-4o-mini-realtime-preview (retired 2026-05-07)",
        family="preview",
        context_tokens=16_000,
        max_output_tokens=4_096,
        prices=TokenPrices(
            text_in=0.60,
            text_cached=0.30,
            text_out=2.40,
            audio_in=10.00,
            audio_cached=0.30,
            audio_out=20.00,
        ),
        marin_cedar=False,
        status=Status.RETIRED,
        shutdown=date(2026, 5, 7),
        # OpenAI named gpt-realtime-mini, itself legacy: move straight to its successor.
        successor="gpt-realtime-2.1-mini",
        source="developers.openai.com/api/docs/models/gpt-4o-mini-realtime-preview.md",
    ),
)
