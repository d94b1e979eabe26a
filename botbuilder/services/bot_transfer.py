"""Export a bot to a JSON document and import it again, here or on another server.

Format (version 1)::

    {"format": "voicebot.bot", "version": 1, "exported_at": "...",
     "bot": {<bot settings>}, "voice": {...} | null, "connection": {...} | null,
     "knowledge": [{<snippet>}, ...], "tools": [{<tool>}, ...]}

Several bots export as one document ``{"format": "voicebot.bots", "version": 1,
"bots": [<voicebot.bot document>, ...]}``; the import accepts either.

Secrets never leave the server: a connection is exported as its name, provider, base URL,
Azure deployment and the NAME of the environment variable holding the key (the key lives
only in the server environment). Its notes are left out.

Import rules: the whole file is validated with each model's ``full_clean()`` inside one
transaction, so a bad file changes nothing. Records are matched by natural key:
snippets by title + content (an existing one is reused as it is), voices, connections and
tools by name. A record with the same name and the same definition is reused; one with the
same name but a different definition is created under a suffixed name (``get_order_status_2``,
``Marin (2)``) and the rename is reported, so existing bots keep working unchanged.
A clashing bot slug gets a new slug (``returns-desk-2``).

Permissions: the importing user needs "add" for every kind of record the file creates
(bot, connection, tool, voice, knowledge snippet) and "change" for every kind it reuses;
a ``user`` of None (a management command) is trusted.
"""

import logging
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from botbuilder.models import Bot, Connection, KnowledgeSnippet, Tool, Voice
from botbuilder.services.bots import bot_unique_slug
from botbuilder.services.import_checks import (
    BotImportError,
    BotImportPermissionError,
    ImportPermissions,
    check_plain_json,
)

__all__ = [
    "BotImportError",
    "BotImportPermissionError",
    "ImportResult",
    "bot_export",
    "bot_import",
    "bots_export",
    "bots_import",
]

logger = logging.getLogger(__name__)

FORMAT_BOT = "voicebot.bot"
FORMAT_BOTS = "voicebot.bots"
FORMAT_VERSION = 1
CONNECTION_FIELDS = (
    "name",
    "kind",
    "base_url",
    "azure_deployment",
    "azure_model",
    "api_key_env",
)
SNIPPET_FIELDS = ("title", "content", "mode", "priority", "is_enabled", "tags")


def _value_fields(model: type[models.Model]) -> tuple[str, ...]:
    """Editable plain fields of `model` (no primary key, relations or timestamps)."""
    return tuple(
        f.name
        for f in model._meta.concrete_fields
        if f.editable and not f.primary_key and not f.is_relation
    )


BOT_FIELDS = _value_fields(Bot)
VOICE_FIELDS = _value_fields(Voice)
TOOL_FIELDS = _value_fields(Tool)


@dataclass
class ImportResult:
    bots: list[Bot]
    created: Counter = field(default_factory=Counter)  # record label → how many
    reused: Counter = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)  # renames to know of

    def summary(self) -> str:
        """One line for the person importing, e.g. 'Imported X (x-2). Reused: 3 × tool.'"""
        bots = ", ".join(f"{b.name} ({b.slug})" for b in self.bots)
        parts = [f"Imported {bots}."]
        for title, counts in (("Created", self.created), ("Reused", self.reused)):
            if counts:
                items = ", ".join(
                    f"{n} × {label}" for label, n in sorted(counts.items())
                )
                parts.append(f"{title}: {items}.")
        return " ".join(parts)


def _values(obj: models.Model, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in names}


def bot_export(*, bot: Bot) -> dict[str, Any]:
    """One bot with its voice, connection, snippets and tools as a JSON-ready document."""
    connection = bot.connection
    return {
        "format": FORMAT_BOT,
        "version": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "bot": _values(bot, BOT_FIELDS),
        "voice": _values(bot.voice, VOICE_FIELDS) if bot.voice else None,
        "connection": _values(connection, CONNECTION_FIELDS) if connection else None,
        "knowledge": [
            _values(s, SNIPPET_FIELDS)
            for s in bot.knowledge.order_by("-priority", "title")
        ],
        "tools": [_values(t, TOOL_FIELDS) for t in bot.tools.order_by("name")],
    }


def bots_export(*, bots: list[Bot]) -> dict[str, Any]:
    """Several bots as one document (a list of single-bot documents)."""
    return {
        "format": FORMAT_BOTS,
        "version": FORMAT_VERSION,
        "bots": [bot_export(bot=bot) for bot in bots],
    }


def bot_import(*, data: Any, user: Any = None) -> Bot:
    """Recreate the bot of a single-bot document; raises BotImportError."""
    result = bots_import(data=data, user=user)
    if len(result.bots) != 1:
        raise BotImportError(f"Expected one bot, the file holds {len(result.bots)}.")
    return result.bots[0]


def bots_import(*, data: Any, user: Any = None) -> ImportResult:
    """Recreate every bot of a single- or several-bot document, all or nothing."""
    documents = _documents(data)
    importer = _Importer(user)
    with transaction.atomic():
        bots = [
            importer.bot(doc, f"bots[{i}]" if len(documents) > 1 else "file")
            for i, doc in enumerate(documents)
        ]
        importer.check_permissions()  # raising here rolls every record back
    logger.info("Imported %d bot(s) %s for %s", len(bots), [b.slug for b in bots], user)
    return ImportResult(
        bots=bots,
        created=importer.created,
        reused=importer.reused,
        warnings=importer.warnings,
    )


