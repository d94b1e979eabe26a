"""Twilio's voice webhook and stream handshake: signatures, unknown numbers, tokens."""

from xml.etree import ElementTree as ET

import pytest
from channels.db import database_sync_to_async
from django.test import AsyncClient

from botbuilder.models import Session
from tests.conftest import create_bot
from tests.realtime.phone.conftest import (
    PUBLIC_BASE,
    TwilioPeer,
    make_twilio_number,
    sign,
    voice_webhook_params,
)

pytestmark = pytest.mark.django_db(transaction=True)

VOICE_URL = PUBLIC_BASE + "/telephony/twilio/voice/"
make_plain_bot = database_sync_to_async(create_bot)
count_sessions = database_sync_to_async(lambda: Session.objects.count())


async def post(params, signature):
    return await AsyncClient().post(
        "/telephony/twilio/voice/", params, headers={"X-Twilio-Signature": signature}
    )


async def test_bad_signature_is_refused_with_403(phone_settings):
    await make_twilio_number(await make_plain_bot(slug="b1"))
    params = voice_webhook_params()
    assert (await post(params, sign(VOICE_URL, params, key="wrong"))).status_code == 403
    assert (await post(params, "")).status_code == 403
    tampered = {**params, "From": "+14155550111"}
    assert (await post(tampered, sign(VOICE_URL, params))).status_code == 403
    assert (await post(params, sign(VOICE_URL, params))).status_code == 200


async def test_sha256_signature_announced_by_the_settings_header(
    phone_settings, monkeypatch
):
    monkeypatch.setenv("BOT_SECRET_TEST_TWILIO_SHARED", "shared-secret")
    await make_twilio_number(
        await make_plain_bot(slug="b2"), shared_key_env="BOT_SECRET_TEST_TWILIO_SHARED"
    )
    params = voice_webhook_params()
    settings_header = "key=KS00000000000000000000000000000001,algorithm=HMAC_SHA256"
    good = sign(VOICE_URL, params, key="shared-secret", algorithm="HMAC_SHA256")
    response = await AsyncClient().post(
        "/telephony/twilio/voice/",
        params,
        headers={
            "X-Twilio-Signature": good,
            "X-Twilio-Webhooks-Signature-Settings": settings_header,
        },
    )
    assert response.status_code == 200
    response = await AsyncClient().post(
        "/telephony/twilio/voice/",
        params,
        headers={
            "X-Twilio-Signature": sign(VOICE_URL, params),  # auth token, SHA-1
            "X-Twilio-Webhooks-Signature-Settings": settings_header,
        },
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    "case", ["unknown", "inactive_number", "inactive_bot", "no_bot"]
)
async def test_unknown_or_inactive_numbers_are_told_and_hung_up(phone_settings, case):
    bot = await make_plain_bot(slug="b3", is_active=case != "inactive_bot")
    await make_twilio_number(
        None if case == "no_bot" else bot, is_active=case != "inactive_number"
    )
    params = voice_webhook_params(
        **({"To": "+14155550177"} if case == "unknown" else {})
    )
    response = await post(params, sign(VOICE_URL, params))
    assert response.status_code == 200 and response["Content-Type"].startswith(
        "text/xml"
    )
    twiml = ET.fromstring(response.content)
    assert "not in service" in twiml.find("Say").text
    assert twiml.find("Hangup") is not None and twiml.find("Connect") is None


async def test_stream_handshake_without_a_valid_signature_is_refused(phone_settings):
    number = await make_twilio_number(await make_plain_bot(slug="b4"))
    path = f"/telephony/twilio/stream/{number.account_id}/"
    peer = TwilioPeer(path, sign(f"wss://phone.example.test{path}", {}, key="wrong"))
    connected, _ = await peer.connect()
    assert not connected
    other = TwilioPeer(path, sign(f"wss://phone.example.test{path}x", {}))
    connected, _ = await other.connect()
    assert not connected


async def test_stream_with_a_forged_or_foreign_token_is_closed(phone_settings):
    number = await make_twilio_number(await make_plain_bot(slug="b5"))
    params = voice_webhook_params()
    response = await post(params, sign(VOICE_URL, params))
    token = ET.fromstring(response.content).find(".//Parameter").get("value")
    path = f"/telephony/twilio/stream/{number.account_id}/"
    for call_sid, value in (("CA" + "c" * 32, token), (params["CallSid"], token + "x")):
        peer = TwilioPeer(path, sign(f"wss://phone.example.test{path}", {}))
        connected, _ = await peer.connect()
        assert connected
        await peer.start(call_sid, value)
        await peer.until_closed()
        assert peer.of("media") == []
    assert await count_sessions() == 0  # no call was answered
