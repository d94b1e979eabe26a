"""Bot duplicate and the unique name/slug helpers."""

import pytest

from botbuilder.models import Bot
from botbuilder.services.bots import bot_copy_name, bot_duplicate, bot_unique_slug
from tests.conftest import create_bot, create_snippet, create_tool


@pytest.mark.django_db
def test_unique_slug_counts_up_and_stays_within_the_field():
    long = "x" * 100
    create_bot(slug=long)
    assert bot_unique_slug(base="Fresh Name!") == "fresh-name"
    slug = bot_unique_slug(base=long)
    assert slug == "x" * 98 + "-2"
    assert len(slug) == Bot._meta.get_field("slug").max_length


@pytest.mark.django_db
def test_copy_name_counts_up():
    create_bot(name="Desk (copy)", slug="a")
    assert bot_copy_name(name="Desk") == "Desk (copy 2)"
    assert bot_copy_name(name="Other") == "Other (copy)"


@pytest.mark.django_db
def test_duplicate_is_a_new_row_sharing_records(bot):
    snippet = create_snippet(bot)
    tool = create_tool(bot)

    copy = bot_duplicate(bot=bot)

    assert copy.pk != bot.pk
    assert Bot.objects.count() == 2
    assert (copy.voice_id, copy.variable_defaults) == (
        bot.voice_id,
        bot.variable_defaults,
    )
    assert list(copy.knowledge.all()) == [snippet]
    assert list(copy.tools.all()) == [tool]
    # The original keeps its records.
    assert list(bot.knowledge.all()) == [snippet]