def _documents(data: Any) -> list[dict[str, Any]]:
    check_plain_json(data)
    if not isinstance(data, dict) or data.get("format") not in (
        FORMAT_BOT,
        FORMAT_BOTS,
    ):
        raise BotImportError(
            f'Not a bot export: expected a JSON object with "format": "{FORMAT_BOT}".'
        )
    if data.get("version") != FORMAT_VERSION:
        raise BotImportError(
            f"Unsupported export version {data.get('version')!r}; this server reads "
            f"version {FORMAT_VERSION}."
        )
    if data["format"] == FORMAT_BOT:
        return [data]
    bots = data.get("bots")
    if not isinstance(bots, list) or not bots:
        raise BotImportError('"bots" must be a non-empty list of bot documents.')
    for i, doc in enumerate(bots):
        if not isinstance(doc, dict) or doc.get("format") != FORMAT_BOT:
            raise BotImportError(f"bots[{i}] is not a bot document.")
    return bots


def _fields(raw: Any, allowed: tuple[str, ...], where: str) -> dict[str, Any]:
    """`raw` as a dict of known field values; unknown keys are an error, missing keep defaults."""
    if not isinstance(raw, dict):
        raise BotImportError(f"{where} must be a JSON object.")
    unknown = sorted(set(raw) - set(allowed))
    if unknown:
        raise BotImportError(f"{where}: unknown field(s) {', '.join(unknown)}.")
    return dict(raw)


def _clean(obj: models.Model, where: str, *, validate_unique: bool = True) -> None:
    """full_clean() with every problem in one message that says where it is."""
    try:
        obj.full_clean(validate_unique=validate_unique)
    except ValidationError as exc:
        problems = "; ".join(
            " ".join(messages) if name == "__all__" else f"{name}: {' '.join(messages)}"
            for name, messages in exc.message_dict.items()
        )
        raise BotImportError(f"{where}: {problems}") from exc


class _Importer:
    """Creates or reuses the records of one import, counting what it did."""

    def __init__(self, user: Any = None) -> None:
        self.user = user
        self.created: Counter = Counter()
        self.reused: Counter = Counter()
        self.warnings: list[str] = []
        self.permissions = ImportPermissions()

    def _need(self, action: str, model: type[models.Model]) -> None:
        self.permissions.need(action, model)

    def check_permissions(self) -> None:
        """Raise BotImportPermissionError naming every permission the user lacks."""
        self.permissions.check(self.user)

    def bot(self, doc: dict[str, Any], where: str) -> Bot:
        allowed = (
            "format",
            "version",
            "exported_at",
            "bot",
            "voice",
            "connection",
            "knowledge",
            "tools",
        )
        doc = _fields(doc, allowed, where)
        values = _fields(doc.get("bot"), BOT_FIELDS, f"{where}: bot")
        for key in ("knowledge", "tools"):
            if not isinstance(doc.get(key, []), list):
                raise BotImportError(f"{where}: {key} must be a list.")
        voice = self.named(Voice, doc.get("voice"), VOICE_FIELDS, f"{where}: voice")
        connection = self.named(
            Connection, doc.get("connection"), CONNECTION_FIELDS, f"{where}: connection"
        )
        snippets = [
            self.snippet(raw, f"{where}: knowledge[{i}]")
            for i, raw in enumerate(doc.get("knowledge", []))
        ]
        tools = [
            self.named(Tool, raw, TOOL_FIELDS, f"{where}: tools[{i}]")
            for i, raw in enumerate(doc.get("tools", []))
        ]
        bot = Bot(**values, voice=voice, connection=connection)
        wanted_slug = bot.slug
        bot.slug = bot_unique_slug(base=wanted_slug or bot.name)
        if wanted_slug and bot.slug != wanted_slug:
            self.warnings.append(
                f"Slug {wanted_slug} is taken; the bot was imported as {bot.slug}."
            )
        _clean(bot, f"{where}: bot")
        self._need("add", Bot)
        bot.save()
        bot.knowledge.set(snippets)
        bot.tools.set(tools)
        return bot

    def snippet(self, raw: Any, where: str) -> KnowledgeSnippet:
        values = _fields(raw, SNIPPET_FIELDS, where)
        existing = KnowledgeSnippet.objects.filter(
            title=values.get("title"), content=values.get("content")
        ).first()
        if existing:
            self.reused["knowledge snippet"] += 1
            self._need("change", KnowledgeSnippet)
            return existing
        snippet = KnowledgeSnippet(**values)
        _clean(snippet, where)
        self._need("add", KnowledgeSnippet)
        snippet.save()
        self.created["knowledge snippet"] += 1
        return snippet

    def named(self, model, raw: Any, names: tuple[str, ...], where: str):
        """Reuse the record of that name if identical, else create it (suffixed on a clash)."""
        if raw is None:
            return None
        values = _fields(raw, names, where)
        label = model._meta.verbose_name
        obj = model(**values)
        # Fields are checked (and coerced) first; a name clash is resolved below.
        _clean(obj, where, validate_unique=False)
        existing = model.objects.filter(name=obj.name).first()
        if existing and all(getattr(existing, f) == getattr(obj, f) for f in names):
            self.reused[label] += 1
            self._need("change", model)
            return existing
        if existing:
            original = obj.name
            obj.name = _free_name(model, original)
            self.warnings.append(
                f"A different {label} named {original} exists; imported this one as "
                f"{obj.name}."
            )
        _clean(obj, where)
        self._need("add", model)
        obj.save()
        self.created[label] += 1
        return obj


def _free_name(model, name: str) -> str:
    """`name_2`, `name_3`, ... for tools (function names); `name (2)` for the rest."""
    max_length = model._meta.get_field("name").max_length
    n = 1
    while True:
        n += 1
        suffix = f"_{n}" if model is Tool else f" ({n})"
        candidate = name[: max_length - len(suffix)] + suffix
        if not model.objects.filter(name=candidate).exists():
            return candidate
