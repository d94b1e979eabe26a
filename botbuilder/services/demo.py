"""Load the demo bot of `botbuilder/demo.py` (used by `manage.py seed_demo`).

Idempotent and respectful of edits: records are looked up by natural key (voice name,
tool name, snippet title, bot slug) and only missing ones are created; nothing existing
is ever updated. Once the demo bot exists its snippets and tools are left alone, so a
snippet someone detached or deleted on purpose does not come back.
"""

from collections.abc import Callable

from django.db import transaction

from botbuilder import demo, demo_clinic
from botbuilder.models import (
    AnalysisCriterion,
    AnalysisDataField,
    AnalysisPlan,
    Bot,
    KnowledgeSnippet,
    Tool,
    Voice,
)


def _noop(line: str) -> None:
    return None


def _create(model, values: dict, say: Callable[[str], None], label: str):
    obj = model(**values)
    obj.full_clean()
    obj.save()
    say(f"Created {model._meta.verbose_name} {label}.")
    return obj


def _get_or_create(model, key: str, rows: list[dict], say: Callable[[str], None]):
    """The records of `rows`, found by their natural `key` or created (never updated)."""
    return [
        model.objects.filter(**{key: values[key]}).first()
        or _create(model, values, say, values[key])
        for values in rows
    ]


@transaction.atomic
def demo_seed(*, say: Callable[[str], None] = _noop) -> Bot:
    """Create whatever of the demo data is missing and return the demo bot."""
    voices = {v.name: v for v in _get_or_create(Voice, "name", demo.VOICES, say)}

    bot = Bot.objects.filter(slug=demo.DEMO_BOT_SLUG).first()
    if bot is not None:
        say(f"Demo bot {bot.name} exists; left unchanged.")
        return bot

    snippets = _get_or_create(KnowledgeSnippet, "title", demo.SNIPPETS, say)
    tools = _get_or_create(Tool, "name", demo.TOOLS, say)
    bot = _create(
        Bot, {**demo.BOT, "voice": voices.get(demo.BOT_VOICE)}, say, demo.BOT["name"]
    )
    bot.knowledge.set(snippets)
    bot.tools.set(tools)
    return bot


@transaction.atomic
def demo_clinic_seed(*, say: Callable[[str], None] = _noop) -> Bot:
    """Create whatever of the clinic triage demo is missing and return its bot."""
    bot = Bot.objects.filter(slug=demo_clinic.CLINIC_BOT_SLUG).first()
    if bot is not None:
        say(f"Demo bot {bot.name} exists; left unchanged.")
        return bot
    snippets = _get_or_create(KnowledgeSnippet, "title", demo_clinic.SNIPPETS, say)
    tools = _get_or_create(Tool, "name", demo_clinic.TOOLS, say)
    tools += list(Tool.objects.filter(name__in=demo_clinic.SHARED_TOOLS))
    voice = Voice.objects.filter(name=demo_clinic.CLINIC_VOICE).first()
    bot = _create(
        Bot, {**demo_clinic.BOT, "voice": voice}, say, demo_clinic.BOT["name"]
    )
    bot.knowledge.set(snippets)
    bot.tools.set(tools)
    fields = _get_or_create(AnalysisDataField, "name", demo_clinic.DATA_FIELDS, say)
    criteria = _get_or_create(AnalysisCriterion, "name", demo_clinic.CRITERIA, say)
    plan = _create(
        AnalysisPlan, {**demo_clinic.PLAN, "bot": bot}, say, "for the clinic"
    )
    plan.data_fields.set(fields)
    plan.criteria.set(criteria)
    return bot
