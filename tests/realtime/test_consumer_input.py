"""The browser websocket on the real ASGI app: who may connect, and malformed input."""

import base64
import json

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth.models import Permission

from tests.realtime.conftest import Browser, get_items, make_bot

pytestmark = pytest.mark.django_db(transaction=True)


async def _silent_upstream(fake_upstream):
    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")

    return await fake_upstream(script)


async def test_anonymous_user_is_refused_with_4401(fake_upstream):
    fake = await _silent_upstream(fake_upstream)
    bot = await make_bot(fake.base_url)
    browser = Browser(bot.pk)
    await browser.connect()
    error = await browser.until("error")
    assert error["code"] == "unauthenticated" and error["fatal"] is True
    assert await browser.until_closed() == 4401
    await browser.close()
    assert fake.connections == []


async def test_foreign_origin_is_refused(fake_upstream, staff_cookie):
    fake = await _silent_upstream(fake_upstream)
    bot = await make_bot(fake.base_url)
    browser = Browser(bot.pk, staff_cookie, origin=b"https://evil.example")
    connected, _ = await browser.connect()
    assert connected is False
    assert fake.connections == []


def _user_without_permission(
    client, django_user_model, *, staff: bool, perm: bool
) -> str:
    user = django_user_model.objects.create_user("clerk", "c@example.com", "pw-clerk-1")
    user.is_staff = staff
    user.save()
    if perm:
        user.user_permissions.add(Permission.objects.get(codename="view_bot"))
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


@pytest.mark.parametrize(("staff", "perm"), [(True, False), (False, True)])
async def test_user_without_staff_and_view_permission_is_refused_with_4403(
    fake_upstream, transactional_db, client, django_user_model, staff, perm
):
    fake = await _silent_upstream(fake_upstream)
    bot = await make_bot(fake.base_url)
    cookie = await database_sync_to_async(_user_without_permission)(
        client, django_user_model, staff=staff, perm=perm
    )
    browser = Browser(bot.pk, cookie)
    await browser.connect()
    assert (await browser.until("error"))["code"] == "forbidden"
    assert await browser.until_closed() == 4403
    await browser.close()


async def test_staff_with_view_permission_may_connect(
    fake_upstream, transactional_db, client, django_user_model
):
    fake = await _silent_upstream(fake_upstream)
    bot = await make_bot(fake.base_url, greeting_mode="wait")
    cookie = await database_sync_to_async(_user_without_permission)(
        client, django_user_model, staff=True, perm=True
    )
    browser = Browser(bot.pk, cookie)
    await browser.connect()
    await browser.send(type="session.start")
    assert (await browser.until("session.started"))["bot"]["id"] == bot.pk
    await browser.close()


async def test_unknown_bot_is_refused_with_4404(staff_cookie):
    browser = Browser(999_999, staff_cookie)
    await browser.connect()
    assert (await browser.until("error"))["code"] == "bot_not_found"
    assert await browser.until_closed() == 4404
    await browser.close()


async def test_malformed_browser_input_gets_errors_and_the_session_goes_on(
    fake_upstream, staff_cookie
):
    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")
        await conn.expect("conversation.item.create")
        await conn.expect("response.create")
        await conn.reply("Still here.")

    fake = await fake_upstream(script)
    bot = await make_bot(fake.base_url, greeting_mode="wait")
    browser = Browser(bot.pk, staff_cookie)
    await browser.connect()
    await browser.send_audio(b"\x00\x00" * 10)  # before session.start
    await browser.send(type="text", text="hi")  # before session.start
    await browser.send(type="session.start", variables=["not", "an", "object"])
    await browser.send(type="session.start")
    await browser.until("session.started")
    bad = [
        ("{not json", "invalid_json"),
        (json.dumps([1, 2]), "invalid_message"),
        (json.dumps({"text": "no type"}), "missing_type"),
        (json.dumps({"type": "dance"}), "unknown_type"),
        (json.dumps({"type": "text", "text": ""}), "invalid_field"),
        (json.dumps({"type": "text", "text": "x" * 4001}), "invalid_field"),
        (
            json.dumps({"type": "playback", "item_id": "a", "played_ms": -5}),
            "invalid_field",
        ),
        (json.dumps({"type": "session.start"}), "already_started"),
        (json.dumps({"type": "audio.commit"}), "not_push_to_talk"),
    ]
    for text, _ in bad:
        await browser.send_raw(text)
    await browser.send_audio(b"\x00" * 24_002)  # too large
    await browser.send_audio(b"\x00" * 481)  # odd length
    await browser.send_audio(b"")  # empty
    await browser.send(type="text", text="Are you there?")
    await browser.until("transcript.done", role="assistant")
    codes = [e["code"] for e in browser.of_type("error")]
    assert codes == [
        "session_not_started",
        "session_not_started",
        "invalid_variables",
        *[code for _, code in bad],
        "frame_too_large",
        "bad_audio_length",
        "empty_audio_frame",
    ]
    assert all(e["fatal"] is False and e["reason"] for e in browser.of_type("error"))
    await browser.close()
    assert fake.connections[0].of_type("input_audio_buffer.append") == []
    assert not fake.errors


