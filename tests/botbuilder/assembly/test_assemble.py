"""Instruction assembly: pure code, no database."""

from datetime import UTC, datetime

import pytest

from botbuilder.assembly import (
    BotSpec,
    Snapshot,
    SnippetSpec,
    ToolSpec,
    UnknownVariableError,
    VoiceSpec,
    assemble,
)
from botbuilder.assembly.knowledge import parse_knowledge, snippet_block
from botbuilder.assembly.tokens import estimate_tokens

NOW = datetime(2026, 3, 4, 12, 30, tzinfo=UTC)
BETA_FIELDS = {
    "modalities",
    "voice",
    "input_audio_format",
    "output_audio_format",
    "input_audio_transcription",
    "input_audio_noise_reduction",
    "turn_detection",
    "temperature",
    "max_response_output_tokens",
    "speed",
}


def bot(**fields) -> BotSpec:
    values = {
        "name": "Acme desk",
        "instructions": "Help callers.",
        "greeting": "Hello.",
    }
    return BotSpec(**{**values, **fields})


def snippet(i: int, title: str, words: int = 10, **fields) -> SnippetSpec:
    return SnippetSpec(id=i, title=title, content=" ".join(["word"] * words), **fields)


def tool(name: str = "get_order_status") -> ToolSpec:
    return ToolSpec(
        name=name,
        description="Look up an order.",
        parameters={"type": "object", "properties": {"n": {"type": "string"}}},
    )


def run(snapshot: Snapshot):
    return assemble(snapshot, now=NOW)


def test_sections_come_in_a_fixed_order():
    snap = Snapshot(bot=bot(), snippets=(snippet(1, "Hours"),), tools=(tool(),))
    keys = [s.key for s in run(snap).report.sections]
    assert keys == ["instructions", "language", "greeting", "knowledge", "tools"]
    instructions = run(snap).session["instructions"]
    positions = [instructions.index(f"# {s.title}") for s in run(snap).report.sections]
    assert positions == sorted(positions)


def test_no_knowledge_or_tool_section_without_snippets_and_tools():
    keys = [s.key for s in run(Snapshot(bot=bot())).report.sections]
    assert keys == ["instructions", "language", "greeting"]


def test_inline_snippets_go_in_by_priority_until_the_budget_is_full():
    snippets = (
        snippet(1, "Low", words=40, priority=1),
        snippet(2, "High", words=40, priority=9),
        snippet(3, "Mid", words=40, priority=5),
    )
    two_fit = sum(estimate_tokens(snippet_block(s)) for s in snippets[1:])
    result = run(Snapshot(bot=bot(knowledge_token_budget=two_fit), snippets=snippets))

    assert result.report.inline_snippet_ids == [2, 3]
    assert result.report.retrievable_snippet_ids == [1]
    titles = [t for t, _ in parse_knowledge(result.session["instructions"])]
    assert titles == ["High", "Mid"]
    assert "search_knowledge" in [t["name"] for t in result.session["tools"]]
    assert any("did not fit the knowledge budget" in w for w in result.report.warnings)


def test_everything_fits_no_search_tool_and_no_warning():
    result = run(Snapshot(bot=bot(), snippets=(snippet(1, "Hours"),)))
    assert result.report.inline_snippet_ids == [1]
    assert result.session["tools"] == []
    assert result.report.warnings == []


def test_retrieved_snippets_are_never_inline_even_with_room_to_spare():
    snippets = (
        snippet(1, "Inline"),
        SnippetSpec(
            2, "Looked up", "Secret sauce recipe.", mode="retrieved", priority=99
        ),
    )
    result = run(Snapshot(bot=bot(knowledge_token_budget=30000), snippets=snippets))

    assert result.report.inline_snippet_ids == [1]
    assert result.report.retrievable_snippet_ids == [2]
    assert "Secret sauce" not in result.session["instructions"]
    assert '<snippet title="Looked up">' not in result.session["instructions"]
    assert [t.name for t in result.tools] == ["search_knowledge"]
    assert "search_knowledge tool" in result.session["instructions"]


def test_search_knowledge_is_not_added_twice():
    own = ToolSpec(
        name="search_knowledge",
        description="Search.",
        parameters={"type": "object", "properties": {}},
        kind="builtin",
        builtin="search_knowledge",
    )
    snap = Snapshot(
        bot=bot(), snippets=(snippet(1, "x", mode="retrieved"),), tools=(own,)
    )
    names = [t["name"] for t in run(snap).session["tools"]]
    assert names == ["search_knowledge"]


def test_variables_session_over_default_over_builtin():
    spec = bot(
        instructions="I am {{bot_name}}, on {{today}}, for {{shop}} and {{customer}}.",
        variable_defaults={
            "shop": "Acme",
            "customer": "there",
            "bot_name": "Default name",
        },
    )
    snap = Snapshot(bot=spec, variables={"customer": "Ada", "shop": ""})
    result = run(snap)

    assert (
        "I am Default name, on 2026-03-04, for Acme and Ada."
        in result.session["instructions"]
    )
    assert result.variables["customer"] == "Ada"


def test_builtin_variables_fill_without_defaults():
    result = run(Snapshot(bot=bot(instructions="I am {{ bot_name }} ({{today}}).")))
    assert "I am Acme desk (2026-03-04)." in result.session["instructions"]


def test_unknown_variable_raises_with_its_name():
    snap = Snapshot(bot=bot(instructions="Hello {{customer}} from {{city}}."))
    with pytest.raises(UnknownVariableError) as info:
        run(snap)
    assert info.value.names == ["customer", "city"]


