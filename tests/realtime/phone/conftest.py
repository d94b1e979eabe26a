"""A scripted Twilio peer (Media Streams), a fake Twilio REST API and phone fixtures."""

import asyncio
import base64
import json
import re
from typing import Any

import numpy as np
import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from botbuilder.asgi import application
from botbuilder.models import PhoneAccount, PhoneNumber
from botbuilder.telephony.twilio_signature import compute_signature
from realtime.audio import (
    MODEL_SAMPLE_RATE_HZ,
    ULAW_SAMPLE_RATE_HZ,
    resample,
    ulaw_encode,
)
from realtime.engine.tts import synthesize
from tests.realtime.phone.fake_twilio import FakeTwilioRest

PUBLIC_BASE = "https://phone.example.test"
ACCOUNT_SID = "AC" + "0" * 31 + "1"
AUTH_TOKEN = "test-auth-token-1234"
CALLER = "+14155550100"
NUMBER = "+14155550123"
ULAW_FRAME_BYTES = 160  # 20 ms of μ-law at 8 kHz, as Twilio sends it


def spoken_ulaw(text: str) -> bytes:
    """`text` in the engine's voice with quiet noise around it, as G.711 μ-law 8 kHz."""
    speech = synthesize(text, voice="en-us+klatt3")
    pcm = np.concatenate(
        [np.zeros(7200, np.int16), speech, np.zeros(24000, np.int16)]
    ).astype(np.float32)
    noisy = np.clip(
        pcm + np.random.default_rng(3).normal(0, 60, pcm.size), -32768, 32767
    )
    narrow = resample(noisy.astype(np.int16), MODEL_SAMPLE_RATE_HZ, ULAW_SAMPLE_RATE_HZ)
    return ulaw_encode(narrow)


def voice_webhook_params(**extra: str) -> dict[str, str]:
    return {
        "AccountSid": ACCOUNT_SID,
        "CallSid": "CA" + "a" * 32,
        "From": CALLER,
        "To": NUMBER,
        "CallStatus": "ringing",
        "Direction": "inbound",
        **extra,
    }


def sign(
    url: str, params: dict[str, str], key: str = AUTH_TOKEN, algorithm="HMAC_SHA1"
):
    return compute_signature(key, url, params.items(), algorithm)


class TwilioPeer:
    """Twilio's side of a bidirectional Media Stream, recording what the server sends."""

    def __init__(self, path: str, signature: str) -> None:
        self.comm = WebsocketCommunicator(
            application, path, [(b"x-twilio-signature", signature.encode())]
        )
        self.messages: list[dict[str, Any]] = []
        self.audio = bytearray()
        self.closed = False
        self.stream_sid = "MZ" + "b" * 32

    async def connect(self):
        return await self.comm.connect(timeout=5)

    async def send(self, **message: Any) -> None:
        await self.comm.send_to(text_data=json.dumps(message))

    async def start(self, call_sid: str, token: str) -> None:
        await self.send(event="connected", protocol="Call", version="1.0.0")
        await self.send(
            event="start",
            sequenceNumber="1",
            streamSid=self.stream_sid,
            start={
                "streamSid": self.stream_sid,
                "accountSid": ACCOUNT_SID,
                "callSid": call_sid,
                "tracks": ["inbound"],
                "customParameters": {"token": token},
                "mediaFormat": {
                    "encoding": "audio/x-mulaw",
                    "sampleRate": 8000,
                    "channels": 1,
                },
            },
        )

    async def speak(self, ulaw: bytes) -> None:
        for n, at in enumerate(range(0, len(ulaw), ULAW_FRAME_BYTES)):
            payload = base64.b64encode(ulaw[at : at + ULAW_FRAME_BYTES]).decode()
            await self.send(
                event="media",
                streamSid=self.stream_sid,
                media={
                    "track": "inbound",
                    "chunk": str(n + 1),
                    "timestamp": str(n * 20),
                    "payload": payload,
                },
            )

    async def echo_mark(self, name: str) -> None:
        await self.send(event="mark", streamSid=self.stream_sid, mark={"name": name})

    async def receive_one(self, within: float) -> None:
        getter = asyncio.ensure_future(self.comm.output_queue.get())
        done, _ = await asyncio.wait(
            {getter, self.comm.future},
            timeout=within,
            return_when=asyncio.FIRST_COMPLETED,
        )
        if getter not in done:
            getter.cancel()
            if self.comm.future.done():
                self.comm.future.result()
                raise AssertionError("the consumer finished without closing")
            raise TimeoutError
        message = getter.result()
        if message["type"] == "websocket.close":
            self.closed = True
            return
        data = json.loads(message["text"])
        assert "bytes" not in message or message["bytes"] is None  # text frames only
        if data.get("event") == "media":
            self.audio += base64.b64decode(data["media"]["payload"])
        self.messages.append(data)

    async def until(self, event: str, within: float = 10.0, **match: Any) -> dict:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        seen = 0
        while True:
            for message in self.messages[seen:]:
                if message.get("event") == event and all(
                    re.fullmatch(v, str(message.get(k))) for k, v in match.items()
                ):
                    return message
            seen = len(self.messages)
            if self.closed:
                raise AssertionError(f"closed before {event}: {self.events()}")
            if loop.time() >= deadline:
                raise AssertionError(f"no {event} within {within}s: {self.events()}")
            await self.receive_one(deadline - loop.time())

    async def until_closed(self, within: float = 10.0) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while not self.closed:
            if loop.time() >= deadline:
                raise AssertionError(f"not closed within {within}s: {self.events()}")
            await self.receive_one(deadline - loop.time())

    def events(self) -> list[str]:
        return [m.get("event") for m in self.messages]

    def of(self, event: str) -> list[dict]:
        return [m for m in self.messages if m.get("event") == event]


@pytest.fixture
def fake_twilio():
    server = FakeTwilioRest().start()
    yield server
    server.stop()


@pytest.fixture
def phone_settings(settings, monkeypatch, fake_twilio):
    monkeypatch.setenv("BOT_SECRET_TEST_TWILIO_SID", ACCOUNT_SID)
    monkeypatch.setenv("BOT_SECRET_TEST_TWILIO_TOKEN", AUTH_TOKEN)
    settings.PUBLIC_BASE_URL = PUBLIC_BASE
    settings.TWILIO_API_BASE_URL = fake_twilio.base_url
    return settings


def _twilio_number(bot, **fields) -> PhoneNumber:
    account = PhoneAccount.objects.create(
        name="Twilio test",
        provider="twilio",
        account_sid_env="BOT_SECRET_TEST_TWILIO_SID",
        auth_token_env="BOT_SECRET_TEST_TWILIO_TOKEN",
        shared_key_env=fields.pop("shared_key_env", ""),
    )
    return PhoneNumber.objects.create(
        number=NUMBER, account=account, bot=bot, label="Test line", **fields
    )


make_twilio_number = database_sync_to_async(_twilio_number)


@pytest.fixture
def engine_default(offline_engine, settings):
    """Bots without a connection use the test engine."""
    settings.OPENAI_API_KEY = ""
    settings.OFFLINE_ENGINE_HOST = offline_engine.host
    settings.OFFLINE_ENGINE_PORT = offline_engine.port
    return offline_engine
