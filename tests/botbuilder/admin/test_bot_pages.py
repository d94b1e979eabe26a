"""Bot pages and actions: assembled instructions, duplicate, export and import."""

import io
import json

import pytest
from django.urls import reverse

from botbuilder.models import Bot, KnowledgeSnippet, Tool, Voice
from tests.conftest import create_bot, create_snippet, create_tool

CHANGELIST = "admin:botbuilder_bot_changelist"


def assembled_url(bot: Bot) -> str:
    return reverse("admin:botbuilder_bot_assembled", args=[bot.pk])


@pytest.mark.django_db
def test_assembled_page_shows_sections_budget_and_json(staff_client, bot):
    create_snippet(bot, title="Opening hours", content="Mon-Fri 9-5.")
    create_snippet(bot, title="Weekend delivery", mode="retrieved")
    create_tool(bot)

    response = staff_client.get(assembled_url(bot))
    html = response.content.decode()

    assert response.status_code == 200
    titles = [s.title for s in response.context["report"].sections]
    assert titles == [
        "Instructions",
        "Language",
        "Greeting",
        "Knowledge",
        "Tool guidance",
    ]
    for title in titles:
        assert f"{title} <span" in html
    assert "You are the support line of Acme." in html
    assert "128000 tokens" in html  # the default model, gpt-realtime-2.1-mini
    assert [r["snippet"].title for r in response.context["inline_snippets"]] == [
        "Opening hours"
    ]
    assert [r["snippet"].title for r in response.context["retrievable_snippets"]] == [
        "Weekend delivery"
    ]
    assert [t.name for t in response.context["tools"]] == [
        "get_order_status",
        "search_knowledge",
    ]
    event = json.loads(response.context["session_json"])
    assert event["type"] == "session.update"
    assert event["session"]["type"] == "realtime"
    assert "&quot;session.update&quot;" in html


@pytest.mark.django_db
def test_assembled_page_takes_audio_format_and_variables(staff_client, bot):
    response = staff_client.get(
        assembled_url(bot), {"audio_format": "pcmu", "var_shop_name": "Beta Shop"}
    )
    session = json.loads(response.context["session_json"])["session"]
    assert session["audio"]["input"]["format"] == {"type": "audio/pcmu"}
    assert "support line of Beta Shop" in session["instructions"]


@pytest.mark.django_db
def test_assembled_page_explains_an_unknown_variable(staff_client, db):
    # Saved without full_clean (e.g. by a script), so the variable has no default.
    bot = create_bot(instructions="Hello {{customer_name}}.", variable_defaults={})
    response = staff_client.get(assembled_url(bot))
    assert response.status_code == 200
    assert "{{customer_name}}" in response.context["error"]
    assert "{{customer_name}}" in response.content.decode()
    assert "session_json" not in response.context


@pytest.mark.django_db
def test_assembled_page_of_a_missing_bot_is_404(staff_client, db):
    url = reverse("admin:botbuilder_bot_assembled", args=[999])
    assert staff_client.get(url).status_code == 404


@pytest.mark.django_db
def test_assembled_page_needs_view_permission(plain_staff_client, bot):
    assert plain_staff_client.get(assembled_url(bot)).status_code == 403


@pytest.mark.django_db
def test_assembled_page_answers_the_same_for_missing_and_existing_bots(
    plain_staff_client, bot
):
    missing = reverse("admin:botbuilder_bot_assembled", args=[bot.pk + 1000])
    existing = plain_staff_client.get(assembled_url(bot))
    absent = plain_staff_client.get(missing)
    assert (existing.status_code, existing.content) == (
        absent.status_code,
        absent.content,
    )
    assert existing.status_code == 403


@pytest.mark.django_db
def test_assembled_page_is_open_to_viewers(viewer_client, bot):
    assert viewer_client.get(assembled_url(bot)).status_code == 200


@pytest.mark.django_db
def test_assembled_page_sends_anonymous_visitors_to_login(client, bot):
    response = client.get(assembled_url(bot))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


@pytest.mark.django_db
def test_duplicate_action_copies_settings_snippets_and_tools(staff_client, bot):
    snippet = create_snippet(bot)
    tool = create_tool(bot)
    response = staff_client.post(
        reverse(CHANGELIST),
        {"action": "duplicate_bots", "_selected_action": [bot.pk]},
        follow=True,
    )
    assert response.status_code == 200
    copy = Bot.objects.exclude(pk=bot.pk).get()
    assert (copy.name, copy.slug) == ("Support line (copy)", "support-line-copy")
    assert (copy.voice, copy.instructions) == (bot.voice, bot.instructions)
    assert list(copy.knowledge.all()) == [snippet]
    assert list(copy.tools.all()) == [tool]

    staff_client.post(
        reverse(CHANGELIST), {"action": "duplicate_bots", "_selected_action": [bot.pk]}
    )
    names = set(Bot.objects.values_list("name", flat=True))
    assert "Support line (copy 2)" in names


