"""The model catalogue: records, names, successors, refusals, and prices as the reference
gives them (platforms-2026.md §1.2)."""

import re
from datetime import date
from pathlib import Path

import pytest

from botbuilder.catalogue import (
    DEFAULT_MODEL,
    REALTIME_MODELS,
    TRANSCRIPTION_MODELS,
    Status,
    in_reasoning_family,
    model_start_refusal,
    realtime_model,
    successor_of,
    transcription_model,
)

# platforms-2026.md §1.2, "Prices (per 1M tokens)": text in/cached/out, audio in/cached/out,
# image in/cached (None: not listed), context, max output, reasoning.
REFERENCE_PRICES = {
    "gpt-realtime-2.1-mini": ((0.60, 0.06, 2.40), (10, 0.30, 20), (0.80, 0.08), 128_000, 32_000, True),
    "gpt-realtime-2": ((4, 0.40, 24), (32, 0.40, 64), (5, 0.50), 128_000, 32_000, True),
    "gpt-realtime-2.1": ((4, 0.40, 24), (32, 0.40, 64), (5, 0.50), 128_000, 32_000, True),
    "gpt-realtime-1.5": ((4, 0.40, 16), (32, 0.40, 64), (5, 0.50), 32_000, 4_096, False),
    "gpt-realtime": ((4, 0.40, 16), (32, 0.40, 64), (5, 0.50), 32_000, 4_096, False),
    "gpt-realtime-mini": ((0.60, 0.06, 2.40), (10, 0.30, 20), None, 32_000, 4_096, False),
    "gpt-4o-mini-realtime-preview": ((0.60, 0.30, 2.40), (10, 0.30, 20), None, 16_000, 4_096, False),
}  # fmt: skip
# §1.2 "Other voice prices" and the model pages: USD per minute.
REFERENCE_TRANSCRIPTION_PER_MINUTE = {
    "gpt-realtime-whisper": 0.017,
    "gpt-live-transcribe": 0.017,
    "gpt-transcribe": 0.0045,
}
REFERENCE_FILE = "reference/platforms-2026.md"


def test_the_catalogue_has_every_model_of_the_issue():
    assert set(REFERENCE_PRICES) == {m.name for m in REALTIME_MODELS}
    assert DEFAULT_MODEL == "gpt-realtime-2.1-mini"


@pytest.mark.parametrize("name", sorted(REFERENCE_PRICES))
def test_prices_and_limits_match_the_reference(name):
    text, audio, image, context, max_out, reasoning = REFERENCE_PRICES[name]
    record = realtime_model(name)
    p = record.prices
    assert (p.text_in, p.text_cached, p.text_out) == pytest.approx(text)
    assert (p.audio_in, p.audio_cached, p.audio_out) == pytest.approx(audio)
    if image is None:
        assert (p.image_in, p.image_cached) == (None, None)
    else:
        assert (p.image_in, p.image_cached) == pytest.approx(image)
    assert (record.context_tokens, record.max_output_tokens) == (context, max_out)
    assert record.reasoning is reasoning


@pytest.mark.parametrize("name", sorted(REFERENCE_TRANSCRIPTION_PER_MINUTE))
def test_transcription_prices_match_the_reference(name):
    assert transcription_model(name).usd_per_minute == pytest.approx(
        REFERENCE_TRANSCRIPTION_PER_MINUTE[name]
    )


def _reference_table() -> str | None:
    """§1.2's table from the shared reference, where this checkout has it beside it."""
    here = Path(__file__).resolve()
    for folder in here.parents:
        candidate = folder / "shared" / REFERENCE_FILE
        if candidate.is_file():
            text = candidate.read_text(encoding="utf-8")
            return text.split("### 1.2", 1)[1].split("###", 1)[0]
    return None


def test_the_literal_table_above_is_the_reference_file_s_table():
    table = _reference_table()
    if table is None:
        pytest.skip("the shared reference is not beside this checkout")
    rows = [line for line in table.splitlines() if line.startswith("| gpt-")]
    found = {}
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        numbers = [
            float(n) for cell in cells[1:4] for n in re.findall(r"\d+(?:\.\d+)?", cell)
        ]
        for name in re.findall(
            r"gpt-[\w.-]+", cells[0].replace(" and ", " gpt-realtime-")
        ):
            found[name] = numbers
    compared = [n for n in REFERENCE_PRICES if len(found.get(n, ())) >= 6]
    # gpt-realtime-mini's row gives only its text input price in words.
    assert len(compared) == len(REFERENCE_PRICES) - 1
    for name in compared:
        text, audio, image, *_rest = REFERENCE_PRICES[name]
        assert found[name][:6] == pytest.approx([*text, *audio]), name
        if image is not None:
            assert found[name][6:8] == pytest.approx(list(image)), name


@pytest.mark.parametrize(
    ("name", "base"),
    [
        ("gpt-realtime-2025-08-28", "gpt-realtime"),
        ("gpt-realtime-mini-2025-10-06", "gpt-realtime-mini"),
        ("gpt-realtime-mini-2025-12-15", "gpt-realtime-mini"),
        ("gpt-4o-mini-realtime-preview-2024-12-17", "gpt-4o-mini-realtime-preview"),
        ("gpt-realtime-2.1", "gpt-realtime-2.1"),
    ],
)
def test_dated_names_resolve_to_their_base_record(name, base):
    assert realtime_model(name).name == base


def test_unknown_models_have_no_record():
    assert realtime_model("my-local-model") is None
    assert realtime_model("") is None


def test_legacy_models_shut_down_on_2027_01_20_and_name_their_successor():
    for name, successor in [
        ("gpt-realtime", "gpt-realtime-2.1"),
        ("gpt-realtime-mini", "gpt-realtime-2.1-mini"),
    ]:
        record = realtime_model(name)
        assert record.status == Status.LEGACY
        assert record.shutdown == date(2027, 1, 20)
        assert successor_of(name).name == successor


def test_the_retired_preview_is_refused_with_its_successor_named():
    record = realtime_model("gpt-4o-mini-realtime-preview")
    assert record.status == Status.RETIRED
    message = model_start_refusal("gpt-4o-mini-realtime-preview-2024-12-17")
    assert "gpt-4o-mini-realtime-preview" in message
    assert "2026-05-07" in message
    assert "gpt-realtime-2.1-mini" in message


@pytest.mark.parametrize(
    "name", ["gpt-realtime-2.1-mini", "gpt-realtime-mini", "unknown-model"]
)
def test_models_that_are_not_retired_may_start(name):
    assert model_start_refusal(name) is None


def test_current_models_have_no_successor():
    assert successor_of("gpt-realtime-2.1") is None


def test_the_reasoning_family():
    assert in_reasoning_family("gpt-realtime-2")
    assert in_reasoning_family("gpt-realtime-2.1-mini")
    assert not in_reasoning_family("gpt-realtime-1.5")
    assert not in_reasoning_family("gpt-realtime-mini")


def test_transcription_models_retiring_in_february_2027_are_flagged():
    retiring = {m.name for m in TRANSCRIPTION_MODELS if m.shutdown == date(2027, 2, 26)}
    assert retiring == {"whisper-1", "gpt-4o-mini-transcribe", "gpt-4o-transcribe"}
    assert all("retiring 2027-02-26" in transcription_model(n).label for n in retiring)
    current = {m.name for m in TRANSCRIPTION_MODELS if m.status == Status.CURRENT}
    assert current == {"gpt-realtime-whisper", "gpt-live-transcribe", "gpt-transcribe"}
