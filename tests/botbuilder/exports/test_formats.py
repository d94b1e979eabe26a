"""Format rules beyond the golden files: CSV columns, strict captions, chat-messages JSONL."""

import csv
import io
import json
from datetime import UTC, datetime

import pytest

from botbuilder.exports.data import ItemData, SessionData
from botbuilder.exports.render_captions import caption_cues, render_srt, render_vtt
from botbuilder.exports.render_csv import CSV_COLUMNS
from botbuilder.exports.render_jsonl import render_jsonl
from botbuilder.exports.render_text import render_md, render_txt
from botbuilder.exports.services import session_export
from tests.botbuilder.exports.caption_parser import CaptionError, parse_srt, parse_vtt

SESSION = SessionData(
    id="s1", bot_slug="b", bot_name="Bot", started_at=datetime(2026, 1, 1, tzinfo=UTC)
)


def _text(chunks) -> str:
    return "".join(chunks)


def _export(session, fmt, redact=False) -> str:
    return b"".join(session_export(session=session, fmt=fmt, redact=redact)).decode()


def test_csv_reads_back_with_the_right_columns(golden_session):
    rows = list(csv.DictReader(io.StringIO(_export(golden_session, "csv"), newline="")))
    assert tuple(rows[0].keys()) == CSV_COLUMNS
    assert [int(r["seq"]) for r in rows] == list(range(9))
    assert rows[1]["text"].startswith("Hi, I'm calling") and "Grüße" in rows[1]["text"]
    tool = rows[3]
    assert (tool["tool"], json.loads(tool["arguments"])) == (
        "get_order_status",
        {"order_number": "4567"},
    )
    assert "東京" in tool["result"]
    cut = rows[4]
    assert (
        cut["interrupted"] == "true"
        and cut["heard_text"] == "Your order 4567 ships tomorrow and should"
    )
    assert rows[7]["end_ms"] == "" and rows[8]["start_ms"] == ""


@pytest.mark.parametrize(
    "typed",
    [
        '=HYPERLINK("https://evil.example","x")',
        "+1+1",
        "-2+3",
        "@SUM(A1)",
        "\tx",
        "\rx",
    ],
)
def test_csv_cells_never_start_a_formula(golden_session, typed):
    golden_session.items.filter(seq=1).update(text=typed, heard_text=typed)
    golden_session.items.filter(seq=3).update(tool_result=typed)
    rows = list(csv.DictReader(io.StringIO(_export(golden_session, "csv"), newline="")))
    for cell in (rows[1]["text"], rows[1]["heard_text"], rows[3]["result"]):
        assert cell == "'" + typed
    jsonl = _export(golden_session, "json")
    assert json.dumps(typed) in jsonl  # JSON keeps the exact text


def test_csv_keeps_newlines_and_quotes_inside_a_cell(golden_session):
    golden_session.items.filter(seq=2).update(text='Line one\nline "two", three')
    rows = list(csv.DictReader(io.StringIO(_export(golden_session, "csv"), newline="")))
    assert rows[2]["text"] == 'Line one\nline "two", three'
    assert len(rows) == 9


def test_vtt_and_srt_pass_the_strict_parser(golden_session):
    vtt = parse_vtt(_export(golden_session, "vtt"))
    srt = parse_srt(_export(golden_session, "srt"))
    assert len(vtt) == len(srt) == 7
    assert [c[:2] for c in vtt] == [c[:2] for c in srt]
    assert vtt[3][2] == "<v Bot>Your order 4567 ships tomorrow and should"
    assert srt[1][2].startswith("Caller: Hi, I'm calling")


@pytest.mark.parametrize(
    "bad",
    [
        "WEBVTT\n\n00:00:02.000 --> 00:00:01.000\n<v Bot>backwards\n",
        "WEBVTT\n\n00:00:05.000 --> 00:00:06.000\n<v Bot>a\n\n00:00:01.000 --> 00:00:02.000\n<v Bot>b\n",
        "WEBVTT\n\n00:00:01,000 --> 00:00:02,000\n<v Bot>comma\n",
        "WEBVTT\n\n0:00:01.000 --> 00:00:02.000\n<v Bot>short hours\n",
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Bot>a < b\n",
        "NOT VTT\n",
    ],
)
def test_strict_vtt_parser_rejects_faulty_files(bad):
    with pytest.raises(CaptionError):
        parse_vtt(bad)


def test_strict_srt_parser_rejects_bad_numbering():
    with pytest.raises(CaptionError):
        parse_srt("2\n00:00:01,000 --> 00:00:02,000\nBot: hi\n\n")


def test_captions_escape_markup_and_drop_blank_lines():
    items = [
        ItemData(
            seq=0, role="user", text="a <b> & c\n\n-->\nd", started_ms=0, ended_ms=900
        )
    ]
    cues = parse_vtt(_text(render_vtt(SESSION, items)))
    assert cues == [(0, 900, "<v Caller>a &lt;b&gt; &amp; c\n--&gt;\nd")]
    srt = _text(render_srt(SESSION, items))
    text = parse_srt(srt)[0][2]
    assert "<b>" not in srt and srt.count("-->") == 1  # the timing line's only
    assert text.replace("\u200b", "") == "Caller: a <b> & c\n-->\nd"  # reads the same


