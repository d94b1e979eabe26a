"""OpenAI SIP end to end: signed webhook → accept/reject → sideband session → hangup/refer."""

import asyncio
import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.core.cache import cache
from django.test import AsyncClient
from standardwebhooks.webhooks import Webhook

from botbuilder.models import PhoneAccount, PhoneNumber, Session, TranscriptItem
from realtime.monitoring import watch_group
from tests.realtime.conftest import make_bot
from tests.realtime.fake_upstream import new_id
from tests.realtime.phone.fake_openai import FakeOpenAI
from tests.realtime.test_relay_tools import END_SESSION_TOOL

pytestmark = pytest.mark.django_db(transaction=True)

SECRET = "whsec_" + base64.b64encode(b"phone-test-secret-0123456789abcd").decode()
NUMBER = "+14155550188"
CALLER = "+14155550100"
CALL_ID = "rtc_test_0001"
TRANSFER_TOOL = {
    "name": "transfer_call",
    "kind": "builtin",
    "builtin": "transfer_call",
    "description": "Hand the caller to a human.",
    "parameters": {"type": "object", "properties": {"reason": {"type": "string"}}},
}


def incoming(to: str = NUMBER, call_id: str = CALL_ID) -> bytes:
    return json.dumps(
        {
            "object": "event",
            "id": "evt_test_1",
            "type": "realtime.call.incoming",
            "created_at": 1750287018,
            "data": {
                "call_id": call_id,
                "sip_headers": [
                    {
                        "name": "From",
                        "value": f'"Ada" <sip:{CALLER}@pstn.example>;tag=1',
                    },
                    {"name": "To", "value": f"<sip:{to}@sip.api.openai.com>"},
                    {"name": "Call-ID", "value": "abc@pstn.example"},
                ],
            },
        }
    ).encode()


def signed_headers(body: bytes, *, secret=SECRET, at: datetime | None = None) -> dict:
    at = at or datetime.now(UTC)
    return {
        "webhook-id": "wh_test_1",
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign("wh_test_1", at, body.decode()),
    }


async def post_webhook(body: bytes, headers: dict):
    return await AsyncClient().post(
        "/telephony/openai/webhook/",
        body,
        content_type="application/json",
        headers=headers,
    )


