"""Pure session pieces: barge-in math, the response queue, turns and re-seeding, input checks."""

import pytest

from realtime.consumers.validation import (
    MAX_CLIENT_FRAME_BYTES,
    ClientInputError,
    RateLimiter,
    check_audio_frame,
    parse_control,
)
from realtime.session.bargein import (
    audio_ms,
    estimated_played_ms,
    heard_prefix,
    is_probably_playing,
    playback_remaining_s,
    truncate_ms,
)
from realtime.session.limits import IdlePolicy
from realtime.session.reconnect import seed_events
from realtime.session.responses import ResponseQueue
from realtime.session.turns import Conversation


def test_audio_ms_for_pcm16_and_g711():
    assert audio_ms(48_000) == 1000
    assert audio_ms(8_000, bytes_per_ms=8) == 1000


def test_truncate_ms_is_clamped_to_audio_sent():
    assert truncate_ms(700, 2000) == 700
    assert truncate_ms(2500, 2000) == 2000
    assert truncate_ms(-5, 2000) == 0
    assert truncate_ms(None, 2000) == 2000


def test_playback_estimates():
    assert estimated_played_ms(10.5, 10.0, 2000) == 500
    assert estimated_played_ms(20.0, 10.0, 2000) == 2000
    assert estimated_played_ms(20.0, None, 2000) == 0
    assert playback_remaining_s(10.5, 10.0, 2000) == pytest.approx(1.5)
    assert playback_remaining_s(13.0, 10.0, 2000) == 0.0
    assert is_probably_playing(11.0, 10.0, 2000)
    assert not is_probably_playing(14.0, 10.0, 2000)
    assert not is_probably_playing(10.0, None, 2000)


@pytest.mark.parametrize(
    ("played", "total", "expected"),
    [
        (0, 1000, ""),
        (500, 1000, "one two"),
        (250, 1000, "one"),
        (1000, 1000, "one two three four"),
        (1500, 1000, "one two three four"),
        (100, 0, ""),
    ],
)
def test_heard_prefix_is_proportional_to_the_played_share(played, total, expected):
    assert heard_prefix("one two three four", played, total) == expected


def test_response_queue_holds_creates_while_a_response_is_active():
    queue = ResponseQueue()
    first = {"type": "response.create", "event_id": "e1"}
    second = {"type": "response.create", "event_id": "e2"}
    assert queue.request(first, tag="greeting") is first
    assert queue.request(second) is None  # in flight: queued
    assert queue.on_created("r1") == "greeting"
    assert queue.on_done("r1") == ("greeting", second)
    queue.on_created("r2")
    assert queue.on_done("r2") == (None, None)
    assert not queue.busy


def test_response_queue_requeues_a_rejected_create_at_the_front():
    queue = ResponseQueue()
    ours = {"type": "response.create", "event_id": "e1"}
    later = {"type": "response.create", "event_id": "e2"}
    queue.request(ours, tag="closing")
    queue.on_created("r_vad")  # VAD's response arrived first and was taken for ours
    queue.request(later)
    assert queue.on_rejected("e1") is None  # still busy with r_vad
    tag, next_event = queue.on_done("r_vad")
    assert tag is None and next_event is ours  # ours goes first, its tag kept
    assert queue.on_created("r2") == "closing"
    assert queue.on_done("r2") == ("closing", later)


def test_response_queue_ignores_rejections_of_other_events():
    queue = ResponseQueue()
    queue.request({"type": "response.create", "event_id": "e1"})
    assert queue.on_rejected("someone-else") is None
    assert queue.pending == 0


def test_response_queue_reset_reports_a_lost_response():
    queue = ResponseQueue()
    queue.request({"type": "response.create", "event_id": "e1"})
    queue.on_created("r1")
    queue.request({"type": "response.create", "event_id": "e2"})
    assert queue.reset() is True
    assert queue.take_next()["event_id"] == "e2"


