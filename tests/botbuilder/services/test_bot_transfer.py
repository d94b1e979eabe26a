"""Bot export/import: natural-key matching, clashes, secrets, all-or-nothing."""

import json

import pytest

from botbuilder.models import Bot, Connection, KnowledgeSnippet, Tool, Voice
from botbuilder.services.bot_transfer import (
    BotImportError,
    bot_export,
    bot_import,
    bots_export,
    bots_import,
)
from tests.conftest import create_bot, create_snippet, create_tool


def roundtrip(document: dict) -> dict:
    """What a file on disk holds: plain JSON."""
    return json.loads(json.dumps(document))


@pytest.mark.django_db
def test_export_holds_every_setting_and_the_attached_records(bot):
    create_snippet(bot, title="Hours", is_enabled=False)
    create_tool(bot)
    document = roundtrip(bot_export(bot=bot))

    assert (document["format"], document["version"]) == ("voicebot.bot", 1)
    assert document["bot"]["slug"] == bot.slug
    assert document["bot"]["variable_defaults"] == {"shop_name": "Acme"}
    assert "id" not in document["bot"] and "created_at" not in document["bot"]
    assert document["voice"]["name"] == bot.voice.name
    assert document["knowledge"][0]["is_enabled"] is False
    assert document["tools"][0]["parameters"]["required"] == ["order_number"]


@pytest.mark.django_db
def test_connection_is_exported_without_secrets_or_notes(bot, monkeypatch):
    monkeypatch.setenv("BOT_SECRET_SHOP_OPENAI_KEY", "sk-secret-value")
    bot.connection = Connection.objects.create(
        name="Prod",
        kind="openai",
        api_key_env="BOT_SECRET_SHOP_OPENAI_KEY",
        notes="internal: ask Bob for the key",
    )
    bot.save()
    document = bot_export(bot=bot)

    assert document["connection"] == {
        "name": "Prod",
        "kind": "openai",
        "base_url": "",
        "azure_deployment": "",
        "azure_model": "",
        "api_key_env": "BOT_SECRET_SHOP_OPENAI_KEY",
    }
    assert "sk-secret-value" not in json.dumps(document)
    assert "Bob" not in json.dumps(document)


@pytest.mark.django_db
def test_import_into_an_empty_database_creates_everything(bot):
    create_snippet(bot, title="Hours")
    create_tool(bot)
    bot.connection = Connection.objects.create(name="Local", kind="offline")
    bot.save()
    document = roundtrip(bot_export(bot=bot))
    for model in (Bot, KnowledgeSnippet, Tool, Voice, Connection):
        model.objects.all().delete()

    imported = bot_import(data=document)

    assert imported.slug == "support-line"
    assert imported.voice.name == "Marin"
    assert imported.connection.name == "Local"
    assert [s.title for s in imported.knowledge.all()] == ["Hours"]
    assert [t.name for t in imported.tools.all()] == ["get_order_status"]


@pytest.mark.django_db
def test_import_summary_counts_created_and_reused_records(bot):
    create_snippet(bot, title="Hours")
    create_tool(bot)
    document = roundtrip(bot_export(bot=bot))
    document["knowledge"].append({"title": "New", "content": "Fresh."})

    result = bots_import(data=document)

    assert result.created == {"knowledge snippet": 1}
    assert result.reused == {"knowledge snippet": 1, "tool": 1, "voice": 1}
    assert result.summary() == (
        "Imported Support line (support-line-2). Created: 1 × knowledge snippet. "
        "Reused: 1 × knowledge snippet, 1 × tool, 1 × voice."
    )


@pytest.mark.django_db
def test_tool_with_same_name_but_other_definition_is_imported_suffixed(bot):
    create_tool(bot)
    document = roundtrip(bot_export(bot=bot))
    Tool.objects.filter(name="get_order_status").update(static_response="Changed here.")

    result = bots_import(data=document)

    imported = result.bots[0]
    assert [t.name for t in imported.tools.all()] == ["get_order_status_2"]
    assert (
        imported.tools.get().static_response == "Order {order_number} ships tomorrow."
    )
    assert Tool.objects.get(name="get_order_status").static_response == "Changed here."
    assert any("get_order_status_2" in w for w in result.warnings)


