"""A scripted fake Realtime server on 127.0.0.1 for relay tests.

Each accepted connection runs the next script: `async def script(conn: FakeConn)`. The
script replays GA server events and waits for client events; everything the client sent is
recorded in `conn.received`. Both directions are checked against the official SDK's types
(tests/protocol_oracle.py): a violation fails the test; `send_unchecked` is for scripts
that send a malformed event on purpose.
"""

import asyncio
import base64
import contextlib
import itertools
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from websockets.asyncio.server import ServerConnection, serve

from tests.protocol_oracle import VIOLATIONS

SERVER_LOGGER = logging.getLogger("tests.fake_upstream")
Script = Callable[["FakeConn"], Awaitable[None]]
_ids = itertools.count(1)


def new_id(prefix: str) -> str:
    return f"{prefix}_{next(_ids):04d}"


def pcm_silence(ms: int) -> bytes:
    """PCM16 24 kHz of a quiet, non-zero pattern."""
    return b"\x01\x00\xff\xff" * (ms * 12)


USAGE = {
    "total_tokens": 160,
    "input_tokens": 120,
    "output_tokens": 40,
    "input_token_details": {
        "text_tokens": 100,
        "audio_tokens": 20,
        "image_tokens": 0,
        "cached_tokens": 50,
        "cached_tokens_details": {
            "text_tokens": 50,
            "audio_tokens": 0,
            "image_tokens": 0,
        },
    },
    "output_token_details": {"text_tokens": 10, "audio_tokens": 30},
}


# Server events the SDK defines without an `event_id`.
EVENTS_WITHOUT_ID = frozenset({"input_audio_buffer.dtmf_event_received"})


class ProtocolViolation(AssertionError):
    """The relay sent something the Realtime protocol does not allow."""


# Input transcription usage of a duration-billed model (gpt-live-transcribe).
TRANSCRIPTION_USAGE = {"type": "duration", "seconds": 0.8}


def assistant_item(item_id: str, text: str, status: str = "completed") -> dict:
    """A complete assistant audio message item, as `response.done` lists it."""
    return {
        "id": item_id,
        "type": "message",
        "role": "assistant",
        "status": status,
        "content": [{"type": "output_audio", "transcript": text}],
    }


