"""The import checks add/change permissions of every kind of record it creates or reuses."""

import pytest
from django.contrib.auth.models import Permission

from botbuilder.models import Bot, Connection, KnowledgeSnippet, Tool, Voice
from botbuilder.services.bot_transfer import (
    BotImportPermissionError,
    bot_export,
    bot_import,
)
from tests.conftest import create_snippet, create_tool


def staff_with(django_user_model, *codenames: str):
    user = django_user_model.objects.create_user("importer", password="pw-imp-123")
    user.is_staff = True
    user.save()
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="botbuilder", codename__in=codenames
        )
    )
    return django_user_model.objects.get(pk=user.pk)  # fresh permission cache


@pytest.fixture
def document(bot):
    create_snippet(bot)
    create_tool(bot)
    bot.connection = Connection.objects.create(
        name="Mine", kind="compatible", base_url="https://models.example/v1"
    )
    bot.save()
    document = bot_export(bot=bot)
    for model in (Bot, KnowledgeSnippet, Tool, Voice, Connection):
        model.objects.all().delete()
    return document


@pytest.mark.django_db
def test_add_bot_alone_may_not_create_connections_tools_voices_snippets(
    document, django_user_model
):
    user = staff_with(django_user_model, "add_bot", "view_bot")
    with pytest.raises(BotImportPermissionError) as caught:
        bot_import(data=document, user=user)
    message = str(caught.value)
    for kind in ("connections", "tools", "voices", "knowledge snippets"):
        assert f"add {kind}" in message
    assert not Bot.objects.exists() and not Connection.objects.exists()


@pytest.mark.django_db
def test_reusing_records_needs_their_change_permission(document, django_user_model):
    bot_import(data=document)  # the records exist now; import the same file again
    user = staff_with(
        django_user_model,
        "add_bot",
        "change_tool",
        "change_voice",
        "change_knowledgesnippet",
    )
    with pytest.raises(BotImportPermissionError, match="change connections"):
        bot_import(data=document, user=user)
    assert Bot.objects.count() == 1


@pytest.mark.django_db
def test_user_with_every_permission_imports(document, django_user_model):
    user = staff_with(
        django_user_model,
        *(
            f"add_{m}"
            for m in ("bot", "connection", "tool", "voice", "knowledgesnippet")
        ),
    )
    assert bot_import(data=document, user=user).connection.name == "Mine"
