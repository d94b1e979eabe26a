"""The stored session page, the dashboard and the preview's engine label in chromium."""

import json
import subprocess
import sys

import pytest

from tests.browser.harness import REPO_DIR, free_port
from tests.browser.test_preview_page import open_preview, page_state, wait_for

pytestmark = pytest.mark.browser


def ux_setup(server, *args: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "tests.browser.ux_setup", *args],
        cwd=REPO_DIR,
        env=server.env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def stored(preview_server) -> dict:
    """A recorded session and a week of history on the shared server."""
    return ux_setup(preview_server, "history")


@pytest.fixture
def echo_url():
    """The echo upstream (bench/echo_upstream.py) in a process of its own."""
    port = free_port()
    echo = subprocess.Popen(
        [sys.executable, "-m", "bench.echo_upstream", "--port", str(port)],
        cwd=REPO_DIR,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert "echo upstream on" in echo.stdout.readline()
        yield f"ws://127.0.0.1:{port}/v1"
    finally:
        echo.terminate()
        echo.wait(timeout=10)


def console_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def test_session_page_shows_the_conversation_first_and_seeks_the_recording(
    preview_server, stored, launch_browser, speech, screenshot
):
    _, page = launch_browser(speech.build(("pause", 0.5)), preview_server)
    errors = console_errors(page)
    url = (
        f"{preview_server.url}/admin/botbuilder/session/{stored['session_id']}/change/"
    )
    assert page.goto(url).status == 200
    conversation = page.locator("#ss-conversation")
    config = page.locator("fieldset").filter(has_text="Configuration sent to the model")
    assert conversation.bounding_box()["y"] < config.bounding_box()["y"]
    assert not page.get_by_text("Be brief. Be brief.").first.is_visible()  # collapsed
    lines = page.locator(".ss-line")
    assert lines.count() == 5
    assert lines.nth(1).locator(".ss-clock").inner_text() == "00:03"
    cut = lines.nth(3)
    assert "Your order ships tomorrow" in cut.locator(".ss-text").inner_text()
    assert cut.locator("del.ss-unheard").inner_text() == "and should arrive by Friday."
    assert "typed" in lines.nth(4).locator(".ss-speaker").inner_text()
    assert "get_order_status" in lines.nth(2).inner_text()

    page.wait_for_function("document.getElementById('ss-audio').readyState >= 1")
    assert page.evaluate(
        "document.getElementById('ss-audio').duration"
    ) == pytest.approx(12, abs=0.1)
    cut.click()
    assert page.evaluate("document.getElementById('ss-audio').currentTime") >= 6.0
    page.wait_for_function("document.querySelector('.ss-line.ss-playing')")
    assert page.locator(".ss-line.ss-playing").get_attribute("data-seq") == "3"
    # Moving the player moves the highlight: 3.5 s is the caller's question.
    page.evaluate(
        "() => { const a = document.getElementById('ss-audio'); a.pause(); a.currentTime = 3.5; }"
    )
    page.wait_for_function(
        "document.querySelector('.ss-line.ss-playing')?.dataset.seq === '1'"
    )
    # From the keyboard: Enter on the tool call's line plays from 5.2 s.
    lines.nth(2).focus()
    page.keyboard.press("Enter")
    assert page.evaluate(
        "document.getElementById('ss-audio').currentTime"
    ) == pytest.approx(5.2, abs=0.3)
    screenshot(page, "session")
    assert errors == []


def test_dashboard_draws_the_charts(
    preview_server, stored, launch_browser, speech, screenshot
):
    _, page = launch_browser(speech.build(("pause", 0.5)), preview_server)
    errors = console_errors(page)
    url = (
        f"{preview_server.url}/admin/botbuilder/session/dashboard/"
        f"?since={stored['since']}&until={stored['until']}"
        # Only the seeded bots: other tests on this server add sessions of their own.
        + "".join(f"&bots={bot_id}" for bot_id in stored["bot_ids"])
    )
    assert page.goto(url).status == 200
    for chart in (
        "#db-sessions",
        "#db-minutes",
        "#db-cost",
        "#db-estimate",
        "#db-latency",
    ):
        svg = page.locator(f"{chart} svg.chart")
        assert svg.is_visible(), chart
        assert svg.bounding_box()["width"] > 300
    assert page.locator("#db-sessions rect.bar").count() == 7  # every day of the week
    assert page.locator("#db-latency polyline").count() == 4  # 2 bots × p50, p95
    assert "Appears once post-call analysis" in page.locator("#db-success").inner_text()
    # The bot filter narrows the charts to one bot.
    page.locator("#id_bots option").first.click()
    with page.expect_navigation():
        page.get_by_role("button", name="Show").click()
    assert page.locator("#id_bots option:checked").count() == 1
    assert page.locator("#db-latency polyline").count() == 2
    page.goto(url)
    screenshot(page, "dashboard")
    assert errors == []


def test_preview_names_the_engine_from_session_started(
    preview_server, launch_browser, speech, screenshot
):
    _, page = launch_browser(speech.build(("pause", 0.5)), preview_server)
    bot_id = preview_server.quiet_bot_id
    page.goto(f"{preview_server.url}/admin/botbuilder/bot/{bot_id}/preview/")
    page.wait_for_selector("#pv-start:not([disabled])")
    engine = page.locator("#pv-engine")
    assert engine.get_attribute("data-source") == "settings"
    page.select_option("#pv-mode", "text")
    page.click("#pv-start")
    page.wait_for_selector("#pv-engine[data-source='session']", timeout=15_000)
    assert engine.inner_text() == "offline rehearsal engine"
    assert page.locator("#pv-cost-note").inner_text().startswith("estimate on")
    assert page.locator("#pv-cost-actual").is_visible()
    screenshot(page, "preview-engine")
    page.click("#pv-stop")


def test_text_only_bot_is_not_played(preview_server, echo_url, launch_browser, speech):
    bot_id = ux_setup(preview_server, "text-bot", echo_url)["bot_id"]
    _, page = launch_browser(speech.build(("pause", 0.5)), preview_server)
    open_preview(page, preview_server, bot_id)
    page.select_option("#pv-mode", "text")
    page.click("#pv-start")
    wait_for(page, "s.status === 'live'", 15, "session.started")
    page.fill("#pv-text", "hello")
    page.press("#pv-text", "Enter")
    wait_for(page, "s.assistantTexts.some(t => /You said/.test(t))", 15, "the reply")
    wait_for(page, "s.audioFramesReceived > 0", 15, "the echo's audio frame")
    page.click("#pv-stop")
    wait_for(page, "s.ended !== null", 15, "session.ended")
    state = page_state(page)
    assert state["samplesPlayed"] == 0 and state["playedItems"] == []


def test_failed_session_banner_is_not_green(preview_server, launch_browser, speech):
    bot_id = ux_setup(preview_server, "broken-bot")["bot_id"]
    _, page = launch_browser(speech.build(("pause", 0.5)), preview_server)
    open_preview(page, preview_server, bot_id)
    page.select_option("#pv-mode", "text")
    page.click("#pv-start")
    banner = page.locator("#pv-ended[data-status='failed']")
    banner.wait_for(timeout=20_000)
    colour = banner.evaluate("el => getComputedStyle(el).backgroundColor")
    success = page.evaluate(
        """() => { const probe = document.createElement('div');
        probe.style.background = 'var(--message-success-bg)';
        document.body.append(probe);
        return getComputedStyle(probe).backgroundColor; }"""
    )
    error = page.evaluate(
        """() => { const probe = document.createElement('div');
        probe.style.background = 'var(--message-error-bg)';
        document.body.append(probe);
        return getComputedStyle(probe).backgroundColor; }"""
    )
    assert colour == error != success
    # The bot records, but nothing was said: no recording is offered.
    links = page.locator("#pv-ended-links").inner_text()
    assert "TXT" in links and "WAV" not in links