def test_srt_neutralises_tags_and_position_overrides():
    items = [
        ItemData(
            seq=0,
            role="user",
            text="<i>x</i> <font color=red>y</font> {\\an8}z",
            started_ms=0,
            ended_ms=900,
        )
    ]
    srt = _text(render_srt(SESSION, items))
    for markup in ("<i>", "</i>", "<font", "{\\an8}"):
        assert markup not in srt


def test_a_cue_ends_where_the_next_one_starts_at_a_barge_in():
    items = [  # the caller's start was recorded before the bot's reply was cut
        ItemData(
            seq=0,
            role="assistant",
            text="Your order ships tomorrow and",
            interrupted=True,
            heard_text="Your order ships tomorrow and",
            started_ms=1000,
            ended_ms=3400,
        ),
        ItemData(seq=1, role="user", text="Wait", started_ms=3100, ended_ms=3900),
        ItemData(seq=2, role="assistant", text="Yes?", started_ms=4200, ended_ms=5000),
    ]
    cues = caption_cues(items)
    assert [(c.start_ms, c.end_ms) for c in cues] == [
        (1000, 3100),
        (3100, 3900),
        (4200, 5000),
    ]
    parse_srt(_text(render_srt(SESSION, items)))
    parse_vtt(_text(render_vtt(SESSION, items)))


def test_captions_skip_untimed_items_and_estimate_missing_ends():
    items = [
        ItemData(seq=0, role="user", text="no timing at all"),
        ItemData(
            seq=1, role="assistant", text="x" * 100, started_ms=1000
        ),  # 7 s estimate
        ItemData(seq=2, role="user", text="soon after", started_ms=3000, ended_ms=4000),
        ItemData(seq=3, role="assistant", text="ok", started_ms=5000, ended_ms=5000),
        ItemData(
            seq=4, role="tool", kind="function_call", tool_name="t", started_ms=6000
        ),
        ItemData(
            seq=5,
            role="assistant",
            text="cut",
            interrupted=True,
            heard_text="",
            started_ms=7000,
        ),
    ]
    cues = caption_cues(items)
    assert [(c.start_ms, c.end_ms) for c in cues] == [
        (1000, 3000),
        (3000, 4000),
        (5000, 6000),
    ]
    parse_vtt(_text(render_vtt(SESSION, items)))


def test_captions_are_sorted_by_time_when_seq_order_differs():
    items = [
        ItemData(seq=0, role="assistant", text="later", started_ms=5000, ended_ms=6000),
        ItemData(seq=1, role="user", text="earlier", started_ms=1000, ended_ms=2000),
    ]
    assert [c.text for c in caption_cues(items)] == ["earlier", "later"]
    parse_srt(_text(render_srt(SESSION, items)))


def test_captions_past_an_hour_keep_two_digit_hours():
    items = [
        ItemData(
            seq=0, role="user", text="late", started_ms=3_723_004, ended_ms=3_724_000
        )
    ]
    assert "01:02:03.004 --> 01:02:04.000" in _text(render_vtt(SESSION, items))


def test_jsonl_line_follows_the_chat_messages_shape(golden_session):
    lines = _export(golden_session, "jsonl").splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert set(record) == {"messages", "metadata"}
    messages = record["messages"]
    assert messages[0] == {
        "role": "system",
        "content": "You are the support line of Acme. Be brief and friendly.",
    }
    for message in messages:
        assert message["role"] in {"system", "user", "assistant", "tool"}
        if message["role"] == "tool":
            assert set(message) == {"role", "tool_call_id", "content"}
        for call in message.get("tool_calls", []):
            assert call["type"] == "function"
            json.loads(call["function"]["arguments"])
    calls = [m for m in messages if m.get("tool_calls")]
    assert calls[0]["content"] == "Let me look that up for you."
    tool_message = messages[messages.index(calls[0]) + 1]
    assert (
        tool_message["tool_call_id"] == calls[0]["tool_calls"][0]["id"] == "call_7f3a"
    )
    assert {
        "role": "assistant",
        "content": "Your order 4567 ships tomorrow and should",
    } in messages
    assert record["metadata"]["session_id"] == str(golden_session.pk)


def test_jsonl_without_instructions_has_no_system_message_and_own_call_ids():
    session = SessionData(
        id="s",
        bot_slug="",
        bot_name="x",
        started_at=SESSION.started_at,
        config_snapshot={"type": "session.update"},
    )
    items = [
        ItemData(seq=0, role="user", text="hi"),
        ItemData(
            seq=1,
            role="tool",
            kind="function_call",
            tool_name="lookup",
            tool_arguments=None,
        ),
        ItemData(seq=2, role="user", text=""),
    ]
    record = json.loads(_text(render_jsonl(session, items)))
    assert record["messages"] == [
        {"role": "user", "content": "hi"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "lookup", "arguments": "{}"},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "call_1", "content": ""},
    ]
    assert record["metadata"]["bot"] is None


def test_readable_formats_mark_a_reply_cut_before_anything_was_heard():
    items = [
        ItemData(
            seq=0, role="assistant", text="Hello there", interrupted=True, started_ms=0
        )
    ]
    assert "(interrupted before anything was heard) [cut off" in _text(
        render_txt(SESSION, items)
    )
    assert "~~Hello there~~" in _text(render_md(SESSION, items))


def test_markdown_escapes_formatting_in_what_people_said():
    items = [ItemData(seq=0, role="user", text="*bold* <script> | _x_", started_ms=0)]
    assert r"\*bold\* \<script\> \| \_x\_" in _text(render_md(SESSION, items))
