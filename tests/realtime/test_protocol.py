"""GA client event builders and server event accessors (pure)."""

import base64
import json

from realtime import protocol


def test_audio_append_is_base64_of_the_raw_bytes():
    event = protocol.audio_append(b"\x01\x02\x03\x04")
    assert event == {"type": "input_audio_buffer.append", "audio": "AQIDBA=="}


def test_audio_append_json_is_the_append_event_serialized():
    for raw in (b"", b"\x01\x02\x03\x04", bytes(range(256)) * 4):
        text = protocol.audio_append_json(raw, "evt_1")
        assert json.loads(text) == {**protocol.audio_append(raw), "event_id": "evt_1"}
    assert protocol.audio_append_json(b"\xff\xfe", "evt_2") == (
        '{"type":"input_audio_buffer.append","event_id":"evt_2","audio":"//4="}'
    )


def test_item_builders_use_ga_content_types():
    assert protocol.user_text_item("hi")["item"] == {
        "type": "message",
        "role": "user",
        "content": [{"type": "input_text", "text": "hi"}],
    }
    assert protocol.assistant_text_item("yo")["item"]["content"] == [
        {"type": "output_text", "text": "yo"}
    ]
    assert protocol.function_call_output("call_1", '{"ok": 1}') == {
        "type": "conversation.item.create",
        "item": {
            "type": "function_call_output",
            "call_id": "call_1",
            "output": '{"ok": 1}',
        },
    }
    assert protocol.truncate("item_9", 1234.9) == {
        "type": "conversation.item.truncate",
        "item_id": "item_9",
        "content_index": 0,
        "audio_end_ms": 1234,
    }


def test_response_create_variants():
    plain = protocol.response_create()
    assert plain["type"] == "response.create" and "response" not in plain
    assert plain["event_id"] != protocol.response_create()["event_id"]
    line = protocol.exact_line_response("Hello there.", out_of_band=True)
    assert line["response"] == {
        "instructions": "Say exactly this to the caller, word for word: Hello there.",
        "conversation": "none",
    }
    assert protocol.response_cancel("resp_1") == {
        "type": "response.cancel",
        "response_id": "resp_1",
    }


def test_error_code_falls_back_to_the_message():
    assert (
        protocol.error_code({"error": {"code": "session_expired"}}) == "session_expired"
    )
    assert protocol.error_code(
        {
            "error": {
                "code": None,
                "message": "Conversation already has an active response in progress: resp_1",
            }
        }
    ) == (protocol.ERROR_ACTIVE_RESPONSE)
    assert protocol.error_code({"error": {"message": "Something else"}}) == ""
    assert protocol.error_message({"error": {}}) == "Unknown error from the model."


def test_audio_delta_and_strip_audio():
    raw = b"\x00\x01" * 10
    event = {
        "type": "response.output_audio.delta",
        "delta": base64.b64encode(raw).decode(),
    }
    assert protocol.audio_delta(event) == raw
    assert protocol.strip_audio(event)["delta"] == "<20 bytes>"
    text = {"type": "response.output_audio_transcript.delta", "delta": "words"}
    assert protocol.strip_audio(text) == text
    append = protocol.audio_append(raw)
    assert protocol.strip_audio(append)["audio"] == "<20 bytes>"


def test_item_text_joins_text_and_transcripts():
    item = {
        "content": [
            {"type": "output_audio", "transcript": "Hello"},
            {"type": "output_text", "text": "there"},
        ]
    }
    assert protocol.item_text(item) == "Hello there"
