"""The admin "Test tool" page, through the Django test client."""

import json
import logging

import pytest
from django.urls import reverse

from tests.botbuilder.tools.conftest import SECRET_VALUE
from tests.conftest import create_bot, create_snippet, create_tool

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def page_url(tool) -> str:
    return reverse("admin:botbuilder_tool_test", args=[tool.pk])


def test_page_prefills_arguments_from_the_schema(staff_client):
    tool = create_tool()
    response = staff_client.get(page_url(tool))
    assert response.status_code == 200
    assert json.loads(response.context["form"].initial["arguments"]) == {
        "order_number": ""
    }
    assert b"Test tool: get_order_status" in response.content
    assert (
        reverse("admin:botbuilder_tool_change", args=[tool.pk]).encode()
        in response.content
    )


def test_page_needs_a_staff_login(client, db):
    tool = create_tool()
    response = client.get(page_url(tool))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_page_needs_the_change_permission(client, django_user_model):
    viewer = django_user_model.objects.create_user(
        "viewer", password="pw-viewer-123", is_staff=True
    )
    client.force_login(viewer)
    assert client.post(page_url(create_tool()), {"arguments": "{}"}).status_code == 403


def test_static_tool_runs_and_shows_the_model_output(staff_client):
    tool = create_tool()
    response = staff_client.post(
        page_url(tool), {"arguments": '{"order_number": "77"}', "variables": ""}
    )
    assert response.status_code == 200
    outcome = response.context["outcome"]
    assert outcome.status == "ok"
    assert "Order 77 ships tomorrow." in response.content.decode()


def test_invalid_arguments_show_the_problems(staff_client):
    response = staff_client.post(
        page_url(create_tool()), {"arguments": '{"order_number": 5}'}
    )
    page = response.content.decode()
    assert response.context["outcome"].status == "invalid_arguments"
    assert "Argument problems" in page and "not of type" in page


def test_invalid_variables_json_is_a_form_error(staff_client):
    response = staff_client.post(
        page_url(create_tool()), {"arguments": "{}", "variables": "[1"}
    )
    assert response.context["outcome"] is None
    assert "Not valid JSON" in response.content.decode()


def test_webhook_runs_for_real_and_secrets_stay_hidden(
    staff_client, http_server, allow_local, monkeypatch, caplog
):
    monkeypatch.setenv("BOT_SECRET_SHOP_API_TOKEN", SECRET_VALUE)
    caplog.set_level(logging.DEBUG)
    tool = create_tool(
        kind="webhook",
        webhook_method="POST",
        webhook_url=f"{http_server.base_url}/echo?shop={{{{shop_name}}}}",
        webhook_headers={"Authorization": "Bearer ${BOT_SECRET_SHOP_API_TOKEN}"},
        webhook_body_template={"order": "{order_number}"},
    )
    bot = create_bot(variable_defaults={"shop_name": "Acme"})
    response = staff_client.post(
        page_url(tool),
        {"arguments": '{"order_number": "A-9"}', "variables": "", "bot": bot.pk},
    )
    page = response.content.decode()
    assert response.context["outcome"].status == "ok"
    assert (
        http_server.received[-1]["headers"]["Authorization"] == f"Bearer {SECRET_VALUE}"
    )
    assert f"POST {http_server.base_url}/echo?shop=Acme" in page  # the exact request
    assert "Bearer ••••" in page
    assert "200 OK" in page  # the raw response
    assert "&quot;order&quot;: &quot;A-9&quot;" in page  # request body and echoed body
    assert SECRET_VALUE not in page
    assert SECRET_VALUE not in caplog.text


def test_webhook_refusal_is_shown(staff_client, http_server, settings):
    settings.WEBHOOK_ALLOWED_HOSTS = []
    tool = create_tool(
        kind="webhook", webhook_method="GET", webhook_url=f"{http_server.base_url}/ok"
    )
    response = staff_client.post(page_url(tool), {"arguments": '{"order_number": "1"}'})
    assert "loopback" in response.content.decode()
    assert http_server.received == []


def test_search_knowledge_uses_the_chosen_bots_snippets(staff_client):
    bot = create_bot()
    create_snippet(
        bot,
        title="Weekend delivery",
        content="We deliver on Saturdays.",
        mode="retrieved",
    )
    create_snippet(
        None,
        title="Other bot",
        content="Saturdays are for the other bot.",
        mode="retrieved",
    )
    tool = create_tool(
        name="search_knowledge",
        kind="builtin",
        builtin="search_knowledge",
        parameters={
            "type": "object",
            "properties": {"query": {"type": "string"}},
            "required": ["query"],
        },
    )
    response = staff_client.post(
        page_url(tool), {"arguments": '{"query": "saturday delivery"}', "bot": bot.pk}
    )
    output = json.loads(response.context["outcome"].output)
    assert [r["title"] for r in output["results"]] == ["Weekend delivery"]


def test_tool_change_form_links_to_the_test_page(staff_client):
    tool = create_tool()
    page = staff_client.get(reverse("admin:botbuilder_tool_change", args=[tool.pk]))
    assert page.status_code == 200
    assert (
        reverse("admin:botbuilder_tool_test", args=[tool.pk]) in page.content.decode()
    )
