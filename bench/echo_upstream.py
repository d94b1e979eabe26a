"""A minimal, fast peer speaking the GA Realtime protocol on 127.0.0.1 (benchmarks, tests).

- On connect: `session.created`; `session.update` gets `session.updated` (the session echoed).
- Every `input_audio_buffer.append` is answered at once with a `response.output_audio.delta`
  carrying the same base64 audio, copied as a string (no JSON parsing, no base64 decoding):
  the relay's added latency can then be measured per frame, both ways. The first append of
  a connection first opens one endless assistant audio item (`response.created`,
  `response.output_item.added`, `response.content_part.added`), like a model speaking.
- A user text item (`conversation.item.create`) followed by `response.create` gets a short
  scripted reply: transcript "You said: <text>", 100 ms of silence, usage in `response.done`.

Frames are matched without extra JSON: `tag_frame` writes a client id and a sequence number
into the first 8 bytes of the PCM; the peer writes the time it received the frame
(`time.monotonic_ns()`, one clock for every process on the machine) into the next 8 bytes,
re-encoding only those few base64 characters; `frame_tag` reads all three back. The two
halves of a round trip (up to the model, back to the caller) are then measured apart.

Run from the repository root: `python -m bench.echo_upstream --port 8799`; its URL is
`ws://127.0.0.1:8799/v1/realtime`.
"""

import argparse
import asyncio
import base64
import itertools
import json
import logging
import re
import struct
import time
from typing import Any

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from realtime.engine.events import usage as usage_block

logger = logging.getLogger(__name__)

# client id, frame sequence number, upstream receive time (ns): little-endian, PCM bytes 0-15
FRAME_TAG = struct.Struct("<IIQ")
FRAME_TAG_BYTES = FRAME_TAG.size
# Base64 characters 8-23 encode PCM bytes 6-17, which hold the receive time (bytes 8-15).
STAMP_B64_START, STAMP_B64_END, STAMP_OFFSET_IN_CHUNK = 8, 24, 2
SAMPLE_RATE_HZ = 24_000
BYTES_PER_SAMPLE = 2  # PCM16 mono
FRAME_MS = 20
FRAME_BYTES = SAMPLE_RATE_HZ * BYTES_PER_SAMPLE * FRAME_MS // 1000  # 960
REPLY_SILENCE_BYTES = SAMPLE_RATE_HZ * BYTES_PER_SAMPLE // 10  # 100 ms
# Cheap check that a text frame is an append: base64 holds no quotes, so no false match.
APPEND_RE = re.compile(r'"type"\s*:\s*"input_audio_buffer\.append"')
AUDIO_KEY = '"audio"'
ECHO_RESPONSE_ID = "resp_echo"
ECHO_ITEM_ID = "item_echo"
DELTA_HEAD = (
    '{"type":"response.output_audio.delta","event_id":"evt_echo",'
    f'"response_id":"{ECHO_RESPONSE_ID}","item_id":"{ECHO_ITEM_ID}",'
    '"output_index":0,"content_index":0,"delta":"'
)
DELTA_TAIL = '"}'


def tag_frame(client_id: int, seq: int, frame: bytes) -> bytes:
    """`frame` (PCM16) with its first FRAME_TAG_BYTES replaced by the client id and seq."""
    return FRAME_TAG.pack(client_id, seq, 0) + frame[FRAME_TAG_BYTES:]


def frame_tag(frame: bytes) -> tuple[int, int, int]:
    """(client id, seq, upstream receive time in ns or 0) of a frame from `tag_frame`."""
    return FRAME_TAG.unpack_from(frame)


FRAME_B64_CHARS = (
    FRAME_BYTES * 4 // 3
)  # 1280: a frame is a whole number of base64 groups


def stamp_audio(audio_b64: str, now_ns: int) -> str:
    """The base64 audio with `now_ns` written into PCM bytes 8-15 of every 20 ms frame in
    it (a relay may append several frames at once; a few chars re-encoded per frame)."""
    parts, stamp = [], now_ns.to_bytes(8, "little")
    for start in range(0, len(audio_b64), FRAME_B64_CHARS):
        frame_b64 = audio_b64[start : start + FRAME_B64_CHARS]
        if len(frame_b64) < STAMP_B64_END:
            parts.append(frame_b64)
            continue
        chunk = bytearray(base64.b64decode(frame_b64[STAMP_B64_START:STAMP_B64_END]))
        chunk[STAMP_OFFSET_IN_CHUNK : STAMP_OFFSET_IN_CHUNK + 8] = stamp
        parts.append(
            frame_b64[:STAMP_B64_START]
            + base64.b64encode(chunk).decode()
            + frame_b64[STAMP_B64_END:]
        )
    return "".join(parts)


def audio_of_append(text: str) -> str | None:
    """The base64 `audio` string of an `input_audio_buffer.append` text frame, else None."""
    if not APPEND_RE.search(text):
        return None
    key = text.find(AUDIO_KEY)
    if key < 0:
        return None
    start = text.index('"', text.index(":", key + len(AUDIO_KEY)) + 1) + 1
    return text[start : text.index('"', start)]


