"""How much the relay costs per audio frame, both directions (prints figures; not a test).

Runs a SessionRunner over an in-memory transport against a local websocket that answers
every caller frame with one bot audio delta, and reports frames per second and CPU time per
frame. Usage: python bench/relay_throughput.py [seconds_of_audio]
"""

import asyncio
import base64
import json
import os
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "botbuilder.settings")
django.setup()

from websockets.asyncio.server import serve  # noqa: E402

from realtime.providers import UpstreamTarget  # noqa: E402
from realtime.session.config import SessionSetup  # noqa: E402
from realtime.session.runner import SessionRunner  # noqa: E402

FRAME_MS = 20
FRAME = b"\x01\x00" * (24 * FRAME_MS)  # PCM16 24 kHz


class NullTransport:
    def __init__(self, expect_bytes: int):
        self.audio_bytes = 0
        self.expect_bytes = expect_bytes
        self.all_audio = asyncio.Event()

    async def send_audio(self, audio):
        self.audio_bytes += len(audio)
        if self.audio_bytes >= self.expect_bytes:
            self.all_audio.set()

    async def send_event(self, event):
        pass

    async def close(self, code=1000):
        pass


class NullStore:
    def append_item(self, record):
        pass

    def set_usage(self, usage, cost_usd, turn_count):
        pass

    def save_recording(self, path):
        pass

    async def close(self, **kwargs):
        pass


async def upstream(ws):
    delta = base64.b64encode(FRAME).decode()
    await ws.send(json.dumps({"type": "response.created", "response": {"id": "r1"}}))
    await ws.send(
        json.dumps(
            {
                "type": "response.output_item.added",
                "response_id": "r1",
                "item": {"id": "i1", "type": "message"},
            }
        )
    )
    async for message in ws:
        if json.loads(message)["type"] == "input_audio_buffer.append":
            await ws.send(
                json.dumps(
                    {
                        "type": "response.output_audio.delta",
                        "response_id": "r1",
                        "item_id": "i1",
                        "delta": delta,
                    }
                )
            )


async def main(seconds: float) -> None:
    async with serve(upstream, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        frames = int(seconds * 1000 / FRAME_MS)
        transport = NullTransport(frames * len(FRAME))
        setup = SessionSetup(
            session_id="bench",
            model="gpt-realtime-mini",
            session={"type": "realtime"},
            target=UpstreamTarget(f"ws://127.0.0.1:{port}/v1/realtime"),
        )
        runner = SessionRunner(setup, transport, NullStore())
        await runner.start()
        cpu0, wall0 = time.process_time(), time.perf_counter()
        for _ in range(frames):
            await runner.on_caller_audio(FRAME)
        await transport.all_audio.wait()
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
        await runner.end(reason="client_closed")
    print(f"{frames} frames of {FRAME_MS} ms each way ({seconds:.0f} s of audio)")
    print(f"wall {wall:.2f} s, CPU {cpu:.2f} s (relay + local upstream in one process)")
    print(
        f"{frames / wall:.0f} frame pairs/s; {cpu / frames * 1e6:.0f} µs CPU per pair"
    )
    print(f"≈ {seconds / wall:.0f} real-time sessions per core (upper bound)")


if __name__ == "__main__":
    asyncio.run(main(float(sys.argv[1]) if len(sys.argv) > 1 else 60.0))
