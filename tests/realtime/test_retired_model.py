"""A bot on a retired model cannot start a session; the refusal names the successor."""

from tests.realtime.conftest import Browser, make_bot


async def test_bot_on_a_retired_model_is_refused_with_its_successor_named(
    fake_upstream, staff_cookie
):
    fake = await fake_upstream()
    bot = await make_bot(fake.base_url, model="gpt-4o-mini-realtime-preview")
    browser = Browser(bot.pk, staff_cookie)
    await browser.connect()
    error = await browser.until("error")
    assert error["code"] == "model_retired"
    assert "gpt-realtime-2.1-mini" in error["reason"]
    assert await browser.until_closed() == 4409
    await browser.close()
    assert fake.connections == []  # nothing went upstream


async def test_a_dated_retired_snapshot_is_refused_too(fake_upstream, staff_cookie):
    fake = await fake_upstream()
    bot = await make_bot(fake.base_url, model="gpt-4o-mini-realtime-preview-2024-12-17")
    browser = Browser(bot.pk, staff_cookie)
    await browser.connect()
    assert (await browser.until("error"))["code"] == "model_retired"
    await browser.close()
