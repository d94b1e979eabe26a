"""The live monitor page in Debian's headless chromium, against a real daphne worker.

daphne runs as a subprocess on a file SQLite database of its own (set up with manage.py),
the bot's model is the echo upstream in this process; a websocket client plays the caller.
"""

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from websockets.asyncio.client import connect

from bench.echo_upstream import serve_echo, server_port
from tests.services import free_port

pytestmark = pytest.mark.browser
CHROMIUM_PATH = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
CHROMIUM_PRESENT = Path(CHROMIUM_PATH).exists()
ROOT = Path(__file__).resolve().parents[3]
WAIT_MS = 10_000
SETUP_SCRIPT = """
from django.contrib.auth import get_user_model
from django.test import Client
from botbuilder.models import Bot, Connection
user = get_user_model().objects.create_superuser("watcher", "w@example.com", "pw-123")
connection = Connection.objects.create(name="Echo", kind="compatible", base_url="{url}")
bot = Bot.objects.create(name="Echo bot", slug="echo-bot", instructions="Echo.",
                         greeting_mode="wait", connection=connection)
client = Client()
client.force_login(user)
print(bot.pk, client.cookies["sessionid"].value)
"""


def manage(env: dict, *args: str) -> str:
    command = [sys.executable, "manage.py", *args]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def start_daphne(env: dict, port: int, log_path: Path) -> subprocess.Popen:
    daphne = Path(sys.executable).with_name("daphne")
    command = [
        str(daphne),
        "-b",
        "127.0.0.1",
        "-p",
        str(port),
        "botbuilder.asgi:application",
    ]
    with log_path.open("wb") as log:
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )


@pytest.fixture
async def monitor_server(tmp_path):
    """(base URL, bot id, session cookie) of a daphne worker whose bot talks to the echo."""
    echo = await serve_echo()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "botbuilder.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DATABASE_TEST_NAME": "",
        "REDIS_URL": "",
        "DJANGO_SECRET_KEY": "browser-test-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    echo_url = f"ws://127.0.0.1:{server_port(echo)}/v1"
    await asyncio.to_thread(manage, env, "migrate", "--noinput")
    out = await asyncio.to_thread(
        manage, env, "shell", "-c", SETUP_SCRIPT.format(url=echo_url)
    )
    bot_id, cookie = out.strip().splitlines()[-1].split()
    port = free_port()
    process = start_daphne(env, port, tmp_path / "daphne.log")
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.close()
                break
            except OSError:
                await asyncio.sleep(0.1)
        yield base, int(bot_id), cookie
    finally:
        process.terminate()
        await asyncio.to_thread(process.wait, 10)
        echo.close()
        print("---- daphne log ----\n" + (tmp_path / "daphne.log").read_text())


async def next_event(websocket, etype: str) -> dict:
    async with asyncio.timeout(WAIT_MS / 1000):
        while True:
            message = await websocket.recv()
            if isinstance(message, str) and json.loads(message)["type"] == etype:
                return json.loads(message)


async def test_live_page_shows_stored_then_live_transcript_and_ends_the_session(
    monitor_server,
):
    from playwright.async_api import async_playwright

    if not CHROMIUM_PRESENT:
        pytest.fail(
            f"{CHROMIUM_PATH} is missing: run `bash scripts/install-browsers.sh`."
        )
    base, bot_id, cookie = monitor_server
    ws_url = base.replace("http", "ws") + f"/ws/bots/{bot_id}/session/"
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
