"""The preview page in stock Firefox ESR (headless, WebDriver BiDi): microphone capture
through the worklet, a typed question answered from the right snippet and heard, and the
session stored. The server side is the same daphne + offline engine as the chromium tests."""

import json
import re

import pytest

from botbuilder import demo
from tests.browser.firefox import running_firefox

pytestmark = pytest.mark.browser

QUESTION = "what are your opening hours"
SNIPPET = next(s for s in demo.SNIPPETS if s["title"] == "Opening hours")
ANSWER_RE = r"monday to friday"  # the engine answers with the snippet's own words
MIN_OUTPUT_RMS = 0.01  # assistant speech is around 0.1; silence (or no audio) is 0


def open_preview(browser, server) -> None:
    """Log in with the staff session cookie and load the demo bot's preview page."""
    browser.set_viewport(1440, 1000)
    browser.set_cookie(name="sessionid", value=server.cookie, domain="127.0.0.1")
    browser.navigate(f"{server.url}/admin/botbuilder/bot/{server.bot_id}/preview/")
    assert browser.evaluate("location.pathname").endswith("/preview/"), (
        "not logged in: the cookie was not sent"
    )
    assert browser.wait_until(
        "window.previewState && !document.querySelector('#pv-start').disabled", 10
    ), "the preview page's script did not load"


def wait_for(browser, server, condition: str, timeout_s: float, what: str) -> None:
    """Wait until `condition` (JS over `s` = window.previewState) holds."""
    if browser.wait_until(
        f"(() => {{ const s = window.previewState; return {condition}; }})()", timeout_s
    ):
        return
    state = browser.evaluate("window.previewState")
    raise AssertionError(
        f"timed out after {timeout_s} s waiting for {what}; page state: "
        f"{json.dumps(state)[:3000]}\n---- daphne log ----\n{server.log_tail(3000)}"
    )


def test_firefox_captures_the_microphone_and_answers_a_typed_question(
    preview_server, firefox, screenshot
):
    assert re.search(ANSWER_RE, SNIPPET["content"], re.I)
    open_preview(firefox, preview_server)

    firefox.click("#pv-start")  # open microphone, the default mode
    wait_for(firefox, preview_server, "s.status === 'live'", 15, "session.started")
    wait_for(
        firefox,
        preview_server,
        "s.micLabel !== '' && s.framesSent > 0",
        10,
        "captured microphone frames being sent",
    )
    mic_label = firefox.evaluate("window.previewState.micLabel")
    assert firefox.wait_until(
        "parseFloat(document.querySelector('#pv-mic-level').style.width) > 0", 5
    ), "the captured frames are silent: the fake microphone's tone did not come through"

    firefox.click("#pv-text")
    firefox.type_text(QUESTION)
    firefox.press_enter()
    wait_for(
        firefox,
        preview_server,
        f"s.userTexts.includes({json.dumps(QUESTION)})",
        10,
        "the typed question in the transcript",
    )
    wait_for(
        firefox,
        preview_server,
        f"s.assistantTexts.some(t => /{ANSWER_RE}/i.test(t))",
        20,
        "the bot's answer",
    )
    state = firefox.evaluate("window.previewState")
    answer_item = next(
        i for i, t in state["assistantItems"].items() if re.search(ANSWER_RE, t, re.I)
    )
    wait_for(
        firefox,
        preview_server,
        f"(s.maxRmsByItem[{json.dumps(answer_item)}] || 0) > {MIN_OUTPUT_RMS}",
        20,
        "the answer's audio being played (non-silent)",
    )
    screenshot(firefox, "conversation")

    shown = firefox.evaluate("document.querySelector('#pv-transcript').innerText")
    assert QUESTION in shown.lower()
    assert re.search(ANSWER_RE, shown, re.I), shown
    state = firefox.evaluate("window.previewState")
    assert state["framesSent"] > 0 and mic_label, "the microphone audio was not sent"
    assert state["samplesPlayed"] > 0, "no assistant audio was played"
    assert state["maxOutputRms"] > MIN_OUTPUT_RMS
    assert not state["errors"], state["errors"]
    assert state["audioState"] == "running"

    firefox.click("#pv-stop")
    wait_for(firefox, preview_server, "s.ended !== null", 15, "session.ended")
    state = firefox.evaluate("window.previewState")
    stored = preview_server.stored(state["sessionId"])
    assert stored["session"] is not None, "the session was not stored"
    assert stored["session"]["bot_id"] == preview_server.bot_id
    users = [i["text"] for i in stored["items"] if i["role"] == "user"]
    answers = [i["text"] for i in stored["items"] if i["role"] == "assistant"]
    assert QUESTION in users, stored["items"]
    assert any(re.search(ANSWER_RE, t, re.I) for t in answers), stored["items"]


def test_firefox_without_sound_output_says_audio_has_not_started(
    preview_server, tmp_path, screenshot
):
    # No sound server: Firefox leaves the AudioContext suspended, so no worklet runs.
    with running_firefox(tmp_path / "firefox", sound_output=False) as browser:
        open_preview(browser, preview_server)
        browser.click("#pv-start")
        wait_for(browser, preview_server, "s.status === 'live'", 15, "session.started")
        wait_for(
            browser,
            preview_server,
            "s.warnings.some(w => /audio has not started/.test(w))",
            5,
            "the warning that audio is not running",
        )
        screenshot(browser, "no-sound-output")
        shown = browser.evaluate("document.querySelector('#pv-messages').innerText")
        state = browser.evaluate("window.previewState")
        assert "audio has not started" in shown
        assert state["audioState"] == "suspended"
        assert state["framesSent"] == 0
        browser.click("#pv-stop")
        wait_for(browser, preview_server, "s.ended !== null", 15, "session.ended")
