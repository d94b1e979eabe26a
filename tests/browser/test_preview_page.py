"""The preview page end to end: headless chromium with a spoken fake microphone, the real
ASGI app in daphne, the relay and the offline engine; the stored session is read back."""

import json
import re

import pytest

from botbuilder import demo
from botbuilder.assembly.variables import fill

pytestmark = pytest.mark.browser

QUESTION = "what are your opening hours"
ANSWER_RE = r"monday to friday"
# The demo bot's greeting as spoken: the fake microphone stays quiet while it plays.
GREETING = fill(
    demo.BOT["greeting"], {k: str(v) for k, v in demo.BOT["variable_defaults"].items()}
)
GREETING_MARGIN_S = 1.5  # the greeting starts a little after session.started
# Second utterance of the barge-in test, after the question: the answer has begun by then
# (turn detection ~0.5 s + recognition + first audio) and lasts about 10 s.
BARGE_IN_AFTER_QUESTION_S = 3.0
OVERLAP_QUESTION = "how much does shipping cost"
MIN_OUTPUT_RMS = 0.01  # assistant speech is around 0.1; silence (or no audio) is 0


def open_preview(page, server, bot_id: int) -> None:
    response = page.goto(f"{server.url}/admin/botbuilder/bot/{bot_id}/preview/")
    assert response is not None and response.status == 200, (
        "the preview page did not load"
    )
    page.wait_for_selector("#pv-start:not([disabled])")


def page_state(page) -> dict:
    return page.evaluate("() => window.previewState")


