"""Instruction assembly: a bot snapshot → the GA `session.update` payload plus a report.

Pure code: no database, no network. Sections go in a fixed order: the bot's instructions,
language, greeting behaviour, knowledge, tool guidance.
"""

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from botbuilder.assembly import options
from botbuilder.assembly.knowledge import (
    SEARCH_KNOWLEDGE_TOOL,
    knowledge_section,
    neutralise_fence,
    search_knowledge_tool,
    split_by_budget,
)
from botbuilder.assembly.snapshot import Snapshot, ToolSpec
from botbuilder.assembly.tokens import estimate_json_tokens, estimate_tokens
from botbuilder.assembly.variables import CALLER_NUMBER_UNKNOWN, fill
from botbuilder.catalogue import realtime_model

# Context window of a model the catalogue lacks (compatible servers), in tokens.
DEFAULT_CONTEXT_TOKENS = 32_000
# Warn when instructions + tools take more than this share of the context.
CONTEXT_WARNING_RATIO = 0.5

# Section text shown in `session.started` (in all); websocket messages stay well under 1 MiB.
ANNOUNCED_SECTION_CHARS = 200_000

AUDIO_FORMATS = {
    "pcm16": {"type": "audio/pcm", "rate": 24000},
    "pcmu": {"type": "audio/pcmu"},
    "pcma": {"type": "audio/pcma"},
}

LANGUAGE_NAMES = {
    "en": "English",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "it": "Italian",
    "nl": "Dutch",
    "pt": "Portuguese",
    "pl": "Polish",
    "sv": "Swedish",
    "da": "Danish",
    "no": "Norwegian",
    "fi": "Finnish",
    "tr": "Turkish",
    "ja": "Japanese",
    "zh": "Chinese",
    "ko": "Korean",
    "ar": "Arabic",
    "hi": "Hindi",
    "ru": "Russian",
    "uk": "Ukrainian",
}


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    text: str
    tokens: int


@dataclass
class Report:
    sections: list[Section]
    tool_tokens: int
    total_tokens: int
    context_tokens: int
    inline_snippet_ids: list[int]
    retrievable_snippet_ids: list[int]
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def announced_sections(
        self, max_chars: int = ANNOUNCED_SECTION_CHARS
    ) -> list[dict[str, Any]]:
        """Sections for `session.started`: text shortened to `max_chars` in all, so the
        message stays small whatever the bot (the model gets the full text)."""
        left = max_chars
        shown = []
        for section in self.sections:
            text = section.text[: max(left, 0)]
            left -= len(text)
            shown.append(
                {**asdict(section), "text": text, "truncated": text != section.text}
            )
        return shown


@dataclass
class Assembly:
    session: dict[str, Any]  # the `session` object of a GA session.update
    report: Report
    greeting: str  # filled greeting text ("" when the bot does not greet)
    variables: dict[str, str]  # the values every placeholder was filled with
    tools: list[ToolSpec]  # tools offered to the model, built-ins included

    def session_update(self) -> dict[str, Any]:
        return {"type": "session.update", "session": self.session}


def resolve_variables(
    snapshot: Snapshot, now: datetime | None = None
) -> dict[str, str]:
    """Session values over bot defaults over built-ins."""
    now = now or datetime.now(UTC)
    values = {
        "bot_name": snapshot.bot.name,
        "today": now.date().isoformat(),
        "now": now.strftime("%Y-%m-%d %H:%M %Z").strip(),
        "caller_number": CALLER_NUMBER_UNKNOWN,
    }
    values.update({k: str(v) for k, v in snapshot.bot.variable_defaults.items()})
    values.update(
        {k: str(v) for k, v in snapshot.variables.items() if v is not None and v != ""}
    )
    return values


def _language_section(language: str) -> str:
    if not language:
        return "Answer in the language the caller speaks."
    base = language.split("-")[0].lower()
    name = LANGUAGE_NAMES.get(base, language)
    return f"Speak {name} ({language}). If the caller uses another language, answer in {name} unless they ask you to switch."


def _greeting_section(mode: str, greeting: str) -> str:
    if mode == "bot_greeting" and greeting:
        return f'The conversation opens with your greeting: "{greeting}" Do not greet the caller a second time.'
    if mode == "model_first":
        return "Open the conversation yourself: greet the caller in one short sentence and offer your help."
    return "Wait for the caller to speak first; then answer."


