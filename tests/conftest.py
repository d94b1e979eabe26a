"""Shared factories: plain functions behind fixtures, no JSON fixtures."""

import os

import pytest

from botbuilder.models import Bot, KnowledgeSnippet, Tool, Voice
from tests.protocol_oracle import VIOLATIONS

# Tests run fake model servers on 127.0.0.1 ports of their own (compatible connections):
# allow loopback for them, in this process and in the workers tests start.
TEST_CONNECTION_ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
os.environ.setdefault(
    "CONNECTION_ALLOWED_HOSTS", ",".join(TEST_CONNECTION_ALLOWED_HOSTS)
)


@pytest.fixture(autouse=True)
def _loopback_connections_allowed(settings):
    settings.CONNECTION_ALLOWED_HOSTS = TEST_CONNECTION_ALLOWED_HOSTS


# In-process websocket tests have no served port in their scope: name their page's origin.
TEST_WEBSOCKET_ORIGINS = ["http://127.0.0.1:8000", "http://localhost:8000"]


@pytest.fixture(autouse=True)
def _test_page_origin_allowed(settings):
    settings.WEBSOCKET_ALLOWED_ORIGINS = TEST_WEBSOCKET_ORIGINS


def create_voice(**fields) -> Voice:
    defaults = {"name": "Marin", "provider_voice": "marin", "speed": 1.0}
    return Voice.objects.create(**{**defaults, **fields})


def create_bot(**fields) -> Bot:
    defaults = {
        "name": "Support line",
        "slug": "support-line",
        "instructions": "You are the support line of {{shop_name}}. Be brief and friendly.",
        "greeting": "Hello, this is {{shop_name}}. How can I help?",
        "variable_defaults": {"shop_name": "Acme"},
    }
    return Bot.objects.create(**{**defaults, **fields})


def create_snippet(bot: Bot | None = None, **fields) -> KnowledgeSnippet:
    defaults = {
        "title": "Opening hours",
        "content": "We are open Monday to Friday, 9 to 5.",
    }
    snippet = KnowledgeSnippet.objects.create(**{**defaults, **fields})
    if bot is not None:
        bot.knowledge.add(snippet)
    return snippet


def create_tool(bot: Bot | None = None, **fields) -> Tool:
    defaults = {
        "name": "get_order_status",
        "description": "Look up an order's delivery status by its number.",
        "parameters": {
            "type": "object",
            "properties": {"order_number": {"type": "string"}},
            "required": ["order_number"],
        },
        "kind": "static",
        "static_response": "Order {order_number} ships tomorrow.",
    }
    tool = Tool.objects.create(**{**defaults, **fields})
    if bot is not None:
        bot.tools.add(tool)
    return tool


@pytest.fixture
def voice(db) -> Voice:
    return create_voice()


@pytest.fixture
def bot(db, voice) -> Bot:
    return create_bot(voice=voice)


@pytest.fixture
def staff_user(db, django_user_model):
    return django_user_model.objects.create_superuser(
        "staff", "staff@example.com", "pw-staff-123"
    )


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture(autouse=True)
def protocol_conformance():
    """Fail a test whose peers sent an event the official SDK's types do not accept."""
    VIOLATIONS.take()  # a previous test's stragglers are not this test's fault
    yield
    seen = VIOLATIONS.take()
    if seen:
        pytest.fail(
            f"{len(seen)} Realtime protocol violation(s):\n" + "\n".join(seen[:10]),
            pytrace=False,
        )


# The offline engine; Redis/PostgreSQL and two daphne workers (tests marked `services`).
pytest_plugins = ["tests.fixtures.engine", "tests.services"]