class EchoPeer:
    """One upstream connection: echoes audio, answers text items with a scripted reply."""

    _ids = itertools.count(1)

    def __init__(self, websocket: ServerConnection) -> None:
        self.websocket = websocket
        self.session: dict[str, Any] = {"type": "realtime"}
        self.events = itertools.count(1)
        self.echo_open = False
        self.pending_text: list[str] = []
        self.replies = itertools.count(1)

    async def run(self) -> None:
        await self.send({"type": "session.created", "session": self.session})
        try:
            async for message in self.websocket:
                if isinstance(message, bytes):
                    continue
                audio = audio_of_append(message)
                if audio is not None:
                    await self.echo(audio)
                else:
                    await self.handle(json.loads(message))
        except ConnectionClosed:
            pass

    async def send(self, event: dict[str, Any]) -> None:
        """Send a server event with its `event_id` (GA events all carry one)."""
        event = {**event, "event_id": f"evt_echo_{next(self.events)}"}
        await self.websocket.send(json.dumps(event))

    async def echo(self, audio_b64: str) -> None:
        received_ns = time.monotonic_ns()
        if not self.echo_open:
            self.echo_open = True
            await self.open_item(ECHO_RESPONSE_ID, ECHO_ITEM_ID)
        stamped = stamp_audio(audio_b64, received_ns)
        await self.websocket.send(DELTA_HEAD + stamped + DELTA_TAIL)

    async def open_item(self, response_id: str, item_id: str) -> None:
        item = {
            "id": item_id,
            "object": "realtime.item",
            "type": "message",
            "role": "assistant",
            "status": "in_progress",
            "content": [],
        }
        ids = {"response_id": response_id, "item_id": item_id, "output_index": 0}
        await self.send(
            {
                "type": "response.created",
                "response": {
                    "id": response_id,
                    "object": "realtime.response",
                    "status": "in_progress",
                    "output": [],
                },
            }
        )
        await self.send(
            {
                "type": "response.output_item.added",
                "response_id": response_id,
                "output_index": 0,
                "item": item,
            }
        )
        await self.send(
            {
                "type": "response.content_part.added",
                **ids,
                "content_index": 0,
                "part": {"type": "audio", "transcript": ""},
            }
        )

    async def handle(self, event: dict[str, Any]) -> None:
        kind = event.get("type")
        if kind == "session.update":
            self.session.update(event.get("session") or {})
            await self.send({"type": "session.updated", "session": self.session})
        elif kind == "conversation.item.create":
            item = dict(event.get("item") or {})
            item.setdefault("id", f"item_user_{len(self.pending_text)}")
            for part in item.get("content") or []:
                if part.get("type") == "input_text":
                    self.pending_text.append(part.get("text", ""))
            await self.send({"type": "conversation.item.added", "item": item})
            await self.send({"type": "conversation.item.done", "item": item})
        elif kind == "response.create":
            await self.reply(" ".join(self.pending_text))
            self.pending_text.clear()

    async def reply(self, heard: str) -> None:
        n = next(self.replies)
        response_id, item_id = f"resp_reply_{n}", f"item_reply_{n}"
        text = f"You said: {heard}" if heard else "Hello from the echo upstream."
        ids = {
            "response_id": response_id,
            "item_id": item_id,
            "output_index": 0,
            "content_index": 0,
        }
        await self.open_item(response_id, item_id)
        await self.send(
            {"type": "response.output_audio_transcript.delta", **ids, "delta": text}
        )
        silence = base64.b64encode(bytes(REPLY_SILENCE_BYTES)).decode()
        await self.send(
            {"type": "response.output_audio.delta", **ids, "delta": silence}
        )
        await self.send({"type": "response.output_audio.done", **ids})
        await self.send(
            {"type": "response.output_audio_transcript.done", **ids, "transcript": text}
        )
        part = {"type": "audio", "transcript": text}  # content parts: "audio" / "text"
        await self.send({"type": "response.content_part.done", **ids, "part": part})
        item = {
            "id": item_id,
            "object": "realtime.item",
            "type": "message",
            "role": "assistant",
            "status": "completed",
            "content": [{**part, "type": "output_audio"}],  # item content: output_audio
        }
        await self.send(
            {
                "type": "response.output_item.done",
                "response_id": response_id,
                "output_index": 0,
                "item": item,
            }
        )
        await self.send({"type": "conversation.item.done", "item": item})
        usage = usage_block(
            input_text=len(heard.split()) + 10,
            input_audio=0,
            output_text=len(text.split()),
            output_audio=2,
        )
        await self.send(
            {
                "type": "response.done",
                "response": {
                    "id": response_id,
                    "object": "realtime.response",
                    "status": "completed",
                    "output": [item],
                    "usage": usage,
                },
            }
        )


async def _handler(websocket: ServerConnection) -> None:
    await EchoPeer(websocket).run()


async def serve_echo(host: str = "127.0.0.1", port: int = 0) -> Server:
    """Start the echo peer; the bound port is `server.sockets[0].getsockname()[1]`."""
    # No permessage-deflate: audio does not compress and the floor must stay cheap.
    return await serve(_handler, host, port, compression=None, max_size=16 * 2**20)


def server_port(server: Server) -> int:
    """The TCP port `server` listens on."""
    return next(iter(server.sockets)).getsockname()[1]


async def _main(port: int) -> None:
    server = await serve_echo(port=port)
    print(
        f"echo upstream on ws://127.0.0.1:{server_port(server)}/v1/realtime", flush=True
    )
    await server.serve_forever()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8799)
    asyncio.run(_main(parser.parse_args().port))
