"""Bot tests against the offline engine: a shop bot with knowledge and a tool."""

import pytest

from botbuilder.models import BotTest
from tests.conftest import create_bot, create_snippet, create_tool, create_voice

HOURS = "Our opening hours are Monday to Friday from nine in the morning to six in the evening."
RETURNS = "You can return any item within thirty days of delivery for a full refund."


@pytest.fixture
def engine_default(offline_engine, settings):
    settings.OPENAI_API_KEY = ""
    settings.OFFLINE_ENGINE_HOST = offline_engine.host
    settings.OFFLINE_ENGINE_PORT = offline_engine.port
    return offline_engine


@pytest.fixture
def shop_bot(db, engine_default):
    voice = create_voice(name="Klatt", offline_voice="en-us+klatt3")
    bot = create_bot(voice=voice, slug="shop", greeting_mode="wait")
    create_snippet(bot, title="Opening hours", content=HOURS)
    create_snippet(bot, title="Return policy", content=RETURNS)
    tool = create_tool(
        name="get_order_status",
        description="Look up the delivery status of an order by its order number.",
        parameters={
            "type": "object",
            "properties": {"order_number": {"type": "string"}},
            "required": ["order_number"],
        },
        static_response='{"status": "shipped"}',
    )
    bot.tools.add(tool)
    return bot


def make_test(bot, **fields) -> BotTest:
    defaults = {"name": "t", "kind": "reply"}
    test = BotTest(bot=bot, **{**defaults, **fields})
    test.full_clean()
    test.save()
    return test
