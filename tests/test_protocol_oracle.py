"""The conformance oracle itself: it accepts GA events and refuses anything else."""

import pytest

from tests.protocol_oracle import (
    ProtocolViolation,
    ViolationLog,
    check_client_event,
    check_server_event,
)


def test_a_ga_session_update_with_the_new_options_is_accepted():
    check_client_event(
        {
            "type": "session.update",
            "session": {
                "type": "realtime",
                "model": "gpt-realtime-2.1-mini",
                "reasoning": {"effort": "xhigh"},
                "parallel_tool_calls": True,
                "truncation": {
                    "type": "retention_ratio",
                    "retention_ratio": 0.8,
                    "token_limits": {"post_instructions": 8000},
                },
                "audio": {
                    "input": {
                        "noise_reduction": {"type": "far_field"},
                        "transcription": {
                            "model": "gpt-live-transcribe",
                            "languages": ["en", "de"],
                            "keywords": ["Acme"],
                        },
                        "turn_detection": {
                            "type": "server_vad",
                            "idle_timeout_ms": 6000,
                        },
                    },
                    "output": {"voice": {"id": "voice_1234"}},
                },
            },
        }
    )


@pytest.mark.parametrize(
    ("event", "needle"),
    [
        ({"type": "session.update", "session": {"type": "realtime", "temperature": 0.8}},
         "session.temperature"),
        ({"type": "session.update", "session": {"type": "realtime",
          "audio": {"input": {"turn_detection": {"type": "server_vad", "eagerness": "low"}}}}},
         "eagerness"),
        ({"type": "input_audio_buffer.append", "audio": "AAAA", "rate": 24000}, "rate"),
        ({"type": "response.create", "response": {"modalities": ["audio"]}},
         "response.modalities"),
    ],
)  # fmt: skip
def test_fields_the_sdk_does_not_define_are_violations_at_any_depth(event, needle):
    with pytest.raises(ProtocolViolation, match=needle):
        check_client_event(event)


def test_unknown_event_types_and_missing_fields_are_violations():
    with pytest.raises(ProtocolViolation, match="invalid"):
        check_client_event({"type": "session.fly"})
    with pytest.raises(ProtocolViolation, match="usage"):
        check_server_event(
            {
                "type": "conversation.item.input_audio_transcription.completed",
                "event_id": "e1",
                "item_id": "i1",
                "content_index": 0,
                "transcript": "hello",
            }
        )


def test_a_server_event_with_an_extra_field_is_a_violation():
    done = {
        "type": "response.done",
        "event_id": "e1",
        "response": {"id": "r1", "status": "completed", "output": []},
    }
    check_server_event(done)
    done["response"]["reasoning_summary"] = "..."
    with pytest.raises(ProtocolViolation, match="response.reasoning_summary"):
        check_server_event(done)


def test_the_violation_log_records_instead_of_raising():
    log = ViolationLog()
    log.check("client", '{"type": "input_audio_buffer.commit"}')
    assert log.take() == []
    log.check("server", '{"type": "nope"}')
    log.check("client", "{not json")
    seen = log.take()
    assert len(seen) == 2 and "'nope'" in seen[0]
    assert log.take() == []
