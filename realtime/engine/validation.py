"""Validation of GA `session.update` payloads, with OpenAI's error codes and params."""

import copy
from typing import Any

OPENAI_VOICES = (
    "alloy",
    "ash",
    "ballad",
    "coral",
    "echo",
    "sage",
    "shimmer",
    "verse",
    "marin",
    "cedar",
)
SESSION_KEYS = {
    "type",
    "model",
    "instructions",
    "output_modalities",
    "audio",
    "tools",
    "tool_choice",
    "max_output_tokens",
    "tracing",
    "truncation",
    "include",
    "prompt",
    "reasoning",  # reasoning models (gpt-realtime-2 family); the engine ignores it
    "parallel_tool_calls",
}
AUDIO_INPUT_KEYS = {"format", "noise_reduction", "transcription", "turn_detection"}
AUDIO_OUTPUT_KEYS = {"format", "voice", "speed"}
FORMAT_TYPES = {"audio/pcm", "audio/pcmu", "audio/pcma"}
SUPPORTED_INPUT_FORMATS = {"audio/pcm", "audio/pcmu"}
VAD_KEYS = {
    "server_vad": {
        "type",
        "threshold",
        "prefix_padding_ms",
        "silence_duration_ms",
        "create_response",
        "interrupt_response",
        "idle_timeout_ms",
    },
    "semantic_vad": {"type", "eagerness", "create_response", "interrupt_response"},
}


class SessionError(ValueError):
    """An invalid session field: becomes an `invalid_request_error` event."""

    def __init__(self, message: str, code: str, param: str):
        super().__init__(message)
        self.code = code
        self.param = param


def default_session(model: str) -> dict[str, Any]:
    """The effective config a new session starts with (as in `session.created`)."""
    return {
        "type": "realtime",
        "object": "realtime.session",
        "id": "",
        "model": model,
        "output_modalities": ["audio"],
        "instructions": "",
        "tools": [],
        "tool_choice": "auto",
        "max_output_tokens": "inf",
        "tracing": None,
        "truncation": "auto",
        "prompt": None,
        "expires_at": 0,
        "include": None,
        "audio": {
            "input": {
                "format": {"type": "audio/pcm", "rate": 24000},
                "transcription": None,
                "noise_reduction": None,
                "turn_detection": {
                    "type": "server_vad",
                    "threshold": 0.5,
                    "prefix_padding_ms": 300,
                    "silence_duration_ms": 500,
                    "idle_timeout_ms": None,
                    "create_response": True,
                    "interrupt_response": True,
                },
            },
            "output": {
                "format": {"type": "audio/pcm", "rate": 24000},
                "voice": "marin",
                "speed": 1.0,
            },
        },
    }


# Kept in the engine's config but not part of the GA session object the SDK types give.
INTERNAL_SESSION_KEYS = ("id", "object", "expires_at")


def public_session(config: dict[str, Any]) -> dict[str, Any]:
    """The session object of `session.created`/`session.updated`."""
    return {k: v for k, v in config.items() if k not in INTERNAL_SESSION_KEYS}


def _unknown(keys: set[str], allowed: set[str], prefix: str) -> None:
    for key in sorted(keys - allowed):
        raise SessionError(
            f"Unknown parameter: '{prefix}.{key}'.",
            "unknown_parameter",
            f"{prefix}.{key}",
        )


def _check_format(value: Any, param: str, allowed: set[str]) -> None:
    if not isinstance(value, dict):
        raise SessionError(
            f"Invalid type for '{param}': expected an object, but got a "
            f"{type(value).__name__} instead.",
            "invalid_type",
            param,
        )
    if value.get("type") not in FORMAT_TYPES:
        raise SessionError(
            f"Invalid value: '{value.get('type')}'. Supported values are: "
            + ", ".join(f"'{t}'" for t in sorted(FORMAT_TYPES))
            + ".",
            "invalid_value",
            f"{param}.type",
        )
    if value["type"] not in allowed:
        raise SessionError(
            f"The offline engine does not support '{value['type']}'.",
            "invalid_value",
            f"{param}.type",
        )
    if value["type"] == "audio/pcm" and value.get("rate", 24000) != 24000:
        raise SessionError(
            "Invalid value: only 24000 is supported for 'rate'.",
            "invalid_value",
            f"{param}.rate",
        )


