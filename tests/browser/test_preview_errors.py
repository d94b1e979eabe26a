"""The preview page's messages when something goes wrong (headless chromium, real server)."""

import pytest

from tests.browser.test_preview_page import open_preview, page_state, wait_for

pytestmark = pytest.mark.browser


def test_denied_microphone_is_explained_and_typing_still_works(
    preview_server, launch_browser, speech
):
    wav = speech.build(("pause", 1.0))
    _, page = launch_browser(wav, preview_server, allow_microphone=False)
    open_preview(page, preview_server, preview_server.quiet_bot_id)

    page.click("#pv-start")
    wait_for(page, "s.errors.length > 0", 15, "the microphone error")
    assert "Microphone permission denied" in page.inner_text("#pv-messages")
    assert page_state(page)["status"] == "live", "the session should go on for typing"
    page.fill("#pv-text", "what are your opening hours")
    page.press("#pv-text", "Enter")
    wait_for(
        page,
        "s.assistantTexts.some(t => /monday to friday/i.test(t))",
        20,
        "the typed question's answer",
    )
    assert page_state(page)["framesSent"] == 0


def test_lost_connection_is_reported(disposable_server, launch_browser, speech):
    wav = speech.build(("pause", 1.0))
    _, page = launch_browser(wav, disposable_server)
    open_preview(page, disposable_server, disposable_server.quiet_bot_id)
    page.select_option("#pv-mode", "text")
    page.click("#pv-start")
    wait_for(page, "s.status === 'live'", 15, "session.started")

    disposable_server.process.kill()  # the server goes away mid-session
    wait_for(page, "s.status === 'failed'", 15, "the page noticing the lost connection")
    assert "connection to the server was lost" in page.inner_text("#pv-messages")
    assert page.is_enabled("#pv-start"), "the caller can start again"
    assert not page.is_enabled("#pv-text")
