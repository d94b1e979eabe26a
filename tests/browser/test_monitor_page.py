"""The live monitor page in headless chromium, against the shared daphne server.

The bot's model is the echo upstream, run in this process; a websocket client plays the
caller while a staff user watches the session in the admin's live monitor.
"""

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from websockets.asyncio.client import connect

from bench.echo_upstream import serve_echo, server_port
from tests.browser.harness import CHROMIUM_ARGS, CHROMIUM_PATH, LiveServer

pytestmark = pytest.mark.browser
WAIT_MS = 10_000
CHROMIUM_PRESENT = Path(CHROMIUM_PATH).exists()


@pytest.fixture
async def echo_bot_id(preview_server: LiveServer) -> AsyncIterator[int]:
    """Id of a bot on `preview_server` whose model is the echo upstream (running)."""
    echo = await serve_echo()
    url = f"ws://127.0.0.1:{server_port(echo)}/v1"
    seeded = await asyncio.to_thread(preview_server.manage, "echo-bot", url)
    try:
        yield seeded["bot_id"]
    finally:
        echo.close()
        await echo.wait_closed()


async def next_event(websocket, etype: str) -> dict:
    async with asyncio.timeout(WAIT_MS / 1000):
        while True:
            message = await websocket.recv()
            if isinstance(message, str) and json.loads(message)["type"] == etype:
                return json.loads(message)


async def test_live_page_shows_stored_then_live_transcript_and_ends_the_session(
    preview_server: LiveServer, echo_bot_id: int
):
    from playwright.async_api import async_playwright

    if not CHROMIUM_PRESENT:
        pytest.fail(
            f"{CHROMIUM_PATH} is missing: run `bash scripts/install-browsers.sh`."
        )
    base, cookie = preview_server.url, preview_server.cookie
    ws_url = base.replace("http", "ws") + f"/ws/bots/{echo_bot_id}/session/"
    headers = {"Cookie": f"sessionid={cookie}"}
    async with connect(ws_url, origin=base, additional_headers=headers) as caller:
        await caller.send(json.dumps({"type": "session.start"}))
        session_id = (await next_event(caller, "session.started"))["session_id"]
        await caller.send(json.dumps({"type": "text", "text": "first message"}))
        await next_event(caller, "usage")

        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS
            )
            context = await browser.new_context()
            await context.add_cookies(
                [{"name": "sessionid", "value": cookie, "url": base}]
            )
            page = await context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))

            await page.goto(f"{base}/admin/live-sessions/")
            row = page.locator(f'tr[data-session-id="{session_id}"]')
            assert "Echo bot" in await row.inner_text()
            await row.get_by_role("link", name="Live transcript").click()
            connection = page.locator("#monitor-connection")
            await connection.filter(has_text="Live.").wait_for(timeout=WAIT_MS)
            transcript = page.locator("#monitor-transcript")
            assert "You said: first message" in await transcript.inner_text()

            await caller.send(json.dumps({"type": "text", "text": "second message"}))
            await transcript.filter(has_text="You said: second message").wait_for(
                timeout=WAIT_MS
            )
            assert (await transcript.inner_text()).count("You said: first message") == 1
            assert await page.locator("#monitor-turns").inner_text() == "2"

            await page.get_by_role("button", name="End session").click()
            await page.wait_for_url(f"{base}/admin/live-sessions/", timeout=WAIT_MS)
            assert "was ended" in await page.locator("ul.messagelist").inner_text()
            assert errors == []
            await browser.close()
        ended = await next_event(caller, "session.ended")
        assert ended["reason"] == "admin"