def test_greeting_is_filled_and_only_for_bot_greeting_mode():
    spec = bot(greeting="Hi {{who}}!", variable_defaults={"who": "there"})
    assert run(Snapshot(bot=spec)).greeting == "Hi there!"
    assert run(Snapshot(bot=bot(greeting="Hi!", greeting_mode="wait"))).greeting == ""


def test_empty_greeting_in_greeting_mode_warns():
    warnings = run(Snapshot(bot=bot(greeting=""))).report.warnings
    assert any("greeting is empty" in w for w in warnings)


# --- The GA session.update shape (protocol reference §2.1) --------------------------


def test_ga_shape_for_the_browser():
    snap = Snapshot(
        bot=bot(), voice=VoiceSpec(provider_voice="marin", speed=1.1), tools=(tool(),)
    )
    result = run(snap)
    event = result.session_update()
    session = event["session"]

    assert event["type"] == "session.update"
    assert session["type"] == "realtime"
    assert session["model"] == "gpt-realtime-2.1-mini"
    assert session["output_modalities"] == ["audio"]
    audio_in = session["audio"]["input"]
    assert audio_in["format"] == {"type": "audio/pcm", "rate": 24000}
    assert audio_in["noise_reduction"] == {"type": "near_field"}
    assert audio_in["transcription"] == {
        "model": "gpt-live-transcribe",
        "language": "en",
    }
    assert session["audio"]["output"] == {
        "format": {"type": "audio/pcm", "rate": 24000},
        "voice": "marin",
        "speed": 1.1,
    }
    assert session["tools"] == [
        {
            "type": "function",
            "name": "get_order_status",
            "description": "Look up an order.",
            "parameters": {"type": "object", "properties": {"n": {"type": "string"}}},
        }
    ]
    assert session["tool_choice"] == "auto"
    assert session["max_output_tokens"] == "inf"
    assert BETA_FIELDS.isdisjoint(session)


def test_phone_uses_pcmu_both_ways():
    session = run(Snapshot(bot=bot(), audio_format="pcmu")).session
    assert session["audio"]["input"]["format"] == {"type": "audio/pcmu"}
    assert session["audio"]["output"]["format"] == {"type": "audio/pcmu"}


def test_server_vad_turn_detection():
    spec = bot(
        vad_threshold=0.7,
        vad_prefix_padding_ms=200,
        vad_silence_ms=800,
        interrupt_on_speech=False,
    )
    detection = run(Snapshot(bot=spec)).session["audio"]["input"]["turn_detection"]
    assert detection == {
        "type": "server_vad",
        "threshold": 0.7,
        "prefix_padding_ms": 200,
        "silence_duration_ms": 800,
        "create_response": True,
        "interrupt_response": False,
    }


def test_semantic_vad_turn_detection():
    spec = bot(turn_detection="semantic_vad", semantic_eagerness="low")
    detection = run(Snapshot(bot=spec)).session["audio"]["input"]["turn_detection"]
    assert detection == {
        "type": "semantic_vad",
        "eagerness": "low",
        "create_response": True,
        "interrupt_response": True,
    }


def test_turn_detection_off_is_null():
    session = run(Snapshot(bot=bot(turn_detection="off"))).session
    assert "turn_detection" in session["audio"]["input"]
    assert session["audio"]["input"]["turn_detection"] is None


def test_off_switches_are_null_and_caps_are_numbers():
    spec = bot(
        noise_reduction="off",
        input_transcription_model="",
        max_output_tokens=300,
        output_modality="text",
        tool_choice="required",
    )
    session = run(Snapshot(bot=spec)).session
    assert session["audio"]["input"]["noise_reduction"] is None
    assert session["audio"]["input"]["transcription"] is None
    assert session["max_output_tokens"] == 300
    assert session["output_modalities"] == ["text"]
    assert session["tool_choice"] == "required"


def test_no_voice_leaves_the_model_default():
    assert "voice" not in run(Snapshot(bot=bot())).session["audio"]["output"]


# --- Context budget -----------------------------------------------------------------


def _big_bot(model: str) -> BotSpec:
    # About 10k tokens of instructions: over half of 16k, under half of 32k.
    return bot(model=model, instructions="word " * 8000)


def test_context_warning_for_the_16k_preview_model():
    report = run(Snapshot(bot=_big_bot("gpt-4o-mini-realtime-preview"))).report
    assert report.context_tokens == 16_000
    assert 9_000 < report.total_tokens < 12_000
    assert any("16000-token context" in w for w in report.warnings)


def test_no_context_warning_for_the_32k_model():
    report = run(Snapshot(bot=_big_bot("gpt-realtime-mini"))).report
    assert report.context_tokens == 32_000
    assert not any("context" in w for w in report.warnings)


def test_report_totals_add_up():
    result = run(Snapshot(bot=bot(), snippets=(snippet(1, "a"),), tools=(tool(),)))
    report = result.report
    assert report.tool_tokens > 0
    assert (
        report.total_tokens
        == estimate_tokens(result.session["instructions"]) + report.tool_tokens
    )
    assert report.to_dict()["sections"][0]["key"] == "instructions"


def test_search_tool_names_the_topics_it_can_find_within_a_cap():
    snippets = tuple(
        snippet(i, f"Topic number {i:03d}", mode="retrieved", priority=-i)
        for i in range(1, 200)
    )
    result = run(Snapshot(bot=bot(), snippets=snippets))

    (search,) = [t for t in result.tools if t.name == "search_knowledge"]
    assert (
        "Topics it covers include: Topic number 001, Topic number 002,"
        in search.description
    )
    assert (
        "Topic number 199" not in search.description
    )  # capped, highest priority first
    assert len(search.description) < 1000
    assert result.session["tools"][0]["description"] == search.description
