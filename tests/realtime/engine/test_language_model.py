"""The session language model: the bot's texts, generic caller frames, common English."""

import pytest

from realtime.engine import lm

TEXTS = ["Returns: you can return any item within 30 days for a full refund."]


def bigrams(arpa: str) -> dict[tuple[str, str], float]:
    """log10 P(word | history) of every bigram an ARPA text lists."""
    section = arpa.split("\\2-grams:\n", 1)[1].split("\n\n", 1)[0]
    table = {}
    for line in section.splitlines():
        log10p, history, word = line.split()
        table[history, word] = float(log10p)
    return table


def test_caller_frames_are_read_from_data_without_comments():
    frames = lm.read_frames()
    assert "how long do i have to" in frames
    assert "what happens if" in frames
    assert not [f for f in frames if f.startswith("#") or f != f.strip()]


def test_generic_caller_frames_raise_how_callers_ask(monkeypatch):
    """ "how long do i have to" is how callers ask, though no bot text says it: with the
    frames in the mixture its bigrams are more probable than with them left out."""
    monkeypatch.setattr(lm, "FRAMES_WEIGHT", 0.0)
    without = bigrams(lm.build_language_model(TEXTS).arpa)
    monkeypatch.setattr(lm, "FRAMES_WEIGHT", 0.1)
    with_frames = bigrams(lm.build_language_model(TEXTS).arpa)
    for pair in [
        ("long", "do"),
        ("calling", "about"),
        ("happens", "if"),
        ("wondering", "if"),
    ]:
        assert with_frames[pair] > without.get(pair, -99.0), pair
    # the bot's own wording keeps its place
    assert with_frames["full", "refund"] > -1.0


def test_session_models_hold_the_caller_frames_by_default():
    """Every session's model mixes the frames in (tuned share, bench/README.md)."""
    assert lm.FRAMES_WEIGHT > 0
    listed = bigrams(lm.build_language_model(TEXTS).arpa)
    assert ("calling", "about") in listed
    assert ("wondering", "if") in listed


@pytest.mark.parametrize("frames_weight", [0.0, 0.1])
def test_every_history_is_a_distribution(monkeypatch, frames_weight):
    """Listed bigrams never take more than all the probability of their history."""
    monkeypatch.setattr(lm, "FRAMES_WEIGHT", frames_weight)
    totals: dict[str, float] = {}
    for (history, _), log10p in bigrams(lm.build_language_model(TEXTS).arpa).items():
        totals[history] = totals.get(history, 0.0) + 10**log10p
    assert max(totals.values()) <= 1.0 + 1e-3
