"""Forms that used to accept mistakes: broken tool schemas, a missing greeting, help text."""

import json

import pytest
from django.urls import reverse

from botbuilder.toolspec import schema_errors
from tests.conftest import create_tool

pytestmark = pytest.mark.django_db

TOOL_FORM = {
    "kind": "static",
    "description": "Look up an order.",
    "is_enabled": "on",
    "static_response": "ok",
    "webhook_method": "POST",
    "webhook_headers": "{}",
    "webhook_timeout_s": "10",
    "webhook_max_response_bytes": "65536",
}


def test_required_naming_a_missing_property_is_an_error():
    schema = {
        "type": "object",
        "properties": {
            "order": {
                "type": "object",
                "properties": {"id": {"type": "string"}},
                "required": ["id", "zip"],
            }
        },
        "required": ["order", "order_number"],
    }
    assert schema_errors(schema) == [
        "'required' names 'order_number', which is not in 'properties' at (top level)",
        "'required' names 'zip', which is not in 'properties' at properties/order",
    ]


def test_every_schema_error_is_listed_in_the_tool_form(staff_client, bot):
    tool = create_tool(bot)
    schema = {
        "type": "object",
        "properties": {"order_number": {"type": "strin"}},
        "required": ["order_id"],
        "minProperties": "one",
    }
    response = staff_client.post(
        reverse("admin:botbuilder_tool_change", args=[tool.pk]),
        {**TOOL_FORM, "name": tool.name, "parameters": json.dumps(schema)},
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["parameters"]
    assert len(errors) == 3
    text = " ".join(errors)
    assert "'order_id', which is not in 'properties'" in text
    assert "at properties/order_number/type" in text
    assert "at minProperties" in text
    tool.refresh_from_db()
    assert tool.parameters["required"] == ["order_number"]  # nothing was saved


def bot_form_data(client, bot, **changes) -> dict:
    url = reverse("admin:botbuilder_bot_change", args=[bot.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["variable_defaults"] = json.dumps(bot.variable_defaults)
    for prefix in ["Bot_knowledge-", "Bot_tools-", "analysis_plan-"]:
        data |= {f"{prefix}TOTAL_FORMS": "0", f"{prefix}INITIAL_FORMS": "0"}
    return data | changes


@pytest.mark.parametrize("greeting", ["", "   "])
def test_bot_greeting_first_needs_a_greeting(staff_client, bot, greeting):
    url = reverse("admin:botbuilder_bot_change", args=[bot.pk])
    data = bot_form_data(
        staff_client, bot, greeting_mode="bot_greeting", greeting=greeting
    )
    response = staff_client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["greeting"]
    assert "Write the greeting the bot speaks first" in errors["greeting"][0]


def test_other_greeting_modes_need_no_greeting(staff_client, bot):
    url = reverse("admin:botbuilder_bot_change", args=[bot.pk])
    data = bot_form_data(staff_client, bot, greeting_mode="wait", greeting="")
    assert staff_client.post(url, data).status_code == 302


def test_connection_help_text_shows_the_azure_placeholder(staff_client):
    html = staff_client.get(reverse("admin:botbuilder_connection_add")).content.decode()
    assert "https://&lt;resource&gt;.openai.azure.com/openai/v1" in html
    assert "https://<resource>." not in html  # would be read as an HTML tag
