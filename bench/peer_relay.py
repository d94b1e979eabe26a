"""Peer relays, the baselines of bench/relay.py: the relay's job on other Python servers.

The same work per frame as the product's relay, and nothing else: the browser-protocol
subset the load generator speaks (`session.start` → `session.started`, binary PCM16 frames
both ways, `session.end`) relayed to the same upstream (GA events: `session.update`,
`input_audio_buffer.append` with base64 audio; every upstream event parsed as JSON,
`response.output_audio.delta` decoded and sent on as binary). No Django, no sessions, no
authentication, no transcript: what is left is the cost of a websocket server in Python.

- `--server websockets`: the `websockets` library's server on uvloop (the Python floor).
- `--server uvicorn`: a Starlette websocket route under uvicorn on uvloop (what
  FastAPI-based voice stacks run).

Run: `python -m bench.peer_relay --server websockets --port 8801 --upstream
ws://127.0.0.1:8799/v1/realtime?model=gpt-realtime-mini`.
"""

import argparse
import asyncio
import base64
import json
from collections.abc import Awaitable, Callable

import uvloop
from websockets.asyncio.client import ClientConnection, connect
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

UPSTREAM_OPEN_TIMEOUT_S = 10.0
SESSION = {"type": "realtime", "instructions": "Echo."}  # what session.update sets


class PeerSession:
    """One browser session relayed to the upstream; the server supplies the two sends."""

    def __init__(
        self,
        upstream_url: str,
        send_bytes: Callable[[bytes], Awaitable[None]],
        send_text: Callable[[str], Awaitable[None]],
    ) -> None:
        self.upstream_url = upstream_url
        self.send_bytes, self.send_text = send_bytes, send_text
        self.upstream: ClientConnection | None = None
        self._receiver: asyncio.Task | None = None

    async def on_text(self, text: str) -> bool:
        """A browser control message; False when the session is over."""
        kind = json.loads(text).get("type")
        if kind == "session.start" and self.upstream is None:
            await self._start()
        elif kind == "session.end":
            return False
        return True

    async def on_audio(self, frame: bytes) -> None:
        """A caller frame (PCM16 24 kHz) as an append upstream."""
        if self.upstream is None:
            return
        audio = base64.b64encode(frame).decode()
        event = {"type": "input_audio_buffer.append", "audio": audio}
        await self.upstream.send(json.dumps(event))

    async def _start(self) -> None:
        self.upstream = await connect(
            self.upstream_url, compression=None, open_timeout=UPSTREAM_OPEN_TIMEOUT_S
        )
        await self._expect("session.created")
        await self.upstream.send(
            json.dumps({"type": "session.update", "session": SESSION})
        )
        await self._expect("session.updated")
        await self.send_text(json.dumps({"type": "session.started"}))
        self._receiver = asyncio.create_task(self._receive())

    async def _expect(self, kind: str) -> None:
        event = json.loads(await self.upstream.recv())
        if event.get("type") != kind:
            raise RuntimeError(f"upstream sent {event.get('type')}, expected {kind}")

    async def _receive(self) -> None:
        try:
            async for message in self.upstream:
                event = json.loads(message)
                if event.get("type") == "response.output_audio.delta":
                    await self.send_bytes(base64.b64decode(event["delta"]))
        except ConnectionClosed:
            pass

    async def close(self) -> None:
        if self._receiver is not None:
            self._receiver.cancel()
        if self.upstream is not None:
            await self.upstream.close()


async def run_websockets(port: int, upstream_url: str) -> None:
    """The floor: a `websockets` server whose handler is the relay loop."""

    async def handler(ws: ServerConnection) -> None:
        session = PeerSession(upstream_url, ws.send, ws.send)
        try:
            async for message in ws:
                if isinstance(message, bytes):
                    await session.on_audio(message)
                elif not await session.on_text(message):
                    break
        except ConnectionClosed:
            pass
        finally:
            await session.close()

    async with serve(handler, "127.0.0.1", port, compression=None, max_size=2**20):
        await asyncio.get_running_loop().create_future()  # serve until killed


def starlette_app(upstream_url: str):
    """A Starlette app with the product's session route doing the relay loop."""
    from starlette.applications import Starlette
    from starlette.routing import WebSocketRoute
    from starlette.websockets import WebSocket

    async def endpoint(ws: WebSocket) -> None:
        await ws.accept()
        session = PeerSession(upstream_url, ws.send_bytes, ws.send_text)
        try:
            while True:
                message = await ws.receive()
                if message["type"] == "websocket.disconnect":
                    break
                if message.get("bytes") is not None:
                    await session.on_audio(message["bytes"])
                elif not await session.on_text(message["text"]):
                    break
        finally:
            await session.close()

    return Starlette(routes=[WebSocketRoute("/ws/bots/{bot_id}/session/", endpoint)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", choices=("websockets", "uvicorn"), required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--upstream", required=True, help="the echo upstream's URL")
    args = parser.parse_args()
    if args.server == "websockets":
        uvloop.run(run_websockets(args.port, args.upstream))
    else:
        import uvicorn

        uvicorn.run(
            starlette_app(args.upstream),
            host="127.0.0.1",
            port=args.port,
            loop="uvloop",
            ws="websockets",
            ws_per_message_deflate=False,
            log_level="warning",
        )


if __name__ == "__main__":
    main()
