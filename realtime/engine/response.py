"""One response: plan it, then stream function calls or speech as GA server events."""

import asyncio
import json
import logging
from typing import TYPE_CHECKING, Any

from botbuilder.catalogue import in_reasoning_family
from realtime.engine import analysis
from realtime.engine.answer import Plan, plan_response
from realtime.engine.audio_out import AudioOutMixin
from realtime.engine.calls import PREAMBLE, with_parallel_calls
from realtime.engine.events import (
    AUDIO_OUT_MS_PER_TOKEN,
    event,
    new_id,
    rate_limits_event,
    response_object,
    text_tokens,
    usage,
)
from realtime.engine.voices import espeak_voice, for_language, session_language

if TYPE_CHECKING:
    from realtime.engine.session import Session

logger = logging.getLogger(__name__)

# A response waits this long at most for caller turns still being transcribed.
TRANSCRIPT_WAIT_S = 10.0


class Response(AudioOutMixin):
    """A running response; `task` streams it, `cancel()` stops it with status cancelled."""

    def __init__(self, session: "Session", params: dict[str, Any]):
        self.session = session
        self.params = params
        self.id = new_id("resp")
        self.in_band = params.get("conversation", "auto") != "none"
        self.output: list[dict[str, Any]] = []
        self.cancel_reason: str | None = None
        self.audio_ms = 0
        self.output_text = ""
        self.task: asyncio.Task | None = None
        config = session.config
        self.modalities = params.get("output_modalities") or config["output_modalities"]
        out_audio = dict(config["audio"]["output"])
        out_audio.update((params.get("audio") or {}).get("output") or {})
        self.audio_output = {
            "format": out_audio["format"],
            "voice": out_audio.get("voice"),
        }
        self.voice = for_language(
            espeak_voice(out_audio.get("voice"), session.voice_override),
            session_language(config),
        )
        self.speed = float(out_audio.get("speed") or 1.0)

    def cancel(self, reason: str) -> None:
        if self.cancel_reason is None and self.task and not self.task.done():
            self.cancel_reason = reason
            self.task.cancel()

    def _object(
        self, status: str, usage_block: dict | None = None, details=None
    ) -> dict:
        return response_object(
            self.id,
            status=status,
            output=self.output,
            conversation_id=self.session.conversation_id if self.in_band else None,
            modalities=self.modalities,
            audio_output=self.audio_output,
            metadata=self.params.get("metadata"),
            max_output_tokens=self.params.get(
                "max_output_tokens", self.session.config["max_output_tokens"]
            ),
            status_details=details,
            usage_block=usage_block,
        )

    def _context(self) -> list[dict[str, Any]]:
        if isinstance(self.params.get("input"), list):
            return self.params["input"]
        return self.session.items

    async def _await_transcripts(self) -> None:
        """Let committed caller turns finish transcribing (a manual commit followed at
        once by response.create would otherwise be answered without its words)."""
        pending = [
            t for t in self.session.turn_tasks if t is not asyncio.current_task()
        ]
        if pending:
            await asyncio.wait(pending, timeout=TRANSCRIPT_WAIT_S)

    async def run(self) -> None:
        send = self.session.send
        await send(event("response.created", response=self._object("in_progress")))
        await send(rate_limits_event())
        status, details = "completed", None
        current: dict[str, Any] | None = None
        try:
            await self._await_transcripts()
            loop = asyncio.get_running_loop()
            forced = analysis.forced_tool(self.params, self.session.config)
            if (
                forced is not None
            ):  # a judge's forced call (realtime/engine/analysis.py)
                plan = await loop.run_in_executor(
                    self.session.executor, analysis.forced_plan, forced, self._context()
                )
            else:
                plan = await loop.run_in_executor(
                    self.session.executor,
                    plan_response,
                    self.session.config,
                    self._context(),
                    self.params.get("instructions"),
                    self.session.alternatives,
                )
                plan = with_parallel_calls(self.session.config, self._context(), plan)
            self.session.last_plan = plan
            # gpt-realtime-2 family models say a preamble before their tool calls.
            if plan.calls and in_reasoning_family(self.session.config.get("model", "")):
                current = self._new_message()
                await self._speak(current, Plan(text=PREAMBLE))
                current = None
            for name, args in plan.calls:
                await self._function_call(name, args)
            if plan.text:
                current = self._new_message()
                await self._speak(current, plan)
                current = None
        except asyncio.CancelledError:
            status = "cancelled"
            details = {
                "type": "cancelled",
                "reason": self.cancel_reason or "client_cancelled",
            }
            if current is not None:
                await self._finish_message(current, "incomplete")
        except Exception:  # a bug must not kill the session: report a failed response
            logger.exception("response %s failed", self.id)
            status = "failed"
            details = {
                "type": "failed",
                "error": {"type": "server_error", "code": None},
            }
        await send(
            event(
                "response.done", response=self._object(status, self._usage(), details)
            )
        )
        self.session.response_finished(self)

    def _usage(self) -> dict[str, Any]:
        context = self._context()
        config = self.session.config
        input_text = text_tokens(config.get("instructions") or "") + text_tokens(
            json.dumps(config.get("tools") or []) if config.get("tools") else ""
        )
        input_text += text_tokens(self.params.get("instructions") or "")
        input_audio = 0
        for item in context:
            input_audio += self.session.audio_tokens.get(item.get("id"), 0)
            for part in item.get("content") or []:
                input_text += text_tokens(part.get("text") or "")
            input_text += text_tokens(item.get("arguments") or item.get("output") or "")
        output_audio = (
            -(-self.audio_ms // AUDIO_OUT_MS_PER_TOKEN) if self.audio_ms else 0
        )
        return usage(
            input_text=input_text,
            input_audio=input_audio,
            output_text=text_tokens(self.output_text),
            output_audio=output_audio,
        )

    async def _add_item(self, item: dict[str, Any]) -> None:
        index = len(self.output)
        self.output.append(item)
        await self.session.send(
            event(
                "response.output_item.added",
                response_id=self.id,
                output_index=index,
                item=item,
            )
        )
        if self.in_band:
            await self.session.add_item(item, announce_done=False)

    async def _done_item(self, item: dict[str, Any], status: str) -> None:
        item["status"] = status
        await self.session.send(
            event(
                "response.output_item.done",
                response_id=self.id,
                output_index=self.output.index(item),
                item=item,
            )
        )
        if self.in_band:
            await self.session.send(
                event(
                    "conversation.item.done",
                    item=item,
                    previous_item_id=self.session.previous_id(item),
                )
            )

    async def _function_call(self, name: str, args: dict[str, Any]) -> None:
        arguments = json.dumps(args)
        item = {
            "id": new_id("item"),
            "object": "realtime.item",
            "type": "function_call",
            "status": "in_progress",
            "name": name,
            "call_id": new_id("call"),
            "arguments": "",
        }
        await self._add_item(item)
        ids = {
            "response_id": self.id,
            "item_id": item["id"],
            "output_index": self.output.index(item),
            "call_id": item["call_id"],
        }
        await self.session.send(
            event("response.function_call_arguments.delta", **ids, delta=arguments)
        )
        item["arguments"] = arguments
        self.output_text += name + arguments
        await self.session.send(
            event(
                "response.function_call_arguments.done",
                **ids,
                name=name,
                arguments=arguments,
            )
        )
        await self._done_item(item, "completed")

    def _new_message(self) -> dict[str, Any]:
        return {
            "id": new_id("item"),
            "object": "realtime.item",
            "type": "message",
            "role": "assistant",
            "status": "in_progress",
            "content": [],
        }

    def _audio(self) -> bool:
        return "audio" in self.modalities

    async def _speak(self, item: dict[str, Any], plan: Plan) -> None:
        await self._add_item(item)
        part_type = "output_audio" if self._audio() else "output_text"
        part = (
            {"type": part_type, "transcript": ""}
            if self._audio()
            else {"type": "output_text", "text": ""}
        )
        item["content"].append(part)
        await self.session.send(
            event("response.content_part.added", **self._ids(item), part=_part(part))
        )
        if self._audio():
            await self._stream_audio(item, plan.text)
        else:
            await self.session.send(
                event("response.output_text.delta", **self._ids(item), delta=plan.text)
            )
            part["text"] = plan.text
            self.output_text = plan.text
        await self._finish_message(item, "completed")

    def _ids(self, item: dict[str, Any]) -> dict[str, Any]:
        return {
            "response_id": self.id,
            "item_id": item["id"],
            "output_index": self.output.index(item),
            "content_index": 0,
        }

    async def _finish_message(self, item: dict[str, Any], status: str) -> None:
        ids = self._ids(item)
        part = item["content"][0] if item["content"] else None
        if part is not None and self._audio():
            self.session.audio_ms_by_item[item["id"]] = self.audio_ms
            await self.session.send(event("response.output_audio.done", **ids))
            await self.session.send(
                event(
                    "response.output_audio_transcript.done",
                    **ids,
                    transcript=part["transcript"],
                )
            )
        elif part is not None:
            await self.session.send(
                event("response.output_text.done", **ids, text=part["text"])
            )
        if part is not None:
            await self.session.send(
                event("response.content_part.done", **ids, part=_part(part))
            )
        await self._done_item(item, status)


def _part(content: dict[str, Any]) -> dict[str, Any]:
    """An item's content part as `response.content_part.*` carries it ("audio"/"text")."""
    kind = {"output_audio": "audio", "output_text": "text"}[content["type"]]
    return {**content, "type": kind}
