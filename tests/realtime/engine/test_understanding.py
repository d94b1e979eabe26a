"""Pure parts of the engine's understanding: arguments, matching, replies, validation, LM."""

import datetime as dt
import json
from collections import Counter

import pytest

from realtime.engine import lm
from realtime.engine.answer import (
    answer_utterance,
    pick_hypothesis,
    plan_response,
)
from realtime.engine.arguments import date_in, digits_in, email_in, extract_arguments
from realtime.engine.knowledge import knowledge_for
from realtime.engine.lm import (
    RELATED_SHARE,
    build_language_model,
    number_words,
    related_counts,
    sentences,
)
from realtime.engine.replies import reply_to_output
from realtime.engine.validation import (
    SessionError,
    apply_session_update,
    default_session,
)
from tests.realtime.engine.conftest import INSTRUCTIONS, ORDER_TOOL, session_config


def test_spoken_digits_become_an_order_number():
    assert digits_in("my order is four five six seven") == "4567"
    assert digits_in("order 12 34") == "1234"


def test_emails_typed_or_spoken():
    assert email_in("write to anna.b@example.org please") == "anna.b@example.org"
    assert email_in("it is anna at example dot com") == "anna@example.com"


def test_dates_from_words():
    today = dt.date(2026, 11, 21)
    assert date_in("tomorrow", today) == "2026-11-22"
    assert date_in("on march third", today) == "2027-03-03"
    assert date_in("2026-12-01", today) == "2026-12-01"


def test_arguments_follow_the_schema_types():
    schema = {
        "type": "object",
        "properties": {
            "count": {"type": "integer"},
            "size": {"type": "string", "enum": ["small", "large"]},
            "note": {"type": "string"},
            "query": {"type": "string"},
        },
    }
    args = extract_arguments(schema, 'two large ones, note "ring the bell" thanks')
    assert args["count"] == 2 and args["size"] == "large"
    assert args["note"] == "ring the bell"
    assert args["query"].startswith("two large")


def test_best_snippet_answers_and_unknown_topics_do_not():
    session = session_config()
    assert answer_utterance(session, "when are you open").matched == "Opening hours"
    assert answer_utterance(session, "i want my money back").matched == "Return policy"
    assert (
        "don't have information"
        in answer_utterance(session, "do you sell bicycles").text
    )


def test_a_search_topic_match_searches_the_knowledge():
    from botbuilder.assembly.knowledge import search_knowledge_tool
    from botbuilder.assembly.snapshot import SnippetSpec

    search = search_knowledge_tool(
        [SnippetSpec(7, "Weekend delivery", "Saturdays in cities.", mode="retrieved")]
    ).to_function()
    session = session_config(tools=[search])
    plan = answer_utterance(session, "do you deliver on weekends")
    assert plan.calls and plan.calls[0][0] == "search_knowledge"
    assert "weekend" in plan.calls[0][1]["query"]
    # Without the topic the engine cannot know: an inline snippet wins or nothing does.
    assert answer_utterance(session_config(), "do you deliver on weekends").calls == []


def test_the_answer_most_alternatives_support_picks_the_transcript():
    """The best path lost "return"; several lower alternatives kept it. The return policy
    is what the alternatives support most, so its best-ranked alternative is the
    transcript; the best path alone does not lead to the return policy."""
    config = session_config(
        instructions=INSTRUCTIONS.replace(
            "You can return any item within",
            "You can return any item of an order within",
        )
    )
    heard = [
        "i would like to it's a my order",
        "i would like to if a my order",
        "i would like to returned i order",
        "i would like to its a my ordered",
        "i would like to return my order",
        "i would like to returned by order",
    ]
    assert answer_utterance(config, heard[0]).matched != "Return policy"
    picked = pick_hypothesis(config, heard)
    assert picked == "i would like to returned i order"
    assert answer_utterance(config, picked).matched == "Return policy"


def test_one_stray_alternative_does_not_outvote_the_best_path():
    config = session_config()
    heard = [
        "what are your opening hours",
        "what are your opening hours please",
        "what are you opening hours",
        "can i return it",
    ]
    assert pick_hypothesis(config, heard) == heard[0]
    assert pick_hypothesis(config, heard[:1]) == heard[0]
    assert pick_hypothesis(config, []) == ""


