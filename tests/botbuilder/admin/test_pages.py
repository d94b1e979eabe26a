"""Every admin list and form renders, with the columns and controls people rely on."""

import pytest
from django.urls import reverse

from botbuilder.models import Connection, Session, TranscriptItem
from tests.conftest import create_snippet, create_tool

MODELS = [
    "bot",
    "voice",
    "knowledgesnippet",
    "tool",
    "connection",
    "session",
    "transcriptitem",
]
ADDABLE = ["bot", "voice", "knowledgesnippet", "tool", "connection"]


@pytest.fixture
def session(bot, staff_user) -> Session:
    session = Session.objects.create(
        bot=bot,
        bot_name=bot.name,
        started_by=staff_user,
        config_snapshot={"type": "realtime", "instructions": "Be brief."},
    )
    TranscriptItem.objects.create(
        session=session, seq=2, role="assistant", text="Second line"
    )
    TranscriptItem.objects.create(
        session=session, seq=1, role="user", text="First line"
    )
    return session


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS)
def test_changelist_renders(staff_client, session, model):
    create_snippet(session.bot)
    create_tool(session.bot)
    response = staff_client.get(reverse(f"admin:botbuilder_{model}_changelist"))
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("model", ADDABLE)
def test_add_page_renders(staff_client, model):
    assert staff_client.get(reverse(f"admin:botbuilder_{model}_add")).status_code == 200


@pytest.mark.django_db
def test_bot_changelist_counts_snippets_and_tools(staff_client, bot):
    create_snippet(bot, title="a")
    create_snippet(bot, title="b")
    create_tool(bot)
    response = staff_client.get(reverse("admin:botbuilder_bot_changelist"))
    row = response.context["cl"].result_list[0]
    assert (row.snippet_total, row.tool_total) == (2, 1)
    assert reverse("admin:botbuilder_bot_import") in response.content.decode()


