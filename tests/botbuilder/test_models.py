"""Model validation: the messages people see next to a field in the admin."""

import pytest
from django.core.exceptions import ValidationError

from botbuilder.models import Bot, Connection, Tool, Voice
from tests.conftest import create_bot, create_voice


def errors_of(obj) -> dict[str, list[str]]:
    """Field → error codes raised by full_clean()."""
    with pytest.raises(ValidationError) as info:
        obj.full_clean()
    return {
        field: [e.code for e in errors]
        for field, errors in info.value.error_dict.items()
    }


def valid_bot(**fields) -> Bot:
    values = {
        "name": "Desk",
        "slug": "desk",
        "instructions": "Help {{shop}}.",
        "greeting": "Hello.",
        "variable_defaults": {"shop": "Acme"},
    }
    return Bot(**{**values, **fields})


def valid_tool(**fields) -> Tool:
    values = {
        "name": "lookup",
        "description": "Look something up.",
        "kind": "static",
        "static_response": "ok",
    }
    return Tool(**{**values, **fields})


# --- Connection ---------------------------------------------------------------------


@pytest.mark.django_db
def test_connection_openai_needs_key_variable_name():
    assert errors_of(Connection(name="c", kind="openai")) == {
        "api_key_env": ["required"]
    }


@pytest.mark.django_db
def test_connection_azure_needs_url_and_deployment():
    errors = errors_of(
        Connection(name="c", kind="azure", api_key_env="BOT_SECRET_AZ_KEY")
    )
    assert errors["base_url"] == ["required_for_azure"]
    assert errors["azure_deployment"] == ["required_for_azure"]


@pytest.mark.django_db
def test_connection_compatible_needs_url_and_rejects_other_schemes():
    assert errors_of(Connection(name="c", kind="compatible")) == {
        "base_url": ["required_for_compatible"]
    }
    errors = errors_of(Connection(name="c", kind="compatible", base_url="ftp://x"))
    assert errors == {"base_url": ["invalid_scheme"]}


@pytest.mark.django_db
def test_connection_key_variable_must_be_an_env_var_name():
    conn = Connection(name="c", kind="openai", api_key_env="sk-abc123")
    assert errors_of(conn) == {"api_key_env": ["invalid_env_var_name"]}


@pytest.mark.django_db
def test_connection_offline_needs_nothing_else():
    Connection(name="c", kind="offline").full_clean()


# --- Voice --------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("speed", "ok"), [(0.2, False), (0.25, True), (1.5, True), (1.6, False)]
)
def test_voice_speed_bounds(speed, ok):
    voice = Voice(name="v", provider_voice="alloy", speed=speed)
    if ok:
        voice.full_clean()
    else:
        assert "speed" in errors_of(voice)


# --- Bot ----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("provider_voice", ["marin", "cedar"])
def test_bot_marin_and_cedar_need_a_gpt_realtime_model(provider_voice):
    voice = create_voice(name=provider_voice, provider_voice=provider_voice)
    bot = valid_bot(voice=voice, model="gpt-4o-mini-realtime-preview")
    assert errors_of(bot) == {
        "voice": ["voice_model_mismatch"],
        "model": ["model_retired"],
    }
    valid_bot(voice=voice, model="gpt-realtime").full_clean()
    valid_bot(voice=voice, model="gpt-realtime-mini").full_clean()
    valid_bot(voice=voice, model="gpt-realtime-2.1-mini").full_clean()


@pytest.mark.django_db
def test_bot_on_the_retired_preview_model_is_told_its_successor():
    voice = create_voice(name="alloy", provider_voice="alloy")
    bot = valid_bot(voice=voice, model="gpt-4o-mini-realtime-preview")
    with pytest.raises(ValidationError) as caught:
        bot.full_clean()
    assert caught.value.message_dict == {
        "model": [
            "gpt-4o-mini-realtime-preview was shut down on 2026-05-07; choose "
            "gpt-realtime-2.1-mini."
        ]
    }


@pytest.mark.django_db
def test_bot_unknown_variable_is_an_error_on_the_field_that_uses_it():
    bot = valid_bot(greeting="Hi {{customer}}!")
    assert errors_of(bot) == {"greeting": ["unknown_variable"]}
    bot = valid_bot(instructions="Help {{shop}} and {{city}}.")
    assert errors_of(bot) == {"instructions": ["unknown_variable"]}


@pytest.mark.django_db
def test_bot_builtin_variables_need_no_default():
    valid_bot(instructions="You are {{bot_name}}; today is {{ today }}.").full_clean()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("defaults", "code"),
    [
        (["shop"], "not_an_object"),
        ({"shop": "A", "bad name": "x"}, "invalid_variable_name"),
        ({"shop": {"nested": 1}}, "invalid_variable_value"),
    ],
)
def test_bot_bad_variable_defaults(defaults, code):
    errors = errors_of(valid_bot(variable_defaults=defaults))
    assert code in errors["variable_defaults"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "tokens", "ok"),
    [
        ("gpt-realtime-2.1-mini", 0, False),
        ("gpt-realtime-2.1-mini", 1, True),
        ("gpt-realtime-2.1-mini", 32_000, True),
        ("gpt-realtime-2.1-mini", 32_001, False),
        ("gpt-realtime-mini", 4096, True),
        ("gpt-realtime-mini", 4097, False),
    ],
)
def test_bot_max_output_tokens_up_to_the_model_maximum(model, tokens, ok):
    bot = valid_bot(model=model, max_output_tokens=tokens)
    if ok:
        bot.full_clean()
    else:
        assert "max_output_tokens" in errors_of(bot)


@pytest.mark.django_db
def test_bot_slug_is_unique():
    create_bot(slug="desk")
    assert "slug" in errors_of(valid_bot(slug="desk"))


# --- Tool ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["get order", "x" * 65, "lookup!", ""])
def test_tool_bad_function_name(name):
    assert "name" in errors_of(valid_tool(name=name))


@pytest.mark.django_db
def test_tool_invalid_json_schema():
    tool = valid_tool(
        parameters={"type": "object", "properties": {"n": {"type": "nope"}}}
    )
    assert errors_of(tool) == {"parameters": ["invalid_schema"]}


@pytest.mark.django_db
@pytest.mark.parametrize("schema", [{"type": "string"}, ["type", "object"]])
def test_tool_parameters_top_level_must_be_an_object(schema):
    assert errors_of(valid_tool(parameters=schema)) == {
        "parameters": ["invalid_schema"]
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "field"),
    [
        ("webhook", "webhook_url"),
        ("python", "python_handler"),
        ("static", "static_response"),
        ("builtin", "builtin"),
    ],
)
def test_tool_kind_specific_required_fields(kind, field):
    tool = valid_tool(kind=kind, static_response="")
    assert errors_of(tool)[field] == ["required"]


@pytest.mark.django_db
def test_tool_webhook_url_must_be_http():
    tool = valid_tool(kind="webhook", webhook_url="file:///etc/passwd")
    assert errors_of(tool) == {"webhook_url": ["invalid_scheme"]}


@pytest.mark.django_db
def test_tool_webhook_headers_must_be_an_object():
    tool = valid_tool(webhook_headers=["Authorization"])
    assert errors_of(tool) == {"webhook_headers": ["not_an_object"]}


@pytest.mark.django_db
def test_tool_unknown_kind_is_a_field_error_not_a_crash():
    assert errors_of(valid_tool(kind="bogus")) == {"kind": ["invalid_choice"]}
