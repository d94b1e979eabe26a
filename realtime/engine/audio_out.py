"""Streaming a response's speech: eSpeak audio in 40 ms deltas with transcript deltas."""

import asyncio
import base64
import time
from typing import Any

from realtime.audio import (
    MODEL_SAMPLE_RATE_HZ,
    ULAW_SAMPLE_RATE_HZ,
    array_to_pcm16,
    resample,
    resample_blocks,
    ulaw_encode,
)
from realtime.engine import tts
from realtime.engine.events import AUDIO_OUT_MS_PER_TOKEN, event

DELTA_MS = 40  # audio per output delta (the real service sends 20-50 ms pieces)
INITIAL_BURST_MS = 1000  # sent at once, then paced
PACE_SPEEDUP = 4.0  # later audio goes out this many times faster than real time
RESAMPLE_BLOCK_MS = 400


class AudioOutMixin:
    """Mixed into Response: synthesise, resample block by block, send faster than real time."""

    async def _stream_audio(self, item: dict[str, Any], text: str) -> None:
        loop = asyncio.get_running_loop()
        rate = int(self.voice.rate_wpm * self.speed)
        pcm, native_hz = await loop.run_in_executor(
            self.session.executor,
            lambda: tts.synthesize_native(
                text, voice=self.voice.voice, rate_wpm=rate, pitch=self.voice.pitch
            ),
        )
        blocks = resample_blocks(
            pcm,
            native_hz,
            MODEL_SAMPLE_RATE_HZ,
            MODEL_SAMPLE_RATE_HZ * RESAMPLE_BLOCK_MS // 1000,
        )
        total_ms = max(1, len(pcm) * 1000 // native_hz)
        words = text.split(" ")
        spoken_words = 0
        started = time.monotonic()
        delta_samples = MODEL_SAMPLE_RATE_HZ * DELTA_MS // 1000
        ulaw = self.audio_output["format"].get("type") == "audio/pcmu"
        while True:
            block = await loop.run_in_executor(
                self.session.executor, next, blocks, None
            )
            if block is None:
                break
            for start in range(0, block.size, delta_samples):
                piece = block[start : start + delta_samples]
                if ulaw:
                    payload = ulaw_encode(
                        resample(piece, MODEL_SAMPLE_RATE_HZ, ULAW_SAMPLE_RATE_HZ)
                    )
                else:
                    payload = array_to_pcm16(piece)
                await self.session.send(
                    event(
                        "response.output_audio.delta",
                        **self._ids(item),
                        delta=base64.b64encode(payload).decode(),
                    )
                )
                self.audio_ms += piece.size * 1000 // MODEL_SAMPLE_RATE_HZ
                due = min(len(words), round(len(words) * self.audio_ms / total_ms))
                if due > spoken_words:
                    chunk = " ".join(words[spoken_words:due])
                    chunk = chunk if spoken_words == 0 else " " + chunk
                    spoken_words = due
                    self.output_text += chunk
                    item["content"][0]["transcript"] = self.output_text
                    await self.session.send(
                        event(
                            "response.output_audio_transcript.delta",
                            **self._ids(item),
                            delta=chunk,
                        )
                    )
                await self._pace(started)
        self.session.audio_ms_by_item[item["id"]] = self.audio_ms
        self.session.audio_tokens[item["id"]] = self.audio_ms // AUDIO_OUT_MS_PER_TOKEN

    async def _pace(self, started: float) -> None:
        ahead_ms = (
            self.audio_ms
            - INITIAL_BURST_MS
            - (time.monotonic() - started) * 1000 * PACE_SPEEDUP
        )
        await asyncio.sleep(max(0.0, ahead_ms / 1000 / PACE_SPEEDUP))
