"""Instruction and snippet sizes are capped by the model's context; session.started small."""

import json

import pytest
from django.core.exceptions import ValidationError

from botbuilder.assembly import assemble
from botbuilder.models import Bot, KnowledgeSnippet
from botbuilder.selectors import bot_snapshot
from botbuilder.services.bot_transfer import BotImportError, bot_export, bot_import

ONE_MIB = 1024 * 1024


def field_codes(obj, field: str) -> list[str]:
    try:
        obj.full_clean()
    except ValidationError as exc:
        return [e.code for e in exc.error_dict.get(field, [])]
    return []


@pytest.mark.django_db
def test_instructions_longer_than_the_context_are_refused(bot):
    # gpt-realtime-2.1-mini (the default): a 128,000-token context
    bot.instructions = "word " * 120_000  # ≈ 150,000 tokens
    assert field_codes(bot, "instructions") == ["too_long_for_context"]
    bot.instructions = "word " * 80_000  # ≈ 100,000 tokens
    assert field_codes(bot, "instructions") == []


@pytest.mark.django_db
def test_the_cap_follows_the_model(bot):
    bot.voice = None
    bot.instructions = "word " * 20_000  # ≈ 25,000 tokens
    bot.model = "gpt-4o-mini-realtime-preview"  # 16,000-token context
    assert field_codes(bot, "instructions") == ["too_long_for_context"]


@pytest.mark.django_db
def test_greeting_and_snippets_are_capped_too(bot):
    bot.greeting = "hello " * 120_000
    assert field_codes(bot, "greeting") == ["too_long_for_context"]
    snippet = KnowledgeSnippet(title="Huge", content="fact " * 120_000)
    assert field_codes(snippet, "content") == ["too_long_for_context"]


@pytest.mark.django_db
def test_import_refuses_huge_instructions_and_snippets(bot):
    document = bot_export(bot=bot)
    document["bot"].update(slug="huge", instructions="x" * (4 * ONE_MIB))
    with pytest.raises(BotImportError, match="too long|tokens"):
        bot_import(data=document)
    document = bot_export(bot=bot)
    document["bot"]["slug"] = "huge-knowledge"
    document["knowledge"] = [{"title": "Huge", "content": "y" * (4 * ONE_MIB)}]
    with pytest.raises(BotImportError, match="knowledge\\[0\\].*tokens"):
        bot_import(data=document)
    assert not Bot.objects.filter(slug__startswith="huge").exists()


@pytest.mark.django_db
def test_announced_sections_stay_small_whatever_the_bot(bot):
    Bot.objects.filter(pk=bot.pk).update(instructions="z" * (4 * ONE_MIB))  # old row
    bot.refresh_from_db()
    report = assemble(bot_snapshot(bot=bot)).report
    announced = report.announced_sections()
    assert len(json.dumps(announced)) < ONE_MIB / 2
    assert any(s["truncated"] for s in announced)
    assert [s["key"] for s in announced] == [s.key for s in report.sections]
