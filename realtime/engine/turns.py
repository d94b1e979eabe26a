"""Input audio turns: the buffer, server VAD, commits, transcription, auto responses."""

import asyncio
import logging
from typing import Any

import numpy as np

from realtime.audio import duration_ms
from realtime.engine.answer import pick_hypothesis
from realtime.engine.events import (
    AUDIO_IN_MS_PER_TOKEN,
    error_event,
    event,
    new_id,
    text_tokens,
)
from realtime.engine.vad import ServerVad
from realtime.engine.validation import SessionError

logger = logging.getLogger(__name__)

MIN_COMMIT_MS = (
    100  # OpenAI rejects shorter commits with input_audio_buffer_commit_empty
)


class TurnsMixin:
    """Mixed into Session: everything between `input_audio_buffer.append` and a response."""

    def init_turns(self) -> None:
        self.buffer: list[np.ndarray] = []
        self.buffer_start_ms = 0  # session audio position of the buffer's first sample
        self.received_ms = 0
        self.vad: ServerVad | None = None
        self.speech_item_id: str | None = None
        self.speculation: tuple[int, asyncio.Future] | None = None  # (samples, decode)
        self.turn_tasks: set[asyncio.Task] = set()
        self.configure_vad()

    def cancel_turns(self) -> None:
        for task in self.turn_tasks:
            task.cancel()

    def configure_vad(self) -> None:
        td = self.config["audio"]["input"]["turn_detection"]
        if not td:
            self.vad = None
            return
        self.vad = ServerVad(
            threshold=float(td.get("threshold", 0.5))
            if td["type"] == "server_vad"
            else 0.5,
            prefix_padding_ms=int(td.get("prefix_padding_ms", 300) or 0),
            silence_duration_ms=int(td.get("silence_duration_ms", 500) or 500),
            rate_hz=self.input_rate_hz(),
        )
        self.vad.position_ms = self.received_ms

    async def _handle_input_audio_buffer_append(self, message: dict[str, Any]) -> None:
        samples = self.decode_input(message.get("audio"))
        if not self.buffer:
            self.buffer_start_ms = self.received_ms
        self.buffer.append(samples)
        self.received_ms += duration_ms(samples.size, self.input_rate_hz())
        if self.vad is None:
            return
        for vad_event in self.vad.feed(samples):
            await getattr(self, f"_on_{vad_event.kind}")(vad_event.audio_ms)

    async def _on_started(self, audio_ms: int) -> None:
        self.speech_item_id = new_id("item")
        self.speculation = None
        await self.send(
            event(
                "input_audio_buffer.speech_started",
                audio_start_ms=audio_ms,
                item_id=self.speech_item_id,
            )
        )
        td = self.config["audio"]["input"]["turn_detection"] or {}
        if td.get("interrupt_response", True) and self.in_band is not None:
            self.in_band.cancel("turn_detected")
        # Keep only the prefix padding before the speech start in the buffer.
        keep_from = max(audio_ms, self.buffer_start_ms)
        self._drop_buffer_before(keep_from)

    def _drop_buffer_before(self, position_ms: int) -> None:
        rate = self.input_rate_hz()
        samples = np.concatenate(self.buffer) if self.buffer else np.zeros(0, np.int16)
        cut = max(0, (position_ms - self.buffer_start_ms) * rate // 1000)
        self.buffer = [samples[cut:]] if samples.size > cut else []
        self.buffer_start_ms = position_ms

    async def _on_pause(self, audio_ms: int) -> None:
        """The caller paused: start decoding now, the turn will most likely end here."""
        samples = np.concatenate(self.buffer) if self.buffer else np.zeros(0, np.int16)
        self.speculation = (samples.size, self._decode(samples))

    def _decode(self, samples: np.ndarray) -> asyncio.Future:
        rate = self.input_rate_hz()

        def recognise(texts: list[str]) -> tuple[str, list[str]]:
            # Cached: a lookup unless pocketsphinx's model was evicted.
            prepared = self.recogniser.prepare(texts)
            hypotheses = self.recogniser.transcribe(samples, rate, prepared)
            return pick_hypothesis(self.config, hypotheses), hypotheses

        async def run() -> tuple[str, list[str]]:
            await self.speech_model_ready()
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self.executor, recognise, self.asr_texts)

        return asyncio.ensure_future(run())

    async def _on_stopped(self, audio_ms: int) -> None:
        await self.send(
            event(
                "input_audio_buffer.speech_stopped",
                audio_end_ms=audio_ms,
                item_id=self.speech_item_id,
            )
        )
        td = self.config["audio"]["input"]["turn_detection"] or {}
        await self.commit(
            item_id=self.speech_item_id, respond=bool(td.get("create_response", True))
        )

    async def _handle_input_audio_buffer_commit(self, message: dict[str, Any]) -> None:
        if self.buffered_ms() < MIN_COMMIT_MS:
            raise SessionError(
                f"Error committing input audio buffer: buffer too small. Expected at least "
                f"{MIN_COMMIT_MS}ms of audio, but buffer only has "
                f"{self.buffered_ms():.2f}ms of audio.",
                "input_audio_buffer_commit_empty",
                None,
            )
        await self.commit(item_id=None, respond=False)

    async def _handle_input_audio_buffer_clear(self, message: dict[str, Any]) -> None:
        self.buffer, self.speculation = [], None
        self.buffer_start_ms = self.received_ms
        await self.send(event("input_audio_buffer.cleared"))

    async def commit(self, *, item_id: str | None, respond: bool) -> None:
        """Turn the buffer into a user item, transcribe it, maybe answer it."""
        samples = np.concatenate(self.buffer) if self.buffer else np.zeros(0, np.int16)
        self.buffer = []
        self.buffer_start_ms = self.received_ms
        speculation, self.speculation = self.speculation, None
        decode = None
        if speculation is not None and self._tail_is_quiet(samples, speculation[0]):
            decode = speculation[1]  # nothing but silence since the pause: reuse it
        if decode is None:
            decode = self._decode(samples)
        item = {
            "id": item_id or new_id("item"),
            "object": "realtime.item",
            "type": "message",
            "role": "user",
            "status": "completed",
            "content": [{"type": "input_audio", "transcript": None}],
        }
        self.audio_tokens[item["id"]] = -(
            -duration_ms(samples.size, self.input_rate_hz()) // AUDIO_IN_MS_PER_TOKEN
        )
        await self.send(
            event(
                "input_audio_buffer.committed",
                item_id=item["id"],
                previous_item_id=self.items[-1]["id"] if self.items else None,
            )
        )
        await self.add_item(item, announce_done=False)
        task = asyncio.create_task(self._finish_turn(item, decode, respond))
        self.turn_tasks.add(task)
        task.add_done_callback(self.turn_tasks.discard)

    def _tail_is_quiet(self, samples: np.ndarray, decoded: int) -> bool:
        """True when audio after the speculative decode point holds no speech."""
        if self.vad is None or decoded > samples.size:
            return False
        tail = samples[decoded:]
        if tail.size == 0:
            return True
        peak = float(np.sqrt(np.mean(tail.astype(np.float32) ** 2))) / 32768.0
        return peak < self.vad.rms_threshold

    async def _finish_turn(
        self, item: dict[str, Any], decode: asyncio.Future, respond: bool
    ) -> None:
        try:
            transcript, hypotheses = await decode
        except Exception:
            logger.exception("transcription failed")
            transcript, hypotheses = "", []
        item["content"][0]["transcript"] = transcript
        self.alternatives[item["id"]] = hypotheses
        await self.send(
            event(
                "conversation.item.done",
                item=item,
                previous_item_id=self.previous_id(item),
            )
        )
        transcription = self.config["audio"]["input"].get("transcription")
        if transcription:
            ids = {"item_id": item["id"], "content_index": 0}
            if transcript:
                await self.send(
                    event(
                        "conversation.item.input_audio_transcription.delta",
                        **ids,
                        delta=transcript,
                        logprobs=None,
                    )
                )
            audio_tokens = self.audio_tokens.get(item["id"], 0)
            out_tokens = text_tokens(transcript)
            await self.send(
                event(
                    "conversation.item.input_audio_transcription.completed",
                    **ids,
                    transcript=transcript,
                    logprobs=None,
                    usage={
                        "type": "tokens",
                        "input_tokens": audio_tokens,
                        "output_tokens": out_tokens,
                        "total_tokens": audio_tokens + out_tokens,
                        "input_token_details": {
                            "text_tokens": 0,
                            "audio_tokens": audio_tokens,
                        },
                    },
                )
            )
        if respond:
            if self.in_band is not None:
                await self.send(
                    error_event(
                        "Conversation already has an active response in progress: "
                        f"{self.in_band.id}.",
                        code="conversation_already_has_active_response",
                    )
                )
                return
            await self.create_response({})
