"""Selectors: bot snapshots read once from the database, and the default connection."""

import json

import pytest

from botbuilder.assembly import Snapshot, assemble
from botbuilder.models import Connection
from botbuilder.selectors import bot_snapshot, connection_default, connection_for_bot
from tests.conftest import create_snippet, create_tool


@pytest.mark.django_db
def test_snapshot_excludes_disabled_snippets_and_tools(bot):
    create_snippet(bot, title="On", priority=1)
    create_snippet(bot, title="Off", is_enabled=False)
    create_snippet(None, title="Not attached")
    create_tool(bot, name="on_tool")
    create_tool(bot, name="off_tool", is_enabled=False)

    snapshot = bot_snapshot(bot=bot)

    assert [s.title for s in snapshot.snippets] == ["On"]
    assert [t.name for t in snapshot.tools] == ["on_tool"]


@pytest.mark.django_db
def test_snapshot_carries_bot_voice_tool_config_and_request(bot):
    create_tool(bot, static_response="Ships tomorrow.")
    snapshot = bot_snapshot(
        bot=bot, variables={"shop_name": "Beta"}, audio_format="pcmu"
    )

    assert snapshot.bot.id == bot.pk
    assert snapshot.bot.instructions == bot.instructions
    assert snapshot.bot.variable_defaults == {"shop_name": "Acme"}
    assert snapshot.voice.provider_voice == "marin"
    assert snapshot.tools[0].config["static_response"] == "Ships tomorrow."
    assert snapshot.variables == {"shop_name": "Beta"}
    assert snapshot.audio_format == "pcmu"


@pytest.mark.django_db
def test_snapshot_orders_snippets_by_priority_then_title(bot):
    for title, priority in [("b", 1), ("a", 1), ("c", 5)]:
        create_snippet(bot, title=title, priority=priority)
    assert [s.title for s in bot_snapshot(bot=bot).snippets] == ["c", "a", "b"]


@pytest.mark.django_db
def test_snapshot_round_trips_through_json(bot):
    create_snippet(bot, mode="retrieved", priority=3)
    create_tool(bot)
    snapshot = bot_snapshot(bot=bot, variables={"shop_name": "X"})

    restored = Snapshot.from_dict(json.loads(json.dumps(snapshot.to_dict())))

    assert restored == snapshot
    assert assemble(restored).session == assemble(snapshot).session


def test_snapshot_without_voice_round_trips():
    from botbuilder.assembly import BotSpec

    snapshot = Snapshot(bot=BotSpec(name="b", instructions="i"))
    assert Snapshot.from_dict(snapshot.to_dict()) == snapshot


@pytest.mark.django_db
def test_connection_default_follows_the_api_key(settings, bot):
    settings.OPENAI_API_KEY = ""
    assert connection_default().kind == "offline"
    settings.OPENAI_API_KEY = "sk-test"
    default = connection_default()
    assert (default.kind, default.api_key_env) == ("openai", "OPENAI_API_KEY")
    assert connection_for_bot(bot=bot).kind == "openai"


@pytest.mark.django_db
def test_connection_for_bot_prefers_its_own(bot):
    own = Connection.objects.create(name="Local", kind="offline")
    bot.connection = own
    bot.save()
    assert connection_for_bot(bot=bot) == own