class FakeConn:
    def __init__(
        self, ws: ServerConnection, errors: list[BaseException] | None = None
    ) -> None:
        self.ws = ws
        self.errors = errors if errors is not None else []
        self.received: list[dict[str, Any]] = []
        # Every client event carries a unique event_id (errors echo it). It is checked
        # here and kept apart, so tests compare the events' contents.
        self.event_ids: dict[int, str] = {}
        self._inbox: asyncio.Queue = asyncio.Queue()
        self.path = ws.request.path
        self.headers = dict(ws.request.headers.raw_items())

    async def _read(self) -> None:
        with contextlib.suppress(Exception):
            async for message in self.ws:
                event = json.loads(message)
                VIOLATIONS.check("client", event)
                event_id = event.pop("event_id", None)
                if not isinstance(event_id, str) or not event_id:
                    self.errors.append(
                        ProtocolViolation(f"{event.get('type')} without an event_id")
                    )
                self.event_ids[id(event)] = event_id
                self.received.append(event)
                await self._inbox.put(event)

    async def expect(self, etype: str, within: float = 3.0) -> dict[str, Any]:
        """The next client event of type `etype` (others are skipped, still recorded)."""

        async def wait() -> dict[str, Any]:
            while True:
                event = await self._inbox.get()
                if event.get("type") == etype:
                    return event

        return await asyncio.wait_for(wait(), within)

    def event_id(self, event: dict[str, Any]) -> str:
        """The event_id the relay sent `event` (one of `received`) with."""
        return self.event_ids[id(event)]

    def sent_types(self) -> list[str]:
        return [e.get("type") for e in self.received]

    def of_type(self, etype: str) -> list[dict[str, Any]]:
        return [e for e in self.received if e.get("type") == etype]

    async def send(self, etype: str, **fields: Any) -> None:
        """Send a server event; it must be one the SDK's types accept."""
        event = {"type": etype, **fields}
        if etype not in EVENTS_WITHOUT_ID:
            event = {"type": etype, "event_id": new_id("event"), **fields}
        VIOLATIONS.check("server", event)
        await self.ws.send(json.dumps(event))

    async def send_unchecked(self, etype: str, **fields: Any) -> None:
        """Send an event the protocol does not define (forward-compatibility tests)."""
        await self.ws.send(
            json.dumps({"type": etype, "event_id": new_id("event"), **fields})
        )

    async def close(self, code: int = 1000, reason: str = "") -> None:
        await self.ws.close(code, reason)

    # --- GA sequences ---------------------------------------------------------------------

    async def session_created(self) -> None:
        await self.send("session.created", session={"type": "realtime"})

    async def user_turn(self, item_id: str, *, transcript: str | None = None) -> None:
        """Server VAD: speech started/stopped, committed, and optionally the transcript."""
        await self.send(
            "input_audio_buffer.speech_started", item_id=item_id, audio_start_ms=100
        )
        await self.send(
            "input_audio_buffer.speech_stopped", item_id=item_id, audio_end_ms=900
        )
        await self.send(
            "input_audio_buffer.committed", item_id=item_id, previous_item_id=None
        )
        await self.send(
            "conversation.item.added",
            previous_item_id=None,
            item={
                "id": item_id,
                "type": "message",
                "role": "user",
                "content": [{"type": "input_audio", "transcript": None}],
            },
        )
        if transcript is not None:
            await self.transcript(item_id, transcript)

    async def transcript(
        self, item_id: str, text: str, usage: dict | None = None
    ) -> None:
        await self.send(
            "conversation.item.input_audio_transcription.completed",
            item_id=item_id,
            content_index=0,
            transcript=text,
            usage=usage or TRANSCRIPTION_USAGE,
        )

    async def response_start(self, response_id: str) -> None:
        await self.send(
            "response.created",
            response={
                "id": response_id,
                "object": "realtime.response",
                "status": "in_progress",
                "output": [],
            },
        )

    async def item_started(self, response_id: str, item_id: str) -> None:
        """An assistant message item announced (no content yet)."""
        await self.send(
            "response.output_item.added",
            response_id=response_id,
            output_index=0,
            item={"id": item_id, "type": "message", "role": "assistant", "content": []},
        )

    async def audio_delta(self, response_id: str, item_id: str, ms: int) -> None:
        """`ms` of (silent) PCM16 audio for an assistant item."""
        await self.send(
            "response.output_audio.delta",
            response_id=response_id,
            item_id=item_id,
            output_index=0,
            content_index=0,
            delta=base64.b64encode(pcm_silence(ms)).decode(),
        )

    async def audio_item(
        self,
        response_id: str,
        item_id: str,
        text: str,
        *,
        audio_ms: int = 200,
        chunks: int = 2,
        pause_s: float = 0.0,
        output_index: int = 0,
    ) -> None:
        """An assistant message item with audio and transcript, completed."""
        await self.send(
            "response.output_item.added",
            response_id=response_id,
            output_index=output_index,
            item={
                "id": item_id,
                "type": "message",
                "role": "assistant",
                "status": "in_progress",
                "content": [],
            },
        )
        words = text.split()
        per_chunk = max(1, len(words) // chunks)
        for i in range(chunks):
            audio = base64.b64encode(pcm_silence(audio_ms // chunks)).decode()
            await self.send(
                "response.output_audio.delta",
                response_id=response_id,
                item_id=item_id,
                output_index=output_index,
                content_index=0,
                delta=audio,
            )
            part = words[
                i * per_chunk : (i + 1) * per_chunk if i < chunks - 1 else None
            ]
            await self.send(
                "response.output_audio_transcript.delta",
                response_id=response_id,
                item_id=item_id,
                output_index=output_index,
                content_index=0,
                delta=" ".join(part) + ("" if i == chunks - 1 else " "),
            )
            if pause_s:
                await asyncio.sleep(pause_s)
        await self.send(
            "response.output_audio.done",
            response_id=response_id,
            item_id=item_id,
            output_index=output_index,
            content_index=0,
        )
        await self.send(
            "response.output_audio_transcript.done",
            response_id=response_id,
            item_id=item_id,
            output_index=output_index,
            content_index=0,
            transcript=text,
        )
        await self.send(
            "response.output_item.done",
            response_id=response_id,
            output_index=output_index,
            item=assistant_item(item_id, text),
        )

    async def response_done(
        self,
        response_id: str,
        *,
        status: str = "completed",
        output: list | None = None,
        usage: dict | None = USAGE,
    ) -> None:
        response = {
            "id": response_id,
            "object": "realtime.response",
            "status": status,
            "output": output or [],
        }
        if usage is not None:
            response["usage"] = usage
        await self.send("response.done", response=response)

    async def reply(
        self, text: str, *, audio_ms: int = 200, chunks: int = 2
    ) -> tuple[str, str]:
        """A whole response with one spoken item; returns (response id, item id)."""
        response_id, item_id = new_id("resp"), new_id("item")
        await self.response_start(response_id)
        await self.audio_item(
            response_id, item_id, text, audio_ms=audio_ms, chunks=chunks
        )
        await self.response_done(response_id, output=[assistant_item(item_id, text)])
        return response_id, item_id

    async def function_call(
        self, response_id: str, name: str, arguments: str, index: int = 0
    ) -> dict[str, Any]:
        item_id, call_id = new_id("item"), new_id("call")
        item = {
            "id": item_id,
            "type": "function_call",
            "call_id": call_id,
            "name": name,
            "arguments": "",
        }
        await self.send(
            "response.output_item.added",
            response_id=response_id,
            output_index=index,
            item=item,
        )
        await self.send(
            "response.function_call_arguments.delta",
            response_id=response_id,
            item_id=item_id,
            output_index=index,
            call_id=call_id,
            delta=arguments,
        )
        await self.send(
            "response.function_call_arguments.done",
            response_id=response_id,
            item_id=item_id,
            output_index=index,
            call_id=call_id,
            name=name,
            arguments=arguments,
        )
        done = {**item, "arguments": arguments, "status": "completed"}
        await self.send(
            "response.output_item.done",
            response_id=response_id,
            output_index=index,
            item=done,
        )
        return done


class FakeUpstream:
    """The server; `scripts` run for the 1st, 2nd... connection (the last one repeats)."""

    def __init__(self, *scripts: Script) -> None:
        self.scripts = list(scripts)
        self.connections: list[FakeConn] = []
        self.port = 0
        self._server = None
        self.errors: list[BaseException] = []
        # Refuse this many handshakes (HTTP 503), counting from the `refuse_after`-th one.
        self.refuse_handshakes = 0
        self.refuse_after = 1
        self.handshakes = 0

    @property
    def base_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/v1"

    async def start(self) -> "FakeUpstream":
        # Own logger: tests that check logs for secrets must not see this server's lines.
        self._server = await serve(
            self._handle,
            "127.0.0.1",
            0,
            logger=SERVER_LOGGER,
            process_request=self._maybe_refuse,
        )
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def shut_down(self) -> None:
        """Stop listening and close open connections with 1001, without waiting."""
        self._server.close()

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2)

    def _maybe_refuse(self, connection, request):
        self.handshakes += 1
        if self.handshakes > self.refuse_after and self.refuse_handshakes > 0:
            self.refuse_handshakes -= 1
            return connection.respond(503, "busy, try again\n")
        return None

    async def _handle(self, ws: ServerConnection) -> None:
        conn = FakeConn(ws, self.errors)
        index = len(self.connections)
        self.connections.append(conn)
        reader = asyncio.create_task(self._read(conn))
        script = (
            self.scripts[min(index, len(self.scripts) - 1)] if self.scripts else None
        )
        try:
            if script is not None:
                await script(conn)
            await ws.wait_closed()
        except Exception as exc:  # surfaced by the test through `errors`
            self.errors.append(exc)
        finally:
            reader.cancel()

    @staticmethod
    async def _read(conn: FakeConn) -> None:
        await conn._read()