async def test_message_rate_limit(fake_upstream, open_session):
    fake = await _silent_upstream(fake_upstream)
    bot = await make_bot(fake.base_url, greeting_mode="wait")
    browser = await open_session(bot)
    for _ in range(130):
        await browser.send_audio(b"\x00\x00" * 480)
    error = await browser.until("error")
    assert error["code"] == "rate_limited"
    await browser.drain(0.2)
    assert (
        len(browser.of_type("error")) == 1
    )  # one error per second, not one per message
    await browser.close()
    appended = fake.connections[0].of_type("input_audio_buffer.append")
    audio = b"".join(base64.b64decode(a["audio"]) for a in appended)
    # session.start used one of the 100 messages in that second (appends of 40 ms: two
    # frames each, RELAY_APPEND_MS; the last one sent at the end)
    assert len(audio) == 99 * 960


async def test_inactive_bot_is_refused_with_4409(fake_upstream, staff_cookie):
    fake = await _silent_upstream(fake_upstream)
    bot = await make_bot(fake.base_url, is_active=False)
    browser = Browser(bot.pk, staff_cookie)
    await browser.connect()
    assert (await browser.until("error"))["code"] == "bot_inactive"
    assert await browser.until_closed() == 4409
    await browser.close()


async def test_missing_api_key_is_a_readable_fatal_error(staff_cookie, monkeypatch):
    monkeypatch.delenv("BOT_SECRET_RELAY_MISSING_KEY", raising=False)
    bot = await make_bot(
        "https://api.openai.com/v1",
        kind="openai",
        api_key_env="BOT_SECRET_RELAY_MISSING_KEY",
    )
    browser = Browser(bot.pk, staff_cookie)
    await browser.connect()
    await browser.send(type="session.start")
    error = await browser.until("error")
    assert error["code"] == "provider_config" and error["fatal"] is True
    assert "BOT_SECRET_RELAY_MISSING_KEY" in error["reason"]
    assert await browser.until_closed() == 1011
    await browser.close()


async def test_invalid_unicode_is_refused_and_the_session_goes_on(
    fake_upstream, open_session
):
    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")
        await conn.expect("conversation.item.create")
        await conn.expect("response.create")
        await conn.reply("Fine.")

    fake = await fake_upstream(script)
    bot = await make_bot(fake.base_url, greeting_mode="wait")
    browser = await open_session(bot)
    await browser.send_raw('{"type": "text", "text": "bad \\ud800 text"}')
    error = await browser.until("error")
    assert error["code"] == "invalid_text" and not error["fatal"]
    await browser.send_raw("[" * 5000 + "]" * 5000)
    nested = await browser.until("error", code="invalid_message")
    assert "nested" in nested["reason"]
    await browser.send(type="text", text="Good text")
    await browser.until("transcript.done", role="assistant", text="Fine.")
    await browser.close()
    session_id = browser.events[0]["session_id"]
    assert [r["text"] for r in await get_items(session_id)] == ["Good text", "Fine."]


async def test_variables_with_invalid_unicode_are_refused_before_the_start(
    staff_cookie, fake_upstream
):
    fake = await fake_upstream()
    bot = await make_bot(fake.base_url, greeting_mode="wait")
    browser = Browser(bot.pk, staff_cookie)
    assert (await browser.connect())[0]
    await browser.send_raw(
        '{"type": "session.start", "variables": {"name": "\\udfff"}}'
    )
    error = await browser.until("error")
    assert error["code"] == "invalid_text"
    await browser.send(type="session.start")
    await browser.until("session.started")
    await browser.close()
