"""The demo bot: loads cleanly, twice, without touching edits."""

import pytest

from botbuilder import demo
from botbuilder.assembly import assemble
from botbuilder.models import Bot, KnowledgeSnippet, Tool, Voice
from botbuilder.selectors import bot_snapshot
from botbuilder.services.demo import demo_seed

MODELS = (Bot, KnowledgeSnippet, Tool, Voice)


@pytest.mark.django_db
def test_demo_seed_creates_the_demo_bot():
    lines: list[str] = []
    bot = demo_seed(say=lines.append)

    assert bot.slug == demo.DEMO_BOT_SLUG
    assert bot.voice.name == demo.BOT_VOICE
    assert bot.knowledge.count() == len(demo.SNIPPETS)
    assert bot.tools.count() == len(demo.TOOLS)
    assert len(lines) == len(demo.VOICES) + len(demo.SNIPPETS) + len(demo.TOOLS) + 1
    # The demo assembles: snippets over the budget are left for search_knowledge.
    assembly = assemble(bot_snapshot(bot=bot))
    assert "search_knowledge" in [t.name for t in assembly.tools]
    assert assembly.report.inline_snippet_ids


@pytest.mark.django_db
def test_demo_seed_twice_creates_nothing_new():
    first = demo_seed()
    counts = [m.objects.count() for m in MODELS]
    lines: list[str] = []

    second = demo_seed(say=lines.append)

    assert second == first
    assert [m.objects.count() for m in MODELS] == counts
    assert not [line for line in lines if line.startswith("Created")]


@pytest.mark.django_db
def test_demo_seed_keeps_edits_and_deliberate_removals():
    bot = demo_seed()
    bot.name = "Our support line"
    bot.save()
    bot.knowledge.remove(bot.knowledge.get(title="Payment methods"))
    KnowledgeSnippet.objects.filter(title="Opening hours").update(
        content="Always open."
    )
    Voice.objects.filter(name="Cedar (calm)").delete()

    demo_seed()

    bot.refresh_from_db()
    assert bot.name == "Our support line"
    assert not bot.knowledge.filter(title="Payment methods").exists()
    assert KnowledgeSnippet.objects.get(title="Opening hours").content == "Always open."
    # A missing shared record comes back.
    assert Voice.objects.filter(name="Cedar (calm)").exists()
