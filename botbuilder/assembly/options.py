"""Model-dependent parts of the GA session config: turn detection, transcription, voice,
reasoning and truncation (field names and shapes as `openai.types.realtime` gives them).

Options a model does not take are left out here; the bot form refuses choosing them.
"""

from typing import Any

from botbuilder.assembly.snapshot import BotSpec, VoiceSpec
from botbuilder.catalogue import RealtimeModelRecord, transcription_model


def split_list(text: str) -> list[str]:
    """Items of a comma- or line-separated list, stripped, empty ones dropped."""
    return [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]


def turn_detection(bot: BotSpec) -> dict[str, Any] | None:
    """`audio.input.turn_detection`; `idle_timeout_ms` exists for server VAD only."""
    if bot.turn_detection == "server_vad":
        detection: dict[str, Any] = {
            "type": "server_vad",
            "threshold": bot.vad_threshold,
            "prefix_padding_ms": bot.vad_prefix_padding_ms,
            "silence_duration_ms": bot.vad_silence_ms,
            "create_response": True,
            "interrupt_response": bot.interrupt_on_speech,
        }
        if bot.idle_timeout_ms:
            detection["idle_timeout_ms"] = bot.idle_timeout_ms
        return detection
    if bot.turn_detection == "semantic_vad":
        return {
            "type": "semantic_vad",
            "eagerness": bot.semantic_eagerness,
            "create_response": True,
            "interrupt_response": bot.interrupt_on_speech,
        }
    return None


def transcription(bot: BotSpec) -> dict[str, Any] | None:
    """`audio.input.transcription`: model, language, and languages/keywords where taken."""
    if not bot.input_transcription_model:
        return None
    config: dict[str, Any] = {"model": bot.input_transcription_model}
    if bot.language:
        config["language"] = bot.language.split("-")[0].lower()
    record = transcription_model(bot.input_transcription_model)
    if record is not None and record.languages_and_keywords:
        languages = [c.lower() for c in split_list(bot.transcription_languages)]
        keywords = split_list(bot.transcription_keywords)
        if languages:
            config["languages"] = languages
        if keywords:
            config["keywords"] = keywords
    return config


def voice(spec: VoiceSpec) -> str | dict[str, str]:
    """A provider voice name, or a custom voice reference `{"id": "voice_..."}`."""
    if spec.custom_voice_id:
        return {"id": spec.custom_voice_id}
    return spec.provider_voice


def truncation(bot: BotSpec) -> str | dict[str, Any]:
    """`truncation`: "auto", "disabled" or a retention ratio with its token limit."""
    if bot.truncation != "retention_ratio" or bot.truncation_retention_ratio is None:
        return "disabled" if bot.truncation == "disabled" else "auto"
    config: dict[str, Any] = {
        "type": "retention_ratio",
        "retention_ratio": bot.truncation_retention_ratio,
    }
    if bot.truncation_post_instructions_tokens:
        config["token_limits"] = {
            "post_instructions": bot.truncation_post_instructions_tokens
        }
    return config


def reasoning_options(
    bot: BotSpec, record: RealtimeModelRecord | None
) -> dict[str, Any]:
    """`reasoning` and `parallel_tool_calls`, for reasoning models only."""
    if record is None or not record.reasoning:
        return {}
    options: dict[str, Any] = {"reasoning": {"effort": bot.reasoning_effort}}
    if bot.parallel_tool_calls is not None:
        options["parallel_tool_calls"] = bot.parallel_tool_calls
    return options


def model_warnings(model: str, record: RealtimeModelRecord | None) -> list[str]:
    """A legacy or retired model, said where the assembled instructions are reviewed."""
    if record is None or record.status == "current":
        return []
    successor = f" Move the bot to {record.successor}." if record.successor else ""
    if record.is_retired:
        return [
            f"{record.name} was shut down on {record.shutdown:%Y-%m-%d}: sessions cannot "
            f"start.{successor}"
        ]
    return [
        f"{record.name} is a legacy model; it shuts down on {record.shutdown:%Y-%m-%d}."
        f"{successor}"
    ]