@pytest.fixture(autouse=True)
def fresh_cache():
    """Calls already handled are remembered in the cache; every test starts afresh."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def sip_settings(settings, monkeypatch):
    monkeypatch.setenv("BOT_SECRET_TEST_OPENAI_WEBHOOK_SECRET", SECRET)
    monkeypatch.setenv("BOT_SECRET_TEST_OPENAI_KEY", "sk-test-standard")
    return settings


def _sip_number(bot, **account_fields) -> PhoneNumber:
    account = PhoneAccount.objects.create(
        name="OpenAI SIP test",
        provider="openai_sip",
        webhook_secret_env="BOT_SECRET_TEST_OPENAI_WEBHOOK_SECRET",
        api_key_env="BOT_SECRET_TEST_OPENAI_KEY",
        **account_fields,
    )
    return PhoneNumber.objects.create(number=NUMBER, account=account, bot=bot)


make_sip_number = database_sync_to_async(_sip_number)


@pytest.fixture
async def fake_openai(fake_upstream, sip_settings):
    """`await fake_openai(script)` → FakeOpenAI whose sideband runs `script`."""
    servers = []

    async def make(script):
        upstream = await fake_upstream(script)
        server = FakeOpenAI(upstream.port).start()
        servers.append(server)
        sip_settings.OPENAI_BASE_URL = server.base_url
        server.upstream = upstream
        return server

    yield make
    for server in servers:
        server.stop()


async def wait_for(check, within: float = 10.0):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not (result := await database_sync_to_async(check)()):
        assert loop.time() < deadline, "condition not met in time"
        await asyncio.sleep(0.05)
    return result


async def test_incoming_call_is_accepted_and_run_over_the_sideband(fake_openai):
    go = asyncio.Event()

    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")
        await go.wait()
        await conn.send(
            "input_audio_buffer.dtmf_event_received", event="7", received_at=1750287020
        )
        pressed = await conn.expect("conversation.item.create")
        conn.pressed = pressed["item"]["content"][0]["text"]
        await conn.expect("response.create")
        response_id = new_id("resp")
        await conn.response_start(response_id)
        call = await conn.function_call(
            response_id, "end_session", '{"closing_line": "Goodbye!"}'
        )
        await conn.response_done(response_id, output=[call])
        await conn.expect("conversation.item.create")
        await conn.expect("response.create")
        await conn.reply("Goodbye!", audio_ms=100)

    fake = await fake_openai(script)
    bot = await make_bot(
        "ws://unused.invalid/v1", greeting_mode="wait", tools=[END_SESSION_TOOL]
    )
    await make_sip_number(bot)
    body = incoming()
    response = await post_webhook(body, signed_headers(body))
    assert response.status_code == 204
    action, call_id, accepted, auth = fake.calls[0]
    assert (action, call_id, auth) == ("accept", CALL_ID, "Bearer sk-test-standard")
    assert accepted["type"] == "realtime" and accepted["instructions"]
    assert [t["name"] for t in accepted["tools"]] == ["end_session"]
    session = await wait_for(
        lambda: Session.objects.filter(provider_call_id=CALL_ID).first()
    )
    layer = get_channel_layer()
    watcher = await layer.new_channel()
    await layer.group_add(watch_group(session.group_name), watcher)
    go.set()
    seen = []
    while "session.ended" not in seen:
        message = await asyncio.wait_for(layer.receive(watcher), 10)
        seen.append(message["event"]["type"])
    assert "transcript.done" in seen and "tool.result" in seen
    await wait_for(lambda: any(c[0] == "hangup" for c in fake.calls))
    assert fake.calls[-1][:2] == ("hangup", CALL_ID)
    conn = fake.upstream.connections[0]
    assert conn.path == f"/v1/realtime?call_id={CALL_ID}"
    assert conn.headers.get("Authorization") == "Bearer sk-test-standard"
    assert conn.pressed == "[The caller pressed 7 on the keypad]"
    session = await wait_for(
        lambda: Session.objects.filter(pk=session.pk, status="completed").first()
    )
    assert session.channel == "phone" and session.caller == CALLER
    assert session.end_reason == "end_session_tool"
    texts = await database_sync_to_async(
        lambda: list(
            TranscriptItem.objects.filter(session=session).values_list(
                "text", flat=True
            )
        )
    )()
    assert "[The caller pressed 7 on the keypad]" in texts and "Goodbye!" in texts


async def test_transfer_call_refers_to_the_transfer_number(fake_openai):
    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")
        response_id = new_id("resp")
        await conn.response_start(response_id)
        call = await conn.function_call(response_id, "transfer_call", '{"reason": "x"}')
        await conn.response_done(response_id, output=[call])
        await conn.expect("conversation.item.create")
        await conn.expect("response.create")
        await conn.reply("Transferring you now.", audio_ms=100)

    fake = await fake_openai(script)
    bot = await make_bot(
        "ws://unused.invalid/v1",
        greeting_mode="wait",
        tools=[TRANSFER_TOOL],
        transfer_number="+14155550999",
    )
    await make_sip_number(bot)
    body = incoming()
    assert (await post_webhook(body, signed_headers(body))).status_code == 204
    await wait_for(lambda: any(c[0] == "refer" for c in fake.calls))
    refer = next(c for c in fake.calls if c[0] == "refer")
    assert refer[1:3] == (CALL_ID, {"target_uri": "tel:+14155550999"})


async def test_the_caller_hanging_up_ends_the_session_without_a_hangup(fake_openai):
    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")
        await conn.close(1000)

    fake = await fake_openai(script)
    bot = await make_bot("ws://unused.invalid/v1", greeting_mode="wait")
    await make_sip_number(bot)
    body = incoming()
    assert (await post_webhook(body, signed_headers(body))).status_code == 204
    session = await wait_for(
        lambda: Session.objects.filter(
            provider_call_id=CALL_ID, status="completed"
        ).first()
    )
    assert session.end_reason == "client_closed"
    assert [c[0] for c in fake.calls] == ["accept"]


async def test_a_number_no_bot_answers_is_rejected_with_the_configured_code(
    fake_openai,
):
    fake = await fake_openai(None)
    bot = await make_bot("ws://unused.invalid/v1", is_active=False)
    await make_sip_number(bot, reject_status_code=486)
    body = incoming()
    assert (await post_webhook(body, signed_headers(body))).status_code == 204
    body = incoming(to="+14155550177", call_id="rtc_test_0002")
    assert (await post_webhook(body, signed_headers(body))).status_code == 204
    assert fake.calls == [
        ("reject", CALL_ID, {"status_code": 486}, "Bearer sk-test-standard"),
        ("reject", "rtc_test_0002", {"status_code": 486}, "Bearer sk-test-standard"),
    ]


async def test_bad_or_stale_signatures_are_refused(fake_openai):
    fake = await fake_openai(None)
    bot = await make_bot("ws://unused.invalid/v1")
    await make_sip_number(bot)
    body = incoming()
    other = "whsec_" + base64.b64encode(b"another-secret-0123456789abcdef!").decode()
    stale = datetime.now(UTC) - timedelta(minutes=6)
    forged = {**signed_headers(body), "webhook-signature": "v1,AAAA"}
    for headers in (
        signed_headers(body, secret=other),
        signed_headers(body, at=stale),
        forged,
        {},
    ):
        assert (await post_webhook(body, headers)).status_code == 401
    tampered = incoming().replace(b"rtc_test_0001", b"rtc_test_0002")
    assert (await post_webhook(tampered, signed_headers(body))).status_code == 401
    assert fake.calls == []


async def test_staff_ending_the_call_hangs_up_and_a_retried_webhook_is_ignored(
    fake_openai,
):
    await _staff_ends_the_call(fake_openai)


@pytest.mark.services
async def test_staff_ending_a_sip_call_reaches_it_over_redis(
    redis_channel_layer, fake_openai
):
    await _staff_ends_the_call(fake_openai)


async def _staff_ends_the_call(fake_openai) -> None:
    async def script(conn):
        await conn.session_created()
        await conn.expect("session.update")

    fake = await fake_openai(script)
    bot = await make_bot("ws://unused.invalid/v1", greeting_mode="wait")
    await make_sip_number(bot)
    body = incoming()
    assert (await post_webhook(body, signed_headers(body))).status_code == 204
    assert (await post_webhook(body, signed_headers(body))).status_code == 204
    session = await wait_for(
        lambda: Session.objects.filter(provider_call_id=CALL_ID).first()
    )
    await wait_for(
        lambda: (
            fake.upstream.connections
            and fake.upstream.connections[0].of_type("session.update")
        )
    )
    await get_channel_layer().group_send(
        session.group_name, {"type": "session.end", "reason": "admin"}
    )
    await wait_for(lambda: any(c[0] == "hangup" for c in fake.calls))
    assert [c[0] for c in fake.calls] == ["accept", "hangup"]
    session = await wait_for(
        lambda: Session.objects.filter(pk=session.pk, status="completed").first()
    )
    assert session.end_reason == "admin"
