"""Model-dependent session options in the GA session.update, checked against the SDK."""

from botbuilder.assembly import Snapshot, VoiceSpec
from tests.botbuilder.assembly.test_assemble import bot, run
from tests.protocol_oracle import check_client_event


def session_of(**fields):
    voice = fields.pop("voice", None)
    session = run(Snapshot(bot=bot(**fields), voice=voice)).session
    check_client_event({"type": "session.update", "session": session})
    return session


def test_reasoning_models_get_effort_and_parallel_tool_calls():
    session = session_of(
        model="gpt-realtime-2.1", reasoning_effort="high", parallel_tool_calls=False
    )
    assert session["reasoning"] == {"effort": "high"}
    assert session["parallel_tool_calls"] is False


def test_parallel_tool_calls_left_to_the_model_are_not_sent():
    session = session_of(model="gpt-realtime-2.1-mini")
    assert session["reasoning"] == {"effort": "low"}
    assert "parallel_tool_calls" not in session


def test_models_without_reasoning_get_neither():
    session = session_of(
        model="gpt-realtime-mini", reasoning_effort="high", parallel_tool_calls=True
    )
    assert "reasoning" not in session and "parallel_tool_calls" not in session


def test_idle_timeout_goes_into_server_vad():
    session = session_of(turn_detection="server_vad", idle_timeout_ms=7000)
    assert session["audio"]["input"]["turn_detection"]["idle_timeout_ms"] == 7000
    semantic = session_of(turn_detection="semantic_vad", idle_timeout_ms=7000)
    assert "idle_timeout_ms" not in semantic["audio"]["input"]["turn_detection"]


def test_truncation_modes():
    assert session_of()["truncation"] == "auto"
    assert session_of(truncation="disabled")["truncation"] == "disabled"
    assert session_of(
        truncation="retention_ratio",
        truncation_retention_ratio=0.8,
        truncation_post_instructions_tokens=8000,
    )["truncation"] == {
        "type": "retention_ratio",
        "retention_ratio": 0.8,
        "token_limits": {"post_instructions": 8000},
    }
    assert session_of(truncation="retention_ratio", truncation_retention_ratio=0.5)[
        "truncation"
    ] == {"type": "retention_ratio", "retention_ratio": 0.5}


def test_transcription_languages_and_keywords_for_models_that_take_them():
    session = session_of(
        input_transcription_model="gpt-transcribe",
        language="de-CH",
        transcription_languages="de, FR",
        transcription_keywords="Acme\nZürich, Bahnhof",
    )
    assert session["audio"]["input"]["transcription"] == {
        "model": "gpt-transcribe",
        "language": "de",
        "languages": ["de", "fr"],
        "keywords": ["Acme", "Zürich", "Bahnhof"],
    }
    whisper = session_of(
        input_transcription_model="gpt-realtime-whisper", transcription_keywords="Acme"
    )
    assert whisper["audio"]["input"]["transcription"] == {
        "model": "gpt-realtime-whisper",
        "language": "en",
    }


def test_noise_reduction_near_and_far_field():
    far = session_of(noise_reduction="far_field")
    assert far["audio"]["input"]["noise_reduction"] == {"type": "far_field"}
    assert (
        session_of(noise_reduction="off")["audio"]["input"]["noise_reduction"] is None
    )


def test_a_custom_voice_is_sent_as_its_id():
    voice = VoiceSpec(provider_voice="alloy", custom_voice_id="voice_1234")
    session = session_of(model="gpt-realtime-2.1", voice=voice)
    assert session["audio"]["output"]["voice"] == {"id": "voice_1234"}


def test_max_output_tokens_up_to_the_model_maximum():
    assert session_of(max_output_tokens=32_000)["max_output_tokens"] == 32_000
    assert session_of()["max_output_tokens"] == "inf"


def test_context_warning_uses_the_model_s_own_window():
    report = run(Snapshot(bot=bot(model="gpt-realtime-2.1-mini"))).report
    assert report.context_tokens == 128_000
    assert (
        run(Snapshot(bot=bot(model="gpt-realtime-mini"))).report.context_tokens
        == 32_000
    )


def test_legacy_and_retired_models_are_warned_about_in_the_report():
    legacy = run(Snapshot(bot=bot(model="gpt-realtime-mini"))).report.warnings
    assert any(
        "shuts down on 2027-01-20" in w and "gpt-realtime-2.1-mini" in w for w in legacy
    )
    retired = run(
        Snapshot(bot=bot(model="gpt-4o-mini-realtime-preview"))
    ).report.warnings
    assert any("shut down on 2026-05-07" in w for w in retired)
    assert run(Snapshot(bot=bot(model="gpt-realtime-2.1"))).report.warnings == []