def wait_for(page, condition: str, timeout_s: float, what: str) -> None:
    """Wait until `condition` (JS over `s` = window.previewState) holds."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(
            f"() => {{ const s = window.previewState; return {condition}; }}",
            timeout=timeout_s * 1000,
        )
    except PlaywrightTimeout:
        state = page_state(page)
        raise AssertionError(
            f"timed out after {timeout_s} s waiting for {what}; page state: {json.dumps(state)[:3000]}"
        ) from None


def end_session(page) -> dict:
    page.click("#pv-stop")
    wait_for(page, "s.ended !== null", 15, "session.ended")
    return page_state(page)


def test_spoken_question_is_answered_from_the_right_snippet(
    preview_server, launch_browser, speech, screenshot
):
    lead_s = speech.duration_s(GREETING) + GREETING_MARGIN_S
    wav = speech.build(("pause", lead_s), ("say", QUESTION), ("pause", 2.0))
    _, page = launch_browser(wav, preview_server)
    open_preview(page, preview_server, preview_server.bot_id)

    page.click("#pv-start")
    wait_for(page, "s.status === 'live'", 15, "session.started")
    wait_for(
        page,
        "s.userTexts.some(t => /opening hours/i.test(t))",
        30,
        "the caller's transcript",
    )
    wait_for(
        page,
        f"s.assistantTexts.some(t => /{ANSWER_RE}/i.test(t))",
        30,
        "the bot's answer",
    )
    answer_item = next(
        i
        for i, t in page_state(page)["assistantItems"].items()
        if re.search(ANSWER_RE, t, re.I)
    )
    wait_for(
        page,
        f"(s.maxRmsByItem[{json.dumps(answer_item)}] || 0) > {MIN_OUTPUT_RMS}",
        20,
        "the answer's audio being played (non-silent)",
    )
    page.wait_for_timeout(1500)  # let the latency row and a bit more audio come in
    screenshot(page, "conversation")

    shown = page.inner_text("#pv-transcript").lower()
    assert "opening hours" in shown
    assert re.search(ANSWER_RE, shown)
    state = page_state(page)
    assert state["framesSent"] > 25, "the microphone audio was not sent"
    assert state["maxOutputRms"] > MIN_OUTPUT_RMS
    assert state["latencies"], "no browser-measured latency for the answer"

    state = end_session(page)
    screenshot(page, "ended")
    admin_link = page.locator("#pv-ended-links > a")
    assert admin_link.get_attribute("href") == state["ended"]["admin_url"] != ""
    assert page.request.get(preview_server.url + state["ended"]["admin_url"]).ok
    txt_link = page.locator(".pv-exports a", has_text="TXT")
    export = page.request.get(preview_server.url + txt_link.get_attribute("href"))
    assert export.ok, export.status
    assert re.search(ANSWER_RE, export.text(), re.I), export.text()[:500]

    stored = preview_server.stored(state["sessionId"])
    assert stored["session"] is not None, "the session was not stored"
    assert stored["session"]["bot_id"] == preview_server.bot_id
    users = [i["text"] for i in stored["items"] if i["role"] == "user"]
    answers = [i["text"] for i in stored["items"] if i["role"] == "assistant"]
    assert any("opening hours" in t.lower() for t in users), stored["items"]
    assert any(re.search(ANSWER_RE, t, re.I) for t in answers), stored["items"]


def test_caller_interrupting_the_answer_stores_what_was_heard(
    preview_server, launch_browser, speech, screenshot
):
    wav = speech.build(
        ("pause", 1.0),
        ("say", QUESTION),
        ("pause", BARGE_IN_AFTER_QUESTION_S),
        ("say", OVERLAP_QUESTION),
        ("pause", 2.0),
    )
    _, page = launch_browser(wav, preview_server)
    open_preview(page, preview_server, preview_server.quiet_bot_id)

    page.click("#pv-start")
    wait_for(page, "s.status === 'live'", 15, "session.started")
    wait_for(
        page,
        "s.playbackReports.length > 0",
        30,
        "the server's playback.flush (barge-in)",
    )
    wait_for(
        page,
        "document.querySelector('.pv-interrupted .pv-unheard') !== null",
        15,
        "the interrupted reply shown cut",
    )
    screenshot(page, "barge-in")
    report = page_state(page)["playbackReports"][0]
    assert report["played_ms"] > 0, (
        "nothing of the answer was played before the interruption"
    )

    state = end_session(page)
    stored = preview_server.stored(state["sessionId"])
    interrupted = [
        i for i in stored["items"] if i["role"] == "assistant" and i["interrupted"]
    ]
    assert interrupted, f"no interrupted assistant item stored: {stored['items']}"
    item = interrupted[0]
    assert re.search(ANSWER_RE, item["text"], re.I), item
    assert len(item["heard_text"]) < len(item["text"]), item


def test_typed_message_with_tool_call_is_shown_inline_and_stored(
    preview_server, launch_browser, speech, screenshot
):
    wav = speech.build(("pause", 1.0))  # text only: the microphone is never opened
    _, page = launch_browser(wav, preview_server)
    open_preview(page, preview_server, preview_server.quiet_bot_id)

    page.select_option("#pv-mode", "text")
    page.click("#pv-start")
    wait_for(page, "s.status === 'live'", 15, "session.started")
    page.fill("#pv-text", "what is the status of order one two three")
    page.press("#pv-text", "Enter")
    wait_for(
        page,
        "document.querySelector('.pv-tool.pv-tool-ok') !== null",
        20,
        "the tool call shown with its result",
    )
    wait_for(page, "s.assistantTexts.length > 0", 20, "the bot's answer")
    screenshot(page, "tool-call")

    tool = page.locator(".pv-tool").first
    assert tool.locator(".pv-tool-name").inner_text() == "get_order_status"
    assert "123" in tool.locator(".pv-tool-args pre").inner_text()
    assert tool.locator(".pv-tool-status").inner_text() == "ok"
    assert re.search(r"\d+ ms", tool.locator(".pv-meta").inner_text())
    state = page_state(page)
    assert state["userTexts"] == ["what is the status of order one two three"]
    assert state["framesSent"] == 0
    # The model's rate limits (rate_limits.updated) are shown in the cost panel.
    limits = page.locator("#pv-rate-limits")
    assert limits.is_visible() and "Rate limits: requests" in limits.inner_text()

    state = end_session(page)
    stored = preview_server.stored(state["sessionId"])
    assert [i["text"] for i in stored["items"] if i["role"] == "user"] == [
        "what is the status of order one two three"
    ]
    assert any(i["tool_name"] == "get_order_status" for i in stored["items"]), stored[
        "items"
    ]


def test_push_to_talk_question_is_answered(preview_server, launch_browser, speech):
    question_s = speech.duration_s(QUESTION)
    wav = speech.build(("pause", 0.5), ("say", QUESTION), ("pause", 3.0))
    _, page = launch_browser(wav, preview_server)
    open_preview(page, preview_server, preview_server.quiet_bot_id)

    page.select_option("#pv-mode", "ptt")
    page.click("#pv-start")
    wait_for(page, "s.status === 'live' && s.micLabel !== ''", 15, "the microphone")
    page.keyboard.down("Space")  # hold to talk (the button has the focus)
    page.wait_for_timeout((0.5 + question_s + 0.4) * 1000)
    page.keyboard.up("Space")
    wait_for(
        page,
        "s.userTexts.some(t => /opening hours/i.test(t))",
        20,
        "the caller's transcript",
    )
    wait_for(
        page, f"s.assistantTexts.some(t => /{ANSWER_RE}/i.test(t))", 20, "the answer"
    )
    state = page_state(page)
    assert state["framesSent"] > 0 and not state["errors"], state["errors"]