def test_question_words_do_not_match_a_tools_wording():
    """Tool descriptions say "when the caller ..."; a caller's "when" asks about time and
    is no evidence for that tool."""
    end_call = {
        "type": "function",
        "name": "end_call",
        "description": "End the call politely when the caller says goodbye.",
        "parameters": {"type": "object", "properties": {}},
    }
    config = session_config(tools=[ORDER_TOOL, end_call])
    assert answer_utterance(config, "when is my order coming").matched == (
        "get_order_status"
    )
    assert answer_utterance(config, "when the my order caller five six").matched == (
        "get_order_status"
    )
    assert answer_utterance(config, "when are you open").matched == "Opening hours"


def test_tool_output_becomes_a_sentence():
    knowledge = knowledge_for(session_config())
    plan = reply_to_output(
        knowledge,
        "get_order_status",
        json.dumps({"order_number": "4567", "status": "shipped"}),
        {},
    )
    assert plan.text == "Order 4567: status shipped."
    assert (
        "transferring"
        in reply_to_output(
            knowledge, "transfer_to_human", '{"status": "transferred"}', {}
        ).text
    )
    ended = reply_to_output(knowledge, "end_call", '{"status": "ended"}', {})
    assert ended.text.endswith("Goodbye!")
    assert reply_to_output(knowledge, "anything", "plain words", {}).text == (
        "plain words"
    )


def test_exact_line_wins_over_the_conversation():
    context = [
        {
            "type": "message",
            "role": "user",
            "content": [{"type": "input_text", "text": "opening hours?"}],
        }
    ]
    plan = plan_response(
        session_config(),
        context,
        "Say exactly this to the caller, word for word: Still there?",
    )
    assert plan.text == "Still there?"


@pytest.mark.parametrize(
    "update,param",
    [
        ({"type": "realtime", "temperature": 0.8}, "session.temperature"),
        ({"type": "realtime", "turn_detection": None}, "session.turn_detection"),
        (
            {"type": "realtime", "audio": {"output": {"voice": "nova"}}},
            "session.audio.output.voice",
        ),
        (
            {"type": "realtime", "output_modalities": ["text", "audio"]},
            "session.output_modalities",
        ),
    ],
)
def test_invalid_session_fields_name_their_param(update, param):
    with pytest.raises(SessionError) as caught:
        apply_session_update(default_session("gpt-realtime-mini"), update)
    assert caught.value.param == param


def test_language_model_covers_session_words_and_numbers():
    lm = build_language_model(["We ship parcels within 3 days."])
    assert {"parcels", "three", "days"} <= lm.vocabulary
    assert "\\2-grams:" in lm.arpa
    assert number_words(4567) == [
        "four",
        "thousand",
        "five",
        "hundred",
        "sixty",
        "seven",
    ]


def _unigram_log10(arpa: str, word: str) -> float:
    in_unigrams = arpa.split("\\1-grams:")[1].split("\\2-grams:")[0]
    for line in in_unigrams.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[1] == word:
            return float(parts[0])
    raise AssertionError(f"{word!r} is not in the model")


def test_callers_forms_of_session_words_are_expected_words(monkeypatch):
    """The bot writes "payment", "returns", "damaged"; callers say "pay", "returned",
    "broken". Those forms must be far more likely than in common English alone (compared
    in a two-part mixture: the generic caller frames say "pay" too)."""
    monkeypatch.setattr(lm, "FRAMES_WEIGHT", 0.0)
    monkeypatch.setattr(lm, "SESSION_WEIGHT", 0.8)
    texts = [
        "Payment is taken when your order ships. Returns are free at our shop.",
        "If an item arrived damaged, tell us.",
    ]
    counts = Counter(w for s in sentences(texts) for w in s)
    related = related_counts(counts, {"pay", "returned", "broken", "ours", "thesis"})
    assert set(related) == {"pay", "returned", "broken"}
    assert related["returned"] == RELATED_SHARE * counts["returns"]

    with_session = build_language_model(texts).arpa
    without = build_language_model(["Our opening hours are nine to six."]).arpa
    for word in ("pay", "returned", "broken"):
        assert _unigram_log10(with_session, word) > _unigram_log10(without, word) + 1
    # a short function word's forms are no topic: "our" does not make "ours" likely
    assert _unigram_log10(with_session, "ours") == pytest.approx(
        _unigram_log10(without, "ours"), abs=0.3
    )


