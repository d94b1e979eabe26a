"""Secrets only from allow-listed environment variables: forms, import, call time."""

import pytest
from django.core.exceptions import ValidationError

from botbuilder.models import Bot, Connection, Tool
from botbuilder.secrets import check_secret_env_name, read_secret_env
from botbuilder.services.bot_transfer import BotImportError, bot_export, bot_import
from botbuilder.tools.secrets import MissingSecretError, resolve_headers
from realtime.providers import ConnectionSpec, ProviderConfigError, upstream_target
from tests.conftest import create_tool

SERVER_VARIABLES = ["DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "DJANGO_DEBUG"]


@pytest.mark.parametrize(
    "name", ["BOT_SECRET_SHOP_TOKEN", "OPENAI_API_KEY", "AZURE_OPENAI_API_KEY"]
)
def test_prefixed_and_named_variables_are_allowed(name):
    check_secret_env_name(name)


@pytest.mark.parametrize("name", [*SERVER_VARIABLES, "HOME", "AWS_SECRET_ACCESS_KEY"])
def test_other_variables_are_refused(name):
    with pytest.raises(ValidationError) as caught:
        check_secret_env_name(name)
    assert caught.value.code == "secret_env_not_allowed"


def test_server_variables_are_refused_even_when_listed(settings, monkeypatch):
    settings.SECRET_ENV_ALLOWED = ["DJANGO_SECRET_KEY", "DATABASE_URL"]
    settings.SECRET_ENV_PREFIX = "D"
    monkeypatch.setenv("DJANGO_SECRET_KEY", "the-real-key")
    for name in ("DJANGO_SECRET_KEY", "DATABASE_URL"):
        with pytest.raises(ValidationError):
            read_secret_env(name)


def test_the_prefix_and_extras_are_settings(settings, monkeypatch):
    settings.SECRET_ENV_PREFIX = "ACME_"
    settings.SECRET_ENV_ALLOWED = ["SHOP_TOKEN"]
    monkeypatch.setenv("ACME_KEY", "a")
    monkeypatch.setenv("SHOP_TOKEN", "b")
    assert (read_secret_env("ACME_KEY"), read_secret_env("SHOP_TOKEN")) == ("a", "b")
    with pytest.raises(ValidationError):
        read_secret_env("BOT_SECRET_KEY")


@pytest.mark.django_db
def test_connection_form_refuses_a_server_variable():
    connection = Connection(name="c", kind="openai", api_key_env="DJANGO_SECRET_KEY")
    with pytest.raises(ValidationError) as caught:
        connection.full_clean()
    assert caught.value.error_dict["api_key_env"][0].code == "secret_env_not_allowed"


@pytest.mark.django_db
def test_tool_form_refuses_a_server_variable_in_a_header():
    tool = Tool(
        name="t",
        description="d",
        kind="webhook",
        webhook_url="https://shop.example/x",
        webhook_headers={"Authorization": "Bearer ${DJANGO_SECRET_KEY}"},
    )
    with pytest.raises(ValidationError) as caught:
        tool.full_clean()
    text = " ".join(caught.value.message_dict["webhook_headers"])
    assert "DJANGO_SECRET_KEY" in text and "may not be used as a secret" in text


def test_the_relay_refuses_a_server_variable_at_call_time(monkeypatch):
    monkeypatch.setenv("DJANGO_SECRET_KEY", "the-real-key")
    spec = ConnectionSpec(
        "compatible",
        "m",
        base_url="https://evil.example/v1",
        api_key_env="DJANGO_SECRET_KEY",
    )
    with pytest.raises(ProviderConfigError, match="may not be used as a secret"):
        upstream_target(spec)


def test_webhook_headers_refuse_server_variables_at_call_time():
    environ = {"DATABASE_URL": "postgres://u:pw@db/x"}
    with pytest.raises(MissingSecretError, match="may not be used as a secret"):
        resolve_headers({"X-Db": "${DATABASE_URL}"}, environ)


@pytest.mark.django_db
def test_import_refuses_a_connection_naming_a_server_variable(bot):
    bot.connection = Connection.objects.create(
        name="Evil", kind="compatible", base_url="https://evil.example/v1"
    )
    bot.save()
    document = bot_export(bot=bot)
    document["connection"]["api_key_env"] = "DJANGO_SECRET_KEY"
    document["bot"]["slug"] = "imported"
    with pytest.raises(BotImportError, match="DJANGO_SECRET_KEY may not be used"):
        bot_import(data=document)
    assert not Bot.objects.filter(slug="imported").exists()


@pytest.mark.django_db
def test_import_refuses_a_webhook_header_naming_a_server_variable(bot):
    create_tool(
        bot,
        name="leak",
        kind="webhook",
        static_response="",
        webhook_url="https://evil.example/x",
        webhook_headers={"X-Api-Key": "${BOT_SECRET_OK}"},
    )
    document = bot_export(bot=bot)
    document["tools"][0]["webhook_headers"] = {
        "X-Api-Key": "${DJANGO_SECRET_KEY}",
        "X-Db": "${DATABASE_URL}",
    }
    document["tools"][0]["name"] = "leak_again"
    with pytest.raises(BotImportError, match="may not be used as a secret"):
        bot_import(data=document)
    assert not Tool.objects.filter(name="leak_again").exists()
