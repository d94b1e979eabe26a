"""Fixtures for relay tests: a scripted fake upstream, a logged-in browser, bots pointing at it."""

import asyncio
import contextlib
import json
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from botbuilder.asgi import application
from botbuilder.models import Connection, Session, TranscriptItem
from tests.conftest import create_bot, create_snippet, create_tool, create_voice
from tests.realtime.fake_upstream import FakeUpstream

ALLOWED_ORIGIN = b"http://127.0.0.1:8000"


class Browser:
    """The preview page's side of /ws/bots/<id>/session/, recording all it receives."""

    def __init__(
        self, bot_id: int, cookie: str = "", origin: bytes = ALLOWED_ORIGIN
    ) -> None:
        headers = [(b"origin", origin)]
        if cookie:
            headers.append((b"cookie", cookie.encode()))
        self.comm = WebsocketCommunicator(
            application, f"/ws/bots/{bot_id}/session/", headers
        )
        self.events: list[dict[str, Any]] = []
        self.audio = bytearray()
        self.audio_frames = 0
        self.close_code: int | None = None

    async def connect(self) -> tuple[bool, Any]:
        return await self.comm.connect(timeout=5)

    async def send(self, **message: Any) -> None:
        await self.comm.send_to(text_data=json.dumps(message))

    async def send_raw(self, text: str) -> None:
        await self.comm.send_to(text_data=text)

    async def send_audio(self, data: bytes) -> None:
        await self.comm.send_input({"type": "websocket.receive", "bytes": data})

    async def _receive(self, within: float) -> None:
        # Not comm.receive_output: its timeout cancels the application.
        getter = asyncio.ensure_future(self.comm.output_queue.get())
        done, _ = await asyncio.wait(
            {getter, self.comm.future},
            timeout=within,
            return_when=asyncio.FIRST_COMPLETED,
        )
        if getter not in done:
            getter.cancel()
            if self.comm.future.done():
                self.comm.future.result()  # raises what the consumer raised
                raise AssertionError("the consumer finished without closing")
            raise TimeoutError
        message = getter.result()
        if message["type"] == "websocket.close":
            self.close_code = message.get("code", 1000)
        elif message.get("bytes") is not None:
            self.audio += message["bytes"]
            self.audio_frames += 1
        else:
            self.events.append(json.loads(message["text"]))

    async def until(
        self, etype: str, within: float = 5.0, **match: Any
    ) -> dict[str, Any]:
        """The first received event of `etype` (and matching fields), waiting if needed."""
        seen = 0
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while True:
            for event in self.events[seen:]:
                if event["type"] == etype and all(
                    event.get(k) == v for k, v in match.items()
                ):
                    return event
            seen = len(self.events)
            if self.close_code is not None:
                raise AssertionError(
                    f"closed ({self.close_code}) before {etype}: {self.types()}"
                )
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"no {etype} within {within}s; got {self.types()}")
            await self._receive(remaining)

    async def until_closed(self, within: float = 5.0) -> int:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while self.close_code is None:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"not closed within {within}s; got {self.types()}")
            await self._receive(remaining)
        return self.close_code

    async def drain(self, seconds: float) -> None:
        """Receive whatever arrives for `seconds`."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while self.close_code is None and loop.time() < deadline:
            try:
                await self._receive(max(0.01, deadline - loop.time()))
            except TimeoutError:
                break

    def of_type(self, etype: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e["type"] == etype]

    def types(self) -> list[str]:
        return [e["type"] for e in self.events]

    async def close(self) -> None:
        """Disconnect (the consumer then ends the session) and wait for the app to finish."""
        await self.comm.disconnect(timeout=5)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def staff_cookie(transactional_db, client, django_user_model) -> str:
    user = django_user_model.objects.create_superuser(
        "relay", "relay@example.com", "pw-relay-1"
    )
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


@pytest.fixture
async def fake_upstream():
    """`await fake_upstream(script, ...)` → a started FakeUpstream (stopped after the test)."""
    servers: list[FakeUpstream] = []

    async def make(*scripts) -> FakeUpstream:
        server = await FakeUpstream(*scripts).start()
        servers.append(server)
        return server

    yield make
    for server in servers:
        await server.stop()


def _make_bot(base_url: str, **fields: Any):
    connection = Connection.objects.create(
        name=f"Fake {base_url}",
        kind=fields.pop("kind", "compatible"),
        base_url=base_url,
        api_key_env=fields.pop("api_key_env", ""),
    )
    voice = create_voice(name=f"Voice {base_url}")
    snippets = fields.pop("snippets", [])
    tools = fields.pop("tools", [])
    bot = create_bot(
        connection=connection, voice=voice, slug=f"bot-{connection.pk}", **fields
    )
    for snippet in snippets:
        create_snippet(bot, **snippet)
    for tool in tools:
        create_tool(bot, **tool)
    return bot


make_bot = database_sync_to_async(_make_bot)


@pytest.fixture
async def open_session(staff_cookie):
    """`await open_session(bot, **start_fields)` → a Browser with a started session."""
    browsers: list[Browser] = []

    async def start(bot, **start: Any) -> Browser:
        browser = Browser(bot.pk, staff_cookie)
        browsers.append(browser)
        connected, _ = await browser.connect()
        assert connected
        await browser.send(type="session.start", **start)
        await browser.until("session.started")
        return browser

    yield start
    for (
        browser
    ) in browsers:  # tests close their browser; this only cleans up after failures
        with contextlib.suppress(BaseException):
            await browser.close()


# --- reading what the relay stored (from async tests) -------------------------------------

get_session = database_sync_to_async(lambda pk: Session.objects.get(pk=pk))
get_items = database_sync_to_async(
    lambda sid: list(
        TranscriptItem.objects.filter(session_id=sid).order_by("seq").values()
    )
)
count_sessions = database_sync_to_async(lambda: Session.objects.count())


def seeded_texts(events):
    """(role, content type, text) of conversation.item.create events (re-seeding)."""
    return [
        (
            e["item"]["role"],
            e["item"]["content"][0]["type"],
            e["item"]["content"][0]["text"],
        )
        for e in events
    ]