@pytest.mark.django_db
def test_bot_change_page_links_the_assembled_instructions(staff_client, bot):
    response = staff_client.get(reverse("admin:botbuilder_bot_change", args=[bot.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("admin:botbuilder_bot_assembled", args=[bot.pk]) in html
    for title in [
        "Persona",
        "Voice &amp; speech",
        "Turn-taking",
        "Limits &amp; privacy",
    ]:
        assert f">{title}</h2>" in html
    # Snippets and tools are attached inline, with add/change popups for snippets.
    assert "knowledge snippets" in html.lower()
    assert "knowledgesnippet</th>" not in html.lower()
    assert reverse("admin:botbuilder_knowledgesnippet_add") in html


@pytest.mark.django_db
def test_bot_form_saves_with_inline_snippets(staff_client, voice):
    snippet = create_snippet(None, title="Hours")
    tool = create_tool(None)
    data = {
        "name": "Desk",
        "slug": "desk",
        "is_active": "on",
        "instructions": "Help {{shop}}.",
        "greeting": "Hi.",
        "greeting_mode": "bot_greeting",
        "language": "en",
        "variable_defaults": '{"shop": "Acme"}',
        "model": "gpt-realtime-2.1-mini",
        "reasoning_effort": "low",
        "truncation": "auto",
        "voice": voice.pk,
        "output_modality": "audio",
        "noise_reduction": "near_field",
        "input_transcription_model": "gpt-live-transcribe",
        "turn_detection": "server_vad",
        "vad_threshold": "0.5",
        "vad_prefix_padding_ms": "300",
        "vad_silence_ms": "500",
        "semantic_eagerness": "auto",
        "interrupt_on_speech": "on",
        "idle_reminder_max": "2",
        "idle_reminder_text": "Still there?",
        "knowledge_token_budget": "2000",
        "tool_choice": "auto",
        "max_session_s": "1800",
        "wrap_up_message": "Bye.",
        "retention_days": "90",
    }
    for prefix, field, value in [
        ("Bot_knowledge-", "knowledgesnippet", snippet.pk),
        ("Bot_tools-", "tool", tool.pk),
    ]:
        data |= {
            f"{prefix}TOTAL_FORMS": "1",
            f"{prefix}INITIAL_FORMS": "0",
            f"{prefix}0-{field}": value,
        }
    # The post-call analysis inline: no plan.
    data |= {"analysis_plan-TOTAL_FORMS": "0", "analysis_plan-INITIAL_FORMS": "0"}
    response = staff_client.post(reverse("admin:botbuilder_bot_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    from botbuilder.models import Bot

    bot = Bot.objects.get(slug="desk")
    assert list(bot.knowledge.all()) == [snippet]
    assert list(bot.tools.all()) == [tool]


@pytest.mark.django_db
def test_bot_form_shows_unknown_variable_next_to_the_field(staff_client, bot):
    url = reverse("admin:botbuilder_bot_change", args=[bot.pk])
    form = staff_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data |= {
        "instructions": "Hello {{nobody}}",
        "variable_defaults": "{}",
        "greeting": "",
        "voice": bot.voice_id,
    }
    for prefix in ["Bot_knowledge-", "Bot_tools-", "analysis_plan-"]:
        data |= {f"{prefix}TOTAL_FORMS": "0", f"{prefix}INITIAL_FORMS": "0"}
    response = staff_client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "{{nobody}}" in str(errors["instructions"])


@pytest.mark.django_db
def test_tool_form_shows_parameters_indented_and_rejects_bad_json(staff_client, bot):
    tool = create_tool(bot)
    url = reverse("admin:botbuilder_tool_change", args=[tool.pk])
    html = staff_client.get(url).content.decode()
    assert "{\n  &quot;type&quot;: &quot;object&quot;" in html

    response = staff_client.post(
        url,
        {
            "name": tool.name,
            "kind": "static",
            "description": "d",
            "parameters": '{"type": "object",',
            "is_enabled": "on",
            "static_response": "ok",
            "webhook_method": "POST",
            "webhook_headers": "{}",
            "webhook_timeout_s": "10",
            "webhook_max_response_bytes": "65536",
        },
    )
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "parameters" in form.errors
    # What the person typed comes back unchanged for fixing.
    assert '{"type": "object",' in response.content.decode().replace("&quot;", '"')


@pytest.mark.django_db
def test_snippet_list_shows_the_bots_using_it(staff_client, bot):
    create_snippet(bot, title="Hours")
    response = staff_client.get(reverse("admin:botbuilder_knowledgesnippet_changelist"))
    assert bot.name in response.content.decode()


@pytest.mark.django_db
def test_connection_list_says_whether_the_key_is_set_never_the_key(
    staff_client, monkeypatch
):
    monkeypatch.setenv("BOT_SECRET_TEST_SET_KEY", "sk-very-secret")
    monkeypatch.delenv("BOT_SECRET_TEST_UNSET_KEY", raising=False)
    Connection.objects.create(
        name="Set", kind="openai", api_key_env="BOT_SECRET_TEST_SET_KEY"
    )
    Connection.objects.create(
        name="Unset", kind="openai", api_key_env="BOT_SECRET_TEST_UNSET_KEY"
    )

    response = staff_client.get(reverse("admin:botbuilder_connection_changelist"))
    html = response.content.decode()
    admin = response.context["cl"].model_admin
    by_name = {
        c.name: admin.api_key_is_set(c) for c in response.context["cl"].result_list
    }
    assert by_name == {"Set": True, "Unset": False}
    assert "sk-very-secret" not in html


@pytest.mark.django_db
def test_connection_list_does_not_tell_whether_a_server_variable_is_set(
    staff_client, monkeypatch
):
    monkeypatch.setenv("DJANGO_SECRET_KEY", "the-real-key")
    connection = Connection.objects.create(  # saved past the form, e.g. by SQL
        name="Probe", kind="openai", api_key_env="DJANGO_SECRET_KEY"
    )
    response = staff_client.get(reverse("admin:botbuilder_connection_changelist"))
    assert response.context["cl"].model_admin.api_key_is_set(connection) is False


@pytest.mark.django_db
def test_session_page_is_read_only_with_ordered_transcript(staff_client, session):
    url = reverse("admin:botbuilder_session_change", args=[session.pk])
    response = staff_client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("First line") < html.index("Second line")
    assert "&quot;type&quot;: &quot;realtime&quot;" in html  # pretty config snapshot
    assert "purged after" in html.lower()
    assert 'name="_save"' not in html
    # Posting changes is refused.
    assert staff_client.post(url, {"bot_name": "changed"}).status_code == 403
    session.refresh_from_db()
    assert session.bot_name != "changed"
    assert staff_client.get(reverse("admin:botbuilder_session_add")).status_code == 403


@pytest.mark.django_db
def test_session_can_be_deleted_by_staff_with_permission(staff_client, session):
    url = reverse("admin:botbuilder_session_delete", args=[session.pk])
    response = staff_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Session.objects.exists()
    assert not TranscriptItem.objects.exists()


@pytest.mark.django_db
def test_session_search_finds_transcript_text(staff_client, session):
    url = reverse("admin:botbuilder_session_changelist")
    assert staff_client.get(url, {"q": "First line"}).context["cl"].result_count == 1
    assert staff_client.get(url, {"q": "never said"}).context["cl"].result_count == 0


@pytest.mark.django_db
def test_plain_staff_cannot_see_bots(plain_staff_client, bot):
    response = plain_staff_client.get(reverse("admin:botbuilder_bot_changelist"))
    assert response.status_code == 403


@pytest.mark.django_db
def test_tool_form_folds_away_the_other_kinds(staff_client, bot):
    tool = create_tool(bot, kind="static")
    response = staff_client.get(reverse("admin:botbuilder_tool_change", args=[tool.pk]))
    classes = {fs.name: fs.classes for fs in response.context["adminform"]}
    assert "collapse" not in classes["General"]
    assert "collapse" not in classes["Static response"]
    for name in ["Webhook", "Python handler", "Built-in"]:
        assert "collapse" in classes[name]


def _change_form_data(staff_client, bot) -> tuple[str, dict]:
    url = reverse("admin:botbuilder_bot_change", args=[bot.pk])
    form = staff_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data |= {"voice": bot.voice_id, "variable_defaults": '{"shop_name": "Acme"}'}
    for prefix in ["Bot_knowledge-", "Bot_tools-", "analysis_plan-"]:
        data |= {f"{prefix}TOTAL_FORMS": "0", f"{prefix}INITIAL_FORMS": "0"}
    return url, data


@pytest.mark.django_db
def test_bot_form_refuses_an_option_the_model_lacks_next_to_the_field(
    staff_client, bot
):
    url, data = _change_form_data(staff_client, bot)
    data |= {"model": "gpt-realtime-mini", "reasoning_effort": "high"}
    response = staff_client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "gpt-realtime-mini does not reason" in str(errors["reasoning_effort"])
    bot.refresh_from_db()
    assert bot.reasoning_effort == "low"  # nothing was saved


@pytest.mark.django_db
def test_bot_form_offers_the_catalogue_and_saves_a_reasoning_bot(staff_client, bot):
    url, data = _change_form_data(staff_client, bot)
    html = staff_client.get(url).content.decode()
    assert "gpt-realtime-2.1-mini (fast, low cost, reasoning; recommended)" in html
    assert "gpt-realtime-mini (legacy: shuts down 2027-01-20)" in html
    data |= {
        "model": "gpt-realtime-2.1",
        "reasoning_effort": "xhigh",
        "parallel_tool_calls": "true",
        "truncation": "retention_ratio",
        "truncation_retention_ratio": "0.8",
        "truncation_post_instructions_tokens": "20000",
    }
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    bot.refresh_from_db()
    assert (bot.model, bot.reasoning_effort, bot.parallel_tool_calls) == (
        "gpt-realtime-2.1",
        "xhigh",
        True,
    )
