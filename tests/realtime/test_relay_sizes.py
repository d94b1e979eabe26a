"""session.started stays small whatever the bot (a huge bot saved before the size cap)."""

import json

import pytest

from tests.realtime.conftest import make_bot

ONE_MIB = 1024 * 1024


@pytest.mark.django_db(transaction=True)
async def test_session_started_of_a_huge_old_bot_is_under_the_message_limit(
    fake_upstream, open_session
):
    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")

    fake = await fake_upstream(script)
    bot = await make_bot(
        fake.base_url, instructions="z" * (2 * ONE_MIB), greeting_mode="wait"
    )
    browser = await open_session(bot)
    started = browser.events[0]
    assert started["type"] == "session.started"
    assert len(json.dumps(started)) < ONE_MIB / 2
