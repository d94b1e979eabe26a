"""Tool.clean: secrets as ${ENV_VAR} references, declared placeholders, registered handlers."""

import pytest
from django.core.exceptions import ValidationError

from botbuilder.models import Tool
from tests.conftest import create_bot

pytestmark = pytest.mark.django_db

PARAMS = {
    "type": "object",
    "properties": {"order_number": {"type": "string"}},
    "required": ["order_number"],
}


def webhook(**fields) -> Tool:
    base = {
        "name": "lookup",
        "description": "d",
        "parameters": PARAMS,
        "kind": "webhook",
        "webhook_url": "https://shop.example/api/orders/{order_number}",
        "webhook_headers": {},
    }
    return Tool(**{**base, **fields})


def errors_of(tool: Tool) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as info:
        tool.full_clean()
    return info.value.message_dict


def test_valid_webhook_passes():
    webhook(
        webhook_headers={
            "Authorization": "Bearer ${BOT_SECRET_SHOP_API_TOKEN}",
            "X-Api-Key": "${BOT_SECRET_SHOP_KEY}",
            "Accept-Language": "en",
        }
    ).full_clean()


@pytest.mark.parametrize(
    "headers",
    [
        {"Authorization": "Bearer sk-live-123456"},
        {"X-Api-Key": "abc123"},
        {"Cookie": "session=xyz"},
        {"X-Shop-Token": "t0k3n"},
        {"X-Client-Secret": "hunter2"},
        {"Authorization": "Bearer abc${BOT_SECRET_SHOP_TOKEN}"},
    ],
)
def test_literal_secrets_in_sensitive_headers_are_refused(headers):
    messages = errors_of(webhook(webhook_headers=headers))["webhook_headers"]
    assert any(
        "${BOT_SECRET_SHOP_TOKEN}" in m and "never stored" in m for m in messages
    )


@pytest.mark.parametrize(
    ("headers", "words"),
    [
        ({"X-Api-Key": "${1BAD}"}, "not a valid environment variable name"),
        ({"X-Api-Key": "${SHOP KEY}"}, "not a valid environment variable name"),
        ({"X-Api-Key": "${BOT_SECRET_SHOP_KEY"}, "not closed"),
        ({"Bad Header": "x"}, "not a valid header name"),
        ({"Host": "internal"}, "set automatically"),
        ({"X-Note": "a\r\nInjected: 1"}, "one line"),
        (["not", "an", "object"], "JSON object"),
    ],
)
def test_header_problems_are_explained(headers, words):
    messages = errors_of(webhook(webhook_headers=headers))["webhook_headers"]
    assert any(words in m for m in messages), messages


def test_url_placeholder_must_be_a_declared_parameter():
    messages = errors_of(webhook(webhook_url="https://shop.example/o/{order_id}"))[
        "webhook_url"
    ]
    assert any("{order_id} is not a parameter" in m for m in messages)


def test_body_placeholder_must_be_a_declared_parameter():
    messages = errors_of(webhook(webhook_body_template={"id": "{orderid}"}))[
        "webhook_body_template"
    ]
    assert any("{orderid}" in m for m in messages)


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("https://user:pw@shop.example/x", "user:password@"),
        ("https://shop.example/x?key=${BOT_SECRET_SHOP_KEY}", "belong in a header"),
        ("ftp://shop.example/x", "http:// or https://"),
    ],
)
def test_bad_urls_are_refused(url, words):
    messages = errors_of(webhook(webhook_url=url))["webhook_url"]
    assert any(words in m for m in messages), messages


def test_url_variables_must_be_declared_by_the_bots_using_the_tool():
    tool = webhook(webhook_url="https://shop.example/{{region}}/o/{order_number}")
    tool.full_clean()  # not used by any bot yet: only checked at call time
    tool.save()
    bot = create_bot(variable_defaults={"shop_name": "Acme"})
    bot.tools.add(tool)
    messages = errors_of(tool)["webhook_url"]
    assert any("{{region}}" in m for m in messages)
    bot.variable_defaults = {"shop_name": "Acme", "region": "eu"}
    bot.save()
    tool.full_clean()


def test_python_handler_must_be_registered():
    tool = Tool(
        name="status",
        description="d",
        parameters=PARAMS,
        kind="python",
        python_handler="os.system",
    )
    messages = errors_of(tool)["python_handler"]
    assert any(
        "not a registered handler" in m and "botbuilder.demo_handlers.order_status" in m
        for m in messages
    )
    tool.python_handler = "botbuilder.demo_handlers.order_status"
    tool.full_clean()


def test_static_placeholders_must_be_declared():
    tool = Tool(
        name="s",
        description="d",
        parameters=PARAMS,
        kind="static",
        static_response="Order {order} ok",
    )
    assert "static_response" in errors_of(tool)
