"""Reads: plain snapshots of bots for the assembly and the realtime side."""

from typing import Any

from django.conf import settings

from botbuilder.assembly.snapshot import (
    BotSpec,
    Snapshot,
    SnippetSpec,
    ToolSpec,
    VoiceSpec,
)
from botbuilder.models import Bot, Connection, Tool
from botbuilder.models.choices import ConnectionKind

TOOL_CONFIG_FIELDS = (
    "webhook_method",
    "webhook_url",
    "webhook_headers",
    "webhook_body_template",
    "webhook_timeout_s",
    "webhook_response_path",
    "webhook_max_response_bytes",
    "python_handler",
    "static_response",
)
BOT_SPEC_FIELDS = tuple(f for f in BotSpec.__dataclass_fields__ if f not in ("id",))


def tool_spec(tool: Tool) -> ToolSpec:
    return ToolSpec(
        id=tool.pk,
        name=tool.name,
        description=tool.description,
        parameters=tool.parameters or {"type": "object", "properties": {}},
        kind=tool.kind,
        builtin=tool.builtin,
        say_while_working=tool.say_while_working,
        config={f: getattr(tool, f) for f in TOOL_CONFIG_FIELDS},
    )


def bot_snapshot(
    *, bot: Bot, variables: dict[str, Any] | None = None, audio_format: str = "pcm16"
) -> Snapshot:
    """Everything a session of `bot` needs, read once, as plain frozen data."""
    voice = None
    if bot.voice_id:
        v = bot.voice
        voice = VoiceSpec(
            provider_voice=v.provider_voice,
            speed=v.speed,
            custom_voice_id=v.custom_voice_id,
            offline_voice=v.offline_voice,
            offline_rate_wpm=v.offline_rate_wpm,
            offline_pitch=v.offline_pitch,
        )
    snippets = tuple(
        SnippetSpec(
            id=s.pk, title=s.title, content=s.content, mode=s.mode, priority=s.priority
        )
        for s in bot.knowledge.filter(is_enabled=True).order_by(
            "-priority", "title", "pk"
        )
    )
    tools = tuple(
        tool_spec(t) for t in bot.tools.filter(is_enabled=True).order_by("name")
    )
    fields = {f: getattr(bot, f) for f in BOT_SPEC_FIELDS}
    spec = BotSpec(id=bot.pk, **{**fields, "model": bot.speech_model()})
    return Snapshot(
        bot=spec,
        voice=voice,
        snippets=snippets,
        tools=tools,
        variables=dict(variables or {}),
        audio_format=audio_format,
    )


def connection_for_bot(*, bot: Bot) -> Connection:
    """The bot's connection, else the server default (an unsaved Connection from settings)."""
    if bot.connection_id:
        return bot.connection
    return connection_default()


def connection_default() -> Connection:
    """OpenAI when OPENAI_API_KEY is set, otherwise the offline engine (read at call time)."""
    if settings.OPENAI_API_KEY:
        return Connection(
            name="Default (OpenAI)",
            kind=ConnectionKind.OPENAI,
            base_url=settings.OPENAI_BASE_URL,
            api_key_env="OPENAI_API_KEY",
        )
    return Connection(name="Default (offline engine)", kind=ConnectionKind.OFFLINE)


def bot_for_session(*, bot_id: int) -> Bot | None:
    """The bot with its voice and connection (one query), or None if it does not exist."""
    return Bot.objects.select_related("voice", "connection").filter(pk=bot_id).first()