def _tool_section(tools: list[ToolSpec]) -> str:
    lines = [
        "You can call these tools. Call one whenever it helps the caller; never invent a tool's result."
    ]
    lines += [f"- {t.name}: {t.description.strip()}" for t in tools]
    lines.append(
        "If a tool returns an error, tell the caller plainly or ask for the missing detail."
    )
    return "\n".join(lines)


def assemble(snapshot: Snapshot, now: datetime | None = None) -> Assembly:
    """Build the session config and its report; raises UnknownVariableError for a missing variable."""
    bot = snapshot.bot
    values = resolve_variables(snapshot, now)
    instructions = fill(bot.instructions, values).strip()
    greeting = (
        fill(bot.greeting, values).strip()
        if bot.greeting_mode == "bot_greeting"
        else ""
    )

    enabled_tools = list(snapshot.tools)
    inline, retrievable = split_by_budget(snapshot.snippets, bot.knowledge_token_budget)
    has_search = any(t.name == SEARCH_KNOWLEDGE_TOOL.name for t in enabled_tools)
    if retrievable and not has_search:
        enabled_tools.append(search_knowledge_tool(retrievable))
        has_search = True

    sections = [
        ("instructions", "Instructions", instructions),
        ("language", "Language", _language_section(bot.language)),
        ("greeting", "Greeting", _greeting_section(bot.greeting_mode, greeting)),
    ]
    if inline or has_search:
        sections.append(
            ("knowledge", "Knowledge", knowledge_section(inline, has_search))
        )
    if enabled_tools:
        sections.append(("tools", "Tool guidance", _tool_section(enabled_tools)))
    # Only the knowledge section may hold fence tags: a variable value or a tool description
    # must not forge snippets that parse_knowledge (the offline engine) would read back.
    sections = [
        (k, t, text if k == "knowledge" else neutralise_fence(text))
        for k, t, text in sections
    ]
    built = [Section(k, t, text, estimate_tokens(text)) for k, t, text in sections]
    full_instructions = "\n\n".join(f"# {s.title}\n{s.text}" for s in built)

    functions = [t.to_function() for t in enabled_tools]
    tool_tokens = estimate_json_tokens(functions) if functions else 0
    total = estimate_tokens(full_instructions) + tool_tokens
    record = realtime_model(bot.model)
    context = record.context_tokens if record else DEFAULT_CONTEXT_TOKENS

    warnings: list[str] = options.model_warnings(bot.model, record)
    overflow = [s for s in retrievable if s.mode == "inline"]
    if overflow:
        warnings.append(
            f"{len(overflow)} 'always in the instructions' snippet(s) did not fit the knowledge "
            f"budget of {bot.knowledge_token_budget} tokens and are reachable through "
            f"search_knowledge only: " + ", ".join(s.title for s in overflow) + "."
        )
    if total > context * CONTEXT_WARNING_RATIO:
        warnings.append(
            f"Instructions and tools take about {total} tokens of the {context}-token context of "
            f"{bot.model}; little room is left for the conversation. Move snippets to "
            "'retrieved on demand' or lower the knowledge budget."
        )
    if bot.greeting_mode == "bot_greeting" and not greeting:
        warnings.append(
            "Greeting mode is 'bot speaks the greeting first' but the greeting is empty; the bot will wait for the caller."
        )

    audio_format = AUDIO_FORMATS[snapshot.audio_format]
    output: dict[str, Any] = {"format": audio_format}
    if snapshot.voice is not None:
        output["voice"] = options.voice(snapshot.voice)
        output["speed"] = snapshot.voice.speed
    session = {
        "type": "realtime",
        "model": bot.model,
        "instructions": full_instructions,
        "output_modalities": [bot.output_modality],
        "audio": {
            "input": {
                "format": audio_format,
                "noise_reduction": None
                if bot.noise_reduction == "off"
                else {"type": bot.noise_reduction},
                "transcription": options.transcription(bot),
                "turn_detection": options.turn_detection(bot),
            },
            "output": output,
        },
        "tools": functions,
        "tool_choice": bot.tool_choice,
        "max_output_tokens": bot.max_output_tokens or "inf",
        "truncation": options.truncation(bot),
        **options.reasoning_options(bot, record),
    }
    report = Report(
        sections=built,
        tool_tokens=tool_tokens,
        total_tokens=total,
        context_tokens=context,
        inline_snippet_ids=[s.id for s in inline],
        retrievable_snippet_ids=[s.id for s in retrievable],
        warnings=warnings,
    )
    return Assembly(
        session=session,
        report=report,
        greeting=greeting,
        variables=values,
        tools=enabled_tools,
    )
