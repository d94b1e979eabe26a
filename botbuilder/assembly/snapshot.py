"""Plain, frozen descriptions of a bot and its records: the input of instruction assembly.

Built from the database by `botbuilder.selectors.bot_snapshot`, stored on the Session row,
and consumed by pure code (assembly, the relay, tools) that never touches the ORM.
"""

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class VoiceSpec:
    provider_voice: str = "marin"
    speed: float = 1.0
    custom_voice_id: str = ""  # "voice_..." replaces provider_voice upstream
    offline_voice: str = "en-us+klatt3"
    offline_rate_wpm: int = 165
    offline_pitch: int = 50


@dataclass(frozen=True)
class SnippetSpec:
    id: int
    title: str
    content: str
    mode: str = "inline"  # "inline" | "retrieved"
    priority: int = 0


@dataclass(frozen=True)
class ToolSpec:
    name: str
    description: str
    parameters: dict[str, Any]
    kind: str = "static"  # webhook | python | static | builtin
    id: int | None = None
    builtin: str = ""
    say_while_working: str = ""
    # Kind-specific settings (webhook_url, python_handler, static_response, ...).
    config: dict[str, Any] = field(default_factory=dict)

    def to_function(self) -> dict[str, Any]:
        """The GA `tools[]` entry for this tool."""
        return {
            "type": "function",
            "name": self.name,
            "description": self.description,
            "parameters": self.parameters or {"type": "object", "properties": {}},
        }


@dataclass(frozen=True)
class BotSpec:
    name: str
    instructions: str
    id: int | None = None
    slug: str = ""
    model: str = (
        "gpt-realtime-2.1-mini"  # the model sessions run on (Azure: the deployment's)
    )
    greeting: str = ""
    greeting_mode: str = "bot_greeting"  # bot_greeting | model_first | wait
    language: str = "en"
    output_modality: str = "audio"
    max_output_tokens: int | None = None
    turn_detection: str = "server_vad"  # server_vad | semantic_vad | off
    vad_threshold: float = 0.5
    vad_prefix_padding_ms: int = 300
    vad_silence_ms: int = 500
    semantic_eagerness: str = "auto"
    interrupt_on_speech: bool = True
    noise_reduction: str = "near_field"  # near_field | far_field | off
    input_transcription_model: str = "gpt-live-transcribe"
    transcription_languages: str = ""  # comma-separated ISO-639-1 codes
    transcription_keywords: str = ""  # comma- or line-separated
    reasoning_effort: str = "low"
    parallel_tool_calls: bool | None = None
    idle_timeout_ms: int | None = None  # server VAD only
    truncation: str = "auto"  # auto | retention_ratio | disabled
    truncation_retention_ratio: float | None = None
    truncation_post_instructions_tokens: int | None = None
    tool_choice: str = "auto"
    knowledge_token_budget: int = 2000
    variable_defaults: dict[str, Any] = field(default_factory=dict)
    idle_reminder_after_s: int | None = None
    idle_reminder_max: int = 2
    idle_reminder_text: str = ""
    max_session_s: int = 1800
    wrap_up_message: str = ""
    record_audio: bool = False


@dataclass(frozen=True)
class Snapshot:
    """Everything assembly needs; `audio_format` is "pcm16" (24 kHz) or "pcmu" (G.711 μ-law)."""

    bot: BotSpec
    voice: VoiceSpec | None = None
    snippets: tuple[SnippetSpec, ...] = ()
    tools: tuple[ToolSpec, ...] = ()
    variables: dict[str, Any] = field(default_factory=dict)
    audio_format: str = "pcm16"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Snapshot":
        return cls(
            bot=BotSpec(**data["bot"]),
            voice=VoiceSpec(**data["voice"]) if data.get("voice") else None,
            snippets=tuple(SnippetSpec(**s) for s in data.get("snippets", ())),
            tools=tuple(ToolSpec(**t) for t in data.get("tools", ())),
            variables=dict(data.get("variables", {})),
            audio_format=data.get("audio_format", "pcm16"),
        )
