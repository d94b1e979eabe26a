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


@transaction.atomic
def demo_seed(*, say: Callable[[str], None] = _noop) -> Bot:
    """Create whatever of the demo data is missing and return the demo bot."""
    voices = {}
    for values in demo.VOICES:
        voice = Voice.objects.filter(name=values["name"]).first()
        if voice is None:
            voice = _create(Voice, values, say, values["name"])
        voices[voice.name] = voice

    bot = Bot.objects.filter(slug=demo.DEMO_BOT_SLUG).first()
    if bot is not None:
        say(f"Demo bot {bot.name} exists; left unchanged.")
        return bot

    snippets = [
        KnowledgeSnippet.objects.filter(title=values["title"]).first()
        or _create(KnowledgeSnippet, values, say, values["title"])
        for values in demo.SNIPPETS
    ]
    tools = [
        Tool.objects.filter(name=values["name"]).first()
        or _create(Tool, values, say, values["name"])
        for values in demo.TOOLS
    ]
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
    snippets = [
        KnowledgeSnippet.objects.filter(title=values["title"]).first()
        or _create(KnowledgeSnippet, values, say, values["title"])
        for values in demo_clinic.SNIPPETS
    ]
    tools = [
        Tool.objects.filter(name=values["name"]).first()
        or _create(Tool, values, say, values["name"])
        for values in demo_clinic.TOOLS
    ]
    tools += list(Tool.objects.filter(name__in=demo_clinic.SHARED_TOOLS))
    voice = Voice.objects.filter(name=demo_clinic.CLINIC_VOICE).first()
    bot = _create(
        Bot, {**demo_clinic.BOT, "voice": voice}, say, demo_clinic.BOT["name"]
    )
    bot.knowledge.set(snippets)
    bot.tools.set(tools)
    fields = [
        AnalysisDataField.objects.filter(name=values["name"]).first()
        or _create(AnalysisDataField, values, say, values["name"])
        for values in demo_clinic.DATA_FIELDS
    ]
    criteria = [
        AnalysisCriterion.objects.filter(name=values["name"]).first()
        or _create(AnalysisCriterion, values, say, values["name"])
        for values in demo_clinic.CRITERIA
    ]
    plan = _create(
        AnalysisPlan, {**demo_clinic.PLAN, "bot": bot}, say, "for the clinic"
    )
    plan.data_fields.set(fields)
    plan.criteria.set(criteria)
    return bot