def _check_turn_detection(value: Any, param: str) -> None:
    if value is None:
        return
    if not isinstance(value, dict) or value.get("type") not in VAD_KEYS:
        raise SessionError(
            "Invalid value for 'turn_detection.type': expected 'server_vad' "
            "or 'semantic_vad'.",
            "invalid_value",
            f"{param}.type",
        )
    _unknown(set(value), VAD_KEYS[value["type"]], param)
    threshold = value.get("threshold", 0.5)
    if not isinstance(threshold, int | float) or not 0.0 <= threshold <= 1.0:
        raise SessionError(
            "Invalid 'threshold': expected a number between 0 and 1.",
            "invalid_value",
            f"{param}.threshold",
        )
    for key in ("prefix_padding_ms", "silence_duration_ms"):
        if key in value and (not isinstance(value[key], int) or value[key] < 0):
            raise SessionError(
                f"Invalid '{key}': expected a non-negative integer.",
                "invalid_value",
                f"{param}.{key}",
            )


def _check_tools(tools: Any) -> None:
    if not isinstance(tools, list):
        raise SessionError(
            "Invalid type for 'session.tools': expected an array.",
            "invalid_type",
            "session.tools",
        )
    for i, tool in enumerate(tools):
        if (
            not isinstance(tool, dict)
            or tool.get("type") != "function"
            or not tool.get("name")
        ):
            raise SessionError(
                "Each tool needs type 'function' and a name.",
                "invalid_value",
                f"session.tools[{i}]",
            )


def apply_session_update(current: dict[str, Any], update: Any) -> dict[str, Any]:
    """Merge a GA `session` object into `current`; raise SessionError on a bad field."""
    if not isinstance(update, dict):
        raise SessionError(
            "Invalid type for 'session': expected an object.", "invalid_type", "session"
        )
    if "type" not in update:
        raise SessionError(
            "Missing required parameter: 'session.type'.",
            "missing_required_parameter",
            "session.type",
        )
    if update["type"] != "realtime":
        raise SessionError(
            f"Invalid value: '{update['type']}'. Supported values are: 'realtime'.",
            "invalid_value",
            "session.type",
        )
    _unknown(set(update), SESSION_KEYS, "session")
    audio = update.get("audio", {})
    if not isinstance(audio, dict):
        raise SessionError(
            "Invalid type for 'session.audio': expected an object.",
            "invalid_type",
            "session.audio",
        )
    _unknown(set(audio), {"input", "output"}, "session.audio")
    audio_in, audio_out = audio.get("input", {}), audio.get("output", {})
    _unknown(set(audio_in), AUDIO_INPUT_KEYS, "session.audio.input")
    _unknown(set(audio_out), AUDIO_OUTPUT_KEYS, "session.audio.output")
    if "format" in audio_in:
        _check_format(
            audio_in["format"], "session.audio.input.format", SUPPORTED_INPUT_FORMATS
        )
    if "format" in audio_out:
        _check_format(
            audio_out["format"], "session.audio.output.format", SUPPORTED_INPUT_FORMATS
        )
    if "turn_detection" in audio_in:
        _check_turn_detection(
            audio_in["turn_detection"], "session.audio.input.turn_detection"
        )
    voice = audio_out.get("voice")
    if voice is not None and not (voice in OPENAI_VOICES or isinstance(voice, dict)):
        raise SessionError(
            f"Invalid value: '{voice}'. Supported values are: "
            + ", ".join(f"'{v}'" for v in OPENAI_VOICES)
            + ".",
            "invalid_value",
            "session.audio.output.voice",
        )
    modalities = update.get("output_modalities")
    if modalities is not None and modalities not in (["audio"], ["text"]):
        raise SessionError(
            "Invalid 'output_modalities': use ['audio'] or ['text'].",
            "invalid_value",
            "session.output_modalities",
        )
    if "tools" in update:
        _check_tools(update["tools"])
    if "model" in update and update["model"] != current["model"]:
        raise SessionError(
            "The model cannot be changed during a session.",
            "invalid_value",
            "session.model",
        )
    merged = copy.deepcopy(current)
    for key, value in update.items():
        if key != "audio":
            merged[key] = copy.deepcopy(value)
    for side, values in (("input", audio_in), ("output", audio_out)):
        for key, value in values.items():
            if key == "turn_detection" and value is not None:
                base = default_session("")["audio"]["input"]["turn_detection"]
                value = (
                    {**base, **value} if value["type"] == "server_vad" else dict(value)
                )
            merged["audio"][side][key] = copy.deepcopy(value)
    return merged
