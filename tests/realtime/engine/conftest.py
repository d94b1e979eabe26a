"""A small GA client for engine tests, and the session config of a demo-like bot."""

import asyncio
import base64
import json
from typing import Any

import numpy as np
import pytest
from websockets.asyncio.client import ClientConnection, connect

from realtime.engine.tts import synthesize
from tests.protocol_oracle import check_client_event

RECV_TIMEOUT_S = 15.0

INSTRUCTIONS = """# Instructions
You are the support line of Acme Shop.

# Knowledge
<knowledge>
<snippet title="Opening hours">
Our opening hours are Monday to Friday from nine in the morning to six in the evening.
</snippet>
<snippet title="Return policy">
You can return any item within thirty days of delivery for a full refund.
</snippet>
</knowledge>"""

ORDER_TOOL = {
    "type": "function",
    "name": "get_order_status",
    "description": "Look up the delivery status of an order by its order number.",
    "parameters": {
        "type": "object",
        "properties": {
            "order_number": {
                "type": "string",
                "description": "The order number, digits only.",
            }
        },
        "required": ["order_number"],
    },
}
SEARCH_TOOL = {
    "type": "function",
    "name": "search_knowledge",
    "description": "Search the knowledge base for facts to answer the caller's question.",
    "parameters": {
        "type": "object",
        "properties": {"query": {"type": "string"}},
        "required": ["query"],
    },
}


def session_config(**overrides: Any) -> dict[str, Any]:
    """A GA session object like the relay sends for a small support bot."""
    session = {
        "type": "realtime",
        "instructions": INSTRUCTIONS,
        "output_modalities": ["audio"],
        "audio": {
            "input": {
                "format": {"type": "audio/pcm", "rate": 24000},
                "transcription": {"model": "gpt-4o-mini-transcribe"},
                "turn_detection": {
                    "type": "server_vad",
                    "threshold": 0.5,
                    "prefix_padding_ms": 300,
                    "silence_duration_ms": 400,
                    "create_response": True,
                    "interrupt_response": True,
                },
            },
            "output": {
                "format": {"type": "audio/pcm", "rate": 24000},
                "voice": "marin",
            },
        },
        "tools": [ORDER_TOOL],
    }
    session.update(overrides)
    return session


def spoken(text: str, *, lead_s: float = 0.3, tail_s: float = 0.8) -> np.ndarray:
    """`text` spoken by the engine's own TTS with silence around it, int16 at 24 kHz."""
    rng = np.random.default_rng(7)
    pcm = synthesize(text, voice="en-us+klatt3")
    pcm = np.concatenate(
        [
            np.zeros(int(lead_s * 24000), np.int16),
            pcm,
            np.zeros(int(tail_s * 24000), np.int16),
        ]
    )
    noisy = pcm.astype(np.float32) + rng.normal(
        0, 60, pcm.size
    )  # a quiet room, not zeros
    return np.clip(noisy, -32768, 32767).astype(np.int16)


class Client:
    """Sends client events and collects server events in order."""

    def __init__(self, ws: ClientConnection):
        self.ws = ws
        self.events: list[dict[str, Any]] = []

    async def send(self, type_: str, **fields: Any) -> None:
        """Send a client event; it must be one the official SDK's types accept."""
        event = {"type": type_, **fields}
        check_client_event(event)
        await self.ws.send(json.dumps(event))

    async def send_invalid(self, type_: str, **fields: Any) -> None:
        """Send an event the protocol does not allow (tests of the engine's errors)."""
        await self.ws.send(json.dumps({"type": type_, **fields}))

    async def recv(self) -> dict[str, Any]:
        message = json.loads(await asyncio.wait_for(self.ws.recv(), RECV_TIMEOUT_S))
        self.events.append(message)
        return message

    async def until(self, type_: str) -> dict[str, Any]:
        """Receive until an event of `type_` arrives; returns it."""
        while True:
            message = await self.recv()
            if message["type"] == type_:
                return message

    async def update(self, **overrides: Any) -> dict[str, Any]:
        await self.send("session.update", session=session_config(**overrides))
        return await self.until("session.updated")

    async def append_audio(self, pcm: bytes, chunk_bytes: int = 1920) -> None:
        for start in range(0, len(pcm), chunk_bytes):
            await self.send(
                "input_audio_buffer.append",
                audio=base64.b64encode(pcm[start : start + chunk_bytes]).decode(),
            )

    async def say_user_text(self, text: str) -> None:
        await self.send(
            "conversation.item.create",
            item={
                "type": "message",
                "role": "user",
                "content": [{"type": "input_text", "text": text}],
            },
        )
        await self.until("conversation.item.done")

    def types(self) -> list[str]:
        return [e["type"] for e in self.events]

    def since(self, index: int) -> list[dict[str, Any]]:
        return self.events[index:]


@pytest.fixture
async def client(engine_for_protocol_tests):
    url = engine_for_protocol_tests.url + "?model=gpt-realtime-mini"
    async with connect(url) as ws:
        c = Client(ws)
        created = await c.until("session.created")
        assert created["session"]["type"] == "realtime"
        yield c