@pytest.mark.django_db
def test_voice_with_same_name_but_other_settings_is_imported_suffixed(bot):
    document = roundtrip(bot_export(bot=bot))
    Voice.objects.filter(pk=bot.voice_id).update(speed=1.3)

    imported = bot_import(data=document)

    assert imported.voice.name == "Marin (2)"
    assert imported.voice.speed == 1.0


@pytest.mark.django_db
def test_snippet_matched_by_title_and_content(bot):
    create_snippet(bot, title="Hours", content="9 to 5")
    document = roundtrip(bot_export(bot=bot))
    KnowledgeSnippet.objects.update(content="10 to 6")

    imported = bot_import(data=document)

    assert sorted(KnowledgeSnippet.objects.values_list("content", flat=True)) == [
        "10 to 6",
        "9 to 5",
    ]
    assert imported.knowledge.get().content == "9 to 5"


@pytest.mark.django_db
def test_several_bots_import_together_and_share_records(bot):
    create_tool(bot)
    other = create_bot(name="Other", slug="other", voice=bot.voice)
    create_tool(other, name="other_tool")
    other.tools.add(*bot.tools.all())
    document = roundtrip(bots_export(bots=[bot, other]))
    for model in (Bot, Tool):
        model.objects.all().delete()

    result = bots_import(data=document)

    assert [b.slug for b in result.bots] == ["support-line", "other"]
    assert Tool.objects.count() == 2
    assert Voice.objects.count() == 1


@pytest.mark.django_db
def test_bot_import_wants_exactly_one_bot(bot):
    document = roundtrip(bots_export(bots=[bot, create_bot(name="B", slug="b")]))
    with pytest.raises(BotImportError, match="Expected one bot"):
        bot_import(data=document)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("format"), "Not a bot export"),
        (lambda d: d.update(version=2), "Unsupported export version 2"),
        (lambda d: d["bot"].update(colour="red"), "unknown field(s) colour"),
        (lambda d: d.update(tools="x"), "tools must be a list"),
        (lambda d: d["bot"].update(model="gpt-9"), "bot: model: Value 'gpt-9' is not"),
        (lambda d: d["bot"].update(greeting="Hi {{who}}"), "{{who}}"),
        (lambda d: d["knowledge"].append("text"), "knowledge[1] must be a JSON object"),
        (lambda d: d["voice"].update(speed=9), "voice: speed"),
        (lambda d: d["tools"][0].update(kind="bogus"), "tools[0]: kind"),
        (lambda d: d["voice"].update(speed=float("nan")), "file.voice.speed is nan"),
        (lambda d: d["bot"].update(variable_defaults={"x": float("inf")}), "is inf"),
    ],
)
def test_bad_documents_fail_clearly_and_create_nothing(bot, change, message):
    create_snippet(bot)
    create_tool(bot)
    document = roundtrip(bot_export(bot=bot))
    change(document)
    counts = [m.objects.count() for m in (Bot, KnowledgeSnippet, Tool, Voice)]

    with pytest.raises(BotImportError) as info:
        bots_import(data=document)

    assert message in str(info.value)
    assert [m.objects.count() for m in (Bot, KnowledgeSnippet, Tool, Voice)] == counts


@pytest.mark.django_db
def test_missing_fields_take_the_model_defaults(db):
    document = {
        "format": "voicebot.bot",
        "version": 1,
        # A greeting: the default greeting mode has the bot speak it first.
        "bot": {"name": "Minimal", "instructions": "Be brief.", "greeting": "Hi."},
    }
    imported = bot_import(data=document)
    assert (imported.slug, imported.model, imported.voice) == (
        "minimal",
        "gpt-realtime-2.1-mini",
        None,
    )


def test_a_bot_that_greets_first_without_a_greeting_is_refused(db):
    document = {
        "format": "voicebot.bot",
        "version": 1,
        "bot": {"name": "Mute", "instructions": "Be brief."},
    }
    with pytest.raises(BotImportError, match="greeting: Write the greeting"):
        bot_import(data=document)