def test_vad_finds_a_turn_and_ignores_steady_noise():
    import numpy as np

    from realtime.engine.vad import ServerVad
    from tests.realtime.engine.conftest import spoken

    rng = np.random.default_rng(3)
    noise = rng.normal(0, 700, 24000 * 2).astype(np.int16)  # loud hiss, no speech
    vad = ServerVad(
        threshold=0.3, prefix_padding_ms=300, silence_duration_ms=500, rate_hz=24000
    )
    assert vad.feed(noise) == []
    events = vad.feed(spoken("what are your opening hours"))
    assert [e.kind for e in events if e.kind != "pause"] == ["started", "stopped"]
    started, stopped = events[0], events[-1]
    assert started.audio_ms < stopped.audio_ms


def test_vad_keeps_quiet_sounds_inside_a_sentence_in_the_turn():
    """Unvoiced sounds ("s", "th") are far quieter than vowels: once speech has started,
    a stretch well above the background but below the start threshold is still speech."""
    import numpy as np

    from realtime.engine.vad import ServerVad

    rate = 24000
    rng = np.random.default_rng(5)

    def part(ms: int, rms: float) -> np.ndarray:
        n = rate * ms // 1000
        tone = np.sin(2 * np.pi * 220 * np.arange(n) / rate) * rms * np.sqrt(2)
        return tone + rng.normal(0, 100, n)

    vowels, fricative, silence = 3500, 500, 0  # int16 RMS; start threshold ~820
    audio = np.concatenate(
        [
            part(500, silence),
            part(400, vowels),
            part(400, fricative),
            part(400, vowels),
            part(800, silence),
        ]
    ).astype(np.int16)
    vad = ServerVad(
        threshold=0.5, prefix_padding_ms=300, silence_duration_ms=300, rate_hz=rate
    )
    kinds = [e.kind for e in vad.feed(audio) if e.kind != "pause"]
    assert kinds == ["started", "stopped"]
    # A quiet stretch before any speech does not start a turn.
    vad = ServerVad(
        threshold=0.5, prefix_padding_ms=300, silence_duration_ms=300, rate_hz=rate
    )
    assert vad.feed(part(1000, fricative).astype(np.int16)) == []


def test_voice_settings_on_the_url_win_over_the_openai_voice():
    from realtime.engine.voices import EspeakVoice, espeak_voice, voice_from_query

    override = voice_from_query(
        "model=gpt-realtime-mini&espeak_voice=en-us%2Bf3&espeak_rate=140&espeak_pitch=60"
    )
    assert override == EspeakVoice("en-us+f3", 140, 60)
    assert espeak_voice("cedar", override) == override
    assert espeak_voice("cedar", None).voice == "en-us+klatt5"
    assert voice_from_query("model=gpt-realtime-mini") is None


def test_decoder_lets_line_noise_decode_as_silence():
    """The session decoder is built with the raised silence probability (not the default)."""
    from realtime.engine import asr

    key = asr.prepare_model(["We ship parcels within 3 days."])
    assert asr._decoder(key).get_config()["silprob"] == pytest.approx(asr.SILENCE_PROB)
    assert asr.SILENCE_PROB > 0.005  # pocketsphinx's default inserts short words


def test_tools_are_reached_through_one_synonym_link_at_most():
    session = session_config()
    # package -> order is one link: still an order lookup.
    assert answer_utterance(session, "where is my package").matched == (
        "get_order_status"
    )
    # parcel -> package -> order is two: a parcel alone is not an order lookup.
    assert answer_utterance(session, "my parcel").matched != "get_order_status"