def test_conversation_allocates_seq_in_announcement_order():
    conv = Conversation()
    user = conv.user("item_u")
    reply = conv.assistant("item_a", "resp_1")
    call = conv.tool("item_c", "call_1", "search_knowledge", "resp_1")
    assert (user.seq, reply.seq, call.seq) == (1, 2, 3)
    assert conv.user("item_u") is user  # announced twice, one turn
    assert conv.tool("", "call_1", "search_knowledge") is call
    typed = conv.typed_user("hello", 10)
    assert typed.seq == 4 and typed.record()["text"] == "hello"


def test_tool_turn_record_keeps_raw_arguments_that_do_not_parse():
    conv = Conversation()
    call = conv.tool("item_c", "call_1", "lookup")
    call.arguments = "{broken"
    assert call.record()["tool_arguments"] == "{broken"
    call.arguments = '{"a": 1}'
    assert call.record()["tool_arguments"] == {"a": 1}


def test_seed_events_recreate_history_as_text():
    conv = Conversation()
    conv.assistant("a1").final_text = "Hello."
    conv.user("u1").text = "Hi, I want to return my order."
    interrupted = conv.assistant("a2")
    interrupted.final_text, interrupted.interrupted = "Sure, let me explain all", True
    interrupted.heard_text = "Sure, let me"
    conv.user("u2")  # no transcript: skipped
    call = conv.tool("c1", "call_1", "get_order_status")
    call.finished, call.arguments, call.output = True, '{"n": 1}', "ships tomorrow"
    events = seed_events(conv.turns)
    items = [e["item"] for e in events]
    assert [(i["role"], i["content"][0]["type"]) for i in items] == [
        ("assistant", "output_text"),
        ("user", "input_text"),
        ("assistant", "output_text"),
        ("system", "input_text"),
    ]
    assert items[2]["content"][0]["text"] == "Sure, let me"
    assert "get_order_status" in items[3]["content"][0]["text"]


def test_idle_policy_reminds_then_ends():
    policy = IdlePolicy(5, 2, "Still there?")
    assert [policy.next_action() for _ in range(3)] == ["remind", "remind", "end"]
    policy.caller_active()
    assert policy.next_action() == "remind"
    assert IdlePolicy(5, 0, "x").next_action() == "end"
    assert not IdlePolicy(None, 2, "x").enabled


def test_audio_frame_checks():
    check_audio_frame(b"\x00\x00" * 480)
    for frame, code in [
        (b"", "empty_audio_frame"),
        (b"\x00" * 3, "bad_audio_length"),
        (b"\x00" * (MAX_CLIENT_FRAME_BYTES + 2), "frame_too_large"),
    ]:
        with pytest.raises(ClientInputError) as exc:
            check_audio_frame(frame)
        assert exc.value.code == code


def test_parse_control_normalises_messages():
    start = parse_control(
        '{"type": "session.start", "variables": {"name": "Ann", "n": 3}}'
    )
    assert start == {
        "type": "session.start",
        "variables": {"name": "Ann", "n": "3"},
        "push_to_talk": False,
        "debug": False,
    }
    assert (
        parse_control('{"type": "playback", "item_id": "i", "played_ms": 5}')[
            "played_ms"
        ]
        == 5
    )
    for text, code in [
        (
            '{"type": "session.start", "variables": {"bad name": "x"}}',
            "invalid_variables",
        ),
        (
            '{"type": "session.start", "variables": {"a": {"b": 1}}}',
            "invalid_variables",
        ),
        ('{"type": "session.start", "push_to_talk": "yes"}', "invalid_field"),
        ('{"type": "playback", "item_id": "i", "played_ms": true}', "invalid_field"),
        ('{"type": "text", "text": 5}', "invalid_field"),
        ("x" * 20_000, "message_too_large"),
    ]:
        with pytest.raises(ClientInputError) as exc:
            parse_control(text)
        assert exc.value.code == code


def test_rate_limiter_windows():
    limiter = RateLimiter(limit=3)
    assert [limiter.allow(0.1) for _ in range(4)] == [True, True, True, False]
    assert limiter.dropped == 1
    assert limiter.allow(1.2)  # a new window
