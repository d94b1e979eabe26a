"""The one dispatch table: which component handles each upstream (model) event.

Unknown event types are logged once and ignored (forward compatibility).
"""

from collections.abc import Awaitable, Callable
from typing import Any

from realtime.session.assistant import AssistantOutput
from realtime.session.caller import CallerInput
from realtime.session.limits import Limits
from realtime.session.listening import Listening
from realtime.session.playback import Playback
from realtime.session.replies import ResponseEvents

Handler = Callable[[dict[str, Any]], Awaitable[None]]

# Known events the relay has no use for (not logged).
IGNORED_EVENTS = frozenset(
    {
        "session.created",
        "session.updated",
        "conversation.created",
        "conversation.item.truncated",
        "conversation.item.deleted",
        "conversation.item.retrieved",
        "response.content_part.added",
        "response.content_part.done",
        "response.output_audio.done",
        "response.function_call_arguments.delta",
        "input_audio_buffer.cleared",
    }
)


def upstream_handlers(
    *,
    listening: Listening,
    assistant: AssistantOutput,
    replies: ResponseEvents,
    playback: Playback,
    limits: Limits,
    caller: CallerInput,
) -> dict[str, Handler]:
    """Upstream event type -> the component method that handles it."""
    listen, out = listening, assistant
    return {
        "error": replies.on_error,
        "input_audio_buffer.speech_started": listen.on_speech_started,
        "input_audio_buffer.speech_stopped": listen.on_speech_stopped,
        "input_audio_buffer.committed": listen.on_committed,
        "input_audio_buffer.timeout_triggered": limits.on_service_idle_timeout,
        "conversation.item.added": listen.on_item_added,
        "conversation.item.created": listen.on_item_added,
        "conversation.item.done": listen.on_item_added,
        "conversation.item.input_audio_transcription.delta": (
            listen.on_transcription_delta
        ),
        "conversation.item.input_audio_transcription.completed": (
            listen.on_transcription_completed
        ),
        "conversation.item.input_audio_transcription.failed": (
            listen.on_transcription_failed
        ),
        "response.created": replies.on_response_created,
        "response.done": replies.on_response_done,
        "response.output_item.added": out.on_item_added,
        "response.output_item.done": out.on_item_done,
        "response.output_audio.delta": playback.on_audio_delta,
        "response.output_audio_transcript.delta": out.on_text_delta,
        "response.output_audio_transcript.done": out.on_audio_transcript_done,
        "response.output_text.delta": out.on_text_delta,
        "response.output_text.done": out.on_text_done,
        "response.function_call_arguments.done": out.on_arguments_done,
        "rate_limits.updated": replies.on_rate_limits,
        # A SIP call's keypad (the audio does not pass through us; the model hears it).
        "input_audio_buffer.dtmf_event_received": caller.on_dtmf_event,
    }