@pytest.mark.django_db
def test_duplicate_of_an_invalid_bot_reports_why(staff_client, db):
    bot = create_bot(instructions="Hi {{nobody}}", variable_defaults={})
    response = staff_client.post(
        reverse(CHANGELIST),
        {"action": "duplicate_bots", "_selected_action": [bot.pk]},
        follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    assert any("was not copied" in m and "{{nobody}}" in m for m in messages)
    assert Bot.objects.count() == 1


@pytest.mark.django_db
def test_viewer_cannot_duplicate(viewer_client, bot):
    viewer_client.post(
        reverse(CHANGELIST), {"action": "duplicate_bots", "_selected_action": [bot.pk]}
    )
    assert Bot.objects.count() == 1


def export(client, *bots: Bot):
    response = client.post(
        reverse(CHANGELIST),
        {"action": "export_bots", "_selected_action": [b.pk for b in bots]},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    return response


def upload(client, content: bytes, name: str = "bot.json"):
    file = io.BytesIO(content)
    file.name = name
    return client.post(
        reverse("admin:botbuilder_bot_import"), {"file": file}, follow=True
    )


@pytest.mark.django_db
def test_export_then_import_recreates_the_bot(staff_client, bot):
    create_snippet(bot, title="Hours")
    create_tool(bot)
    response = export(staff_client, bot)
    assert f"bot-{bot.slug}.json" in response["Content-Disposition"]
    document = json.loads(response.content)
    assert document["format"] == "voicebot.bot"

    response = upload(staff_client, response.content)

    assert response.status_code == 200
    imported = Bot.objects.exclude(pk=bot.pk).get()
    assert imported.slug == "support-line-2"
    assert response.redirect_chain[-1][0] == reverse(
        "admin:botbuilder_bot_change", args=[imported.pk]
    )
    # Identical snippets, tools and voice are reused, not copied.
    assert imported.voice == bot.voice
    assert list(imported.knowledge.all()) == list(bot.knowledge.all())
    assert list(imported.tools.all()) == list(bot.tools.all())
    assert (KnowledgeSnippet.objects.count(), Tool.objects.count()) == (1, 1)
    messages = [str(m) for m in response.context["messages"]]
    assert any("support-line-2" in m for m in messages)


@pytest.mark.django_db
def test_export_of_several_bots_is_one_document(staff_client, bot):
    other = create_bot(name="Other", slug="other")
    document = json.loads(export(staff_client, bot, other).content)
    assert document["format"] == "voicebot.bots"
    assert sorted(d["bot"]["slug"] for d in document["bots"]) == [
        "other",
        "support-line",
    ]

    Bot.objects.all().delete()
    upload(staff_client, json.dumps(document).encode())
    assert sorted(Bot.objects.values_list("slug", flat=True)) == [
        "other",
        "support-line",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not json {", "not valid JSON"),
        (b'{"format": "something else"}', "Not a bot export"),
        (b'{"format": "voicebot.bot", "version": 99}', "Unsupported export version"),
        (b'{"format": "voicebot.bot", "version": 1, "voice": {"speed": NaN}}', "NaN"),
        (b'{"format": "voicebot.bot", "version": 1, "x": -Infinity}', "-Infinity"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"a":' * 60 + b"1" + b"}" * 60, "nested more than 40 levels"),
    ],
)
def test_import_of_a_bad_file_shows_an_error(staff_client, db, content, message):
    response = upload(staff_client, content)
    assert response.status_code == 200
    assert message in str(response.context["form"].errors["file"])
    assert message in response.content.decode()
    assert Bot.objects.count() == 0


@pytest.mark.django_db
def test_import_with_an_invalid_tool_creates_nothing(staff_client, bot):
    create_snippet(bot, title="Hours")
    create_tool(bot)
    document = json.loads(export(staff_client, bot).content)
    document["knowledge"].append({"title": "New", "content": "Fresh snippet."})
    document["voice"]["name"] = "Brand new voice"
    document["tools"][0]["name"] = "new_tool"
    document["tools"][0]["parameters"] = {"type": "string"}
    before = [m.objects.count() for m in (Bot, KnowledgeSnippet, Tool, Voice)]

    response = upload(staff_client, json.dumps(document).encode())

    errors = str(response.context["form"].errors["file"])
    assert "Nothing was imported" in errors
    assert "tools[0]" in errors and "parameters" in errors
    assert [m.objects.count() for m in (Bot, KnowledgeSnippet, Tool, Voice)] == before


@pytest.mark.django_db
def test_import_page_needs_add_permission(viewer_client, db):
    response = viewer_client.get(reverse("admin:botbuilder_bot_import"))
    assert response.status_code == 403


@pytest.mark.django_db
def test_import_page_renders_like_an_admin_page(staff_client, db):
    response = staff_client.get(reverse("admin:botbuilder_bot_import"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="breadcrumbs"' in html
    assert 'enctype="multipart/form-data"' in html
