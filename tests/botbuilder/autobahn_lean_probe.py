"""Run in a process of its own (a Twisted reactor cannot be restarted): a real autobahn
websocket echo server with `botbuilder.serving.install_lean_autobahn`, and a websockets
client sending masked binary and text frames, some of them written to the socket in pieces
so that one frame is unmasked in several `process` calls.

Prints one JSON line: whether every message came back intact, and what was patched.
"""

import asyncio
import json
import os
import sys
import threading

from botbuilder import serving

serving.install_reactor("asyncio")

from autobahn.twisted.websocket import (  # noqa: E402 (after the reactor)
    WebSocketServerFactory,
    WebSocketServerProtocol,
)
from autobahn.websocket import protocol  # noqa: E402
from twisted.internet import reactor  # noqa: E402

result = {"lean": serving.install_lean_autobahn()}
result["masker"] = protocol.create_xor_masker is serving.create_masker


class Echo(WebSocketServerProtocol):
    def onMessage(self, payload, isBinary):
        self.sendMessage(payload, isBinary)


factory = WebSocketServerFactory()
factory.protocol = Echo
port = reactor.listenTCP(0, factory, interface="127.0.0.1")
MESSAGES = [os.urandom(n) for n in (1, 3, 4, 5, 125, 126, 960, 4097, 70_000)]
MESSAGES += ["héllo wörld " * 40]


async def client() -> None:
    import websockets

    url = f"ws://127.0.0.1:{port.getHost().port}/"
    async with websockets.connect(url, max_size=None) as ws:
        back = []
        for message in MESSAGES:
            await ws.send(message)
            back.append(await ws.recv())
        # A frame written in pieces: the server unmasks it as it arrives.
        writer = ws.transport
        payload = os.urandom(960)
        frame = bytearray([0x82, 0x80 | 126]) + len(payload).to_bytes(2, "big")
        mask = os.urandom(4)
        frame += mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        for start in range(0, len(frame), 301):
            writer.write(bytes(frame[start : start + 301]))
            await asyncio.sleep(0.02)
        split_back = await ws.recv()
    result["intact"] = back == MESSAGES
    result["split_intact"] = split_back == payload


def run_client() -> None:
    try:
        asyncio.run(client())
    except Exception as exc:  # reported, not raised in the thread
        result["error"] = repr(exc)
    reactor.callFromThread(reactor.stop)


threading.Thread(target=run_client, daemon=True).start()
reactor.callLater(30, reactor.stop)
reactor.run()
print(json.dumps(result))
sys.exit(0)
