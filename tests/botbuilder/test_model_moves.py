"""Legacy and retired models: system checks, the bot-list action and the command."""

import pytest
from django.core import checks
from django.core.management import call_command
from django.urls import reverse

from botbuilder.models import Bot, Connection
from tests.conftest import create_bot, create_voice


def model_messages():
    return [
        m
        for m in checks.run_checks(databases=["default"])
        if m.id in ("botbuilder.W002", "botbuilder.E002")
    ]


@pytest.mark.django_db
def test_legacy_bots_warn_with_the_shutdown_date_and_retired_bots_are_errors():
    create_bot(name="Old", slug="old", model="gpt-realtime-mini")
    create_bot(name="Gone", slug="gone", model="gpt-4o-mini-realtime-preview")
    create_bot(name="New", slug="new", model="gpt-realtime-2.1-mini")
    found = {m.id: m for m in model_messages()}
    assert set(found) == {"botbuilder.W002", "botbuilder.E002"}
    assert found["botbuilder.W002"].level == checks.WARNING
    assert "'Old'" in found["botbuilder.W002"].msg
    assert "2027-01-20" in found["botbuilder.W002"].msg
    assert found["botbuilder.E002"].level == checks.ERROR
    assert "'Gone'" in found["botbuilder.E002"].msg
    assert "gpt-realtime-2.1-mini" in found["botbuilder.E002"].msg


@pytest.mark.django_db
def test_an_azure_connection_on_a_legacy_model_warns():
    Connection.objects.create(
        name="Azure",
        kind="azure",
        base_url="https://r.openai.azure.com/openai/v1",
        azure_deployment="d",
        azure_model="gpt-realtime",
        api_key_env="AZURE_KEY",
    )
    [message] = model_messages()
    assert "connection Azure" in message.msg and "gpt-realtime-2.1" in message.msg


@pytest.mark.django_db
def test_bots_on_a_retiring_transcription_model_warn():
    create_bot(input_transcription_model="whisper-1")
    create_bot(
        name="Live", slug="live", input_transcription_model="gpt-live-transcribe"
    )
    found = [
        m for m in checks.run_checks(databases=["default"]) if m.id == "botbuilder.W003"
    ]
    assert len(found) == 1
    assert "whisper-1" in found[0].msg and "2027-02-26" in found[0].msg
    assert "gpt-live-transcribe" in found[0].hint


@pytest.mark.django_db
def test_current_bots_pass_the_checks():
    create_bot(model="gpt-realtime-2.1")
    assert model_messages() == []


def test_model_checks_do_not_run_without_a_database(settings):
    settings.OPENAI_API_KEY = "sk-test"
    assert checks.run_checks() == []


@pytest.mark.django_db
def test_bot_list_action_moves_bots_to_the_successor_model(staff_client):
    voice = create_voice(provider_voice="alloy")
    gone = create_bot(
        name="Gone", slug="gone", model="gpt-4o-mini-realtime-preview", voice=voice
    )
    old = create_bot(name="Old", slug="old", model="gpt-realtime")
    new = create_bot(name="New", slug="new", model="gpt-realtime-2.1-mini")
    response = staff_client.post(
        reverse("admin:botbuilder_bot_changelist"),
        {
            "action": "move_to_successor_model",
            "_selected_action": [gone.pk, old.pk, new.pk],
        },
        follow=True,
    )
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    assert (
        "Gone moved from gpt-4o-mini-realtime-preview to gpt-realtime-2.1-mini."
        in shown
    )
    assert "Old moved from gpt-realtime to gpt-realtime-2.1." in shown
    assert any(m.startswith("New was not moved") for m in shown)
    models = dict(Bot.objects.values_list("slug", "model"))
    assert models == {
        "gone": "gpt-realtime-2.1-mini",
        "old": "gpt-realtime-2.1",
        "new": "gpt-realtime-2.1-mini",
    }


@pytest.mark.django_db
def test_bot_list_flags_legacy_and_retired_models(staff_client):
    create_bot(name="Old", slug="old", model="gpt-realtime-mini")
    create_bot(name="Gone", slug="gone", model="gpt-4o-mini-realtime-preview")
    html = staff_client.get(reverse("admin:botbuilder_bot_changelist")).content.decode()
    assert "legacy: shuts down 2027-01-20" in html
    assert "retired: shut down 2026-05-07" in html


@pytest.mark.django_db
def test_a_bot_that_would_not_validate_on_the_successor_stays(staff_client):
    bot = create_bot(model="gpt-realtime-mini", max_output_tokens=4096)
    Bot.objects.filter(pk=bot.pk).update(idle_timeout_ms=5000, turn_detection="off")
    staff_client.post(
        reverse("admin:botbuilder_bot_changelist"),
        {"action": "move_to_successor_model", "_selected_action": [bot.pk]},
    )
    assert Bot.objects.get(pk=bot.pk).model == "gpt-realtime-mini"


@pytest.mark.django_db
def test_the_command_moves_legacy_and_retired_bots(capsys):
    create_bot(name="Old", slug="old", model="gpt-realtime-mini")
    create_bot(name="Gone", slug="gone", model="gpt-4o-mini-realtime-preview")
    call_command("move_to_successor_models", "--retired-only")
    assert dict(Bot.objects.values_list("slug", "model")) == {
        "old": "gpt-realtime-mini",
        "gone": "gpt-realtime-2.1-mini",
    }
    call_command("move_to_successor_models")
    assert set(Bot.objects.values_list("model", flat=True)) == {"gpt-realtime-2.1-mini"}
    assert "Old: gpt-realtime-mini → gpt-realtime-2.1-mini." in capsys.readouterr().out
