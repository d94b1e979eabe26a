"""The SIP webhook check agrees with the official openai package, the protocol's oracle."""

import base64
from datetime import UTC, datetime, timedelta

import pytest
from openai import InvalidWebhookSignatureError, OpenAI
from openai.types.realtime import InputAudioBufferDtmfEventReceivedEvent
from openai.types.webhooks import RealtimeCallIncomingWebhookEvent

from botbuilder.telephony.openai_views import sip_header, sip_number
from botbuilder.telephony.openai_webhook import InvalidWebhook, verify_webhook
from tests.realtime.phone.test_openai_sip import SECRET, incoming, signed_headers

client = OpenAI(api_key="sk-unused", webhook_secret=SECRET)


def test_what_we_accept_openai_accepts():
    body = incoming()
    headers = signed_headers(body)
    client.webhooks.verify_signature(body, headers)  # raises if OpenAI would refuse it
    event = verify_webhook(SECRET, body, headers)
    RealtimeCallIncomingWebhookEvent.model_validate(event)
    assert event["data"]["call_id"] == "rtc_test_0001"


@pytest.mark.parametrize(
    "headers",
    [
        lambda body: signed_headers(body, at=datetime.now(UTC) - timedelta(minutes=6)),
        lambda body: signed_headers(
            body, secret="whsec_" + base64.b64encode(b"x" * 32).decode()
        ),
        lambda body: {**signed_headers(body), "webhook-signature": "v1,bm9wZQ=="},
        lambda body: {**signed_headers(body), "webhook-signature": "garbage"},
        lambda body: {},
    ],
)
def test_what_openai_refuses_we_refuse(headers):
    body = incoming()
    with pytest.raises(
        (InvalidWebhookSignatureError, ValueError)
    ):  # ValueError: no headers
        client.webhooks.verify_signature(body, headers(body))
    with pytest.raises(InvalidWebhook):
        verify_webhook(SECRET, body, headers(body))


def test_no_secret_refuses_everything():
    body = incoming()
    with pytest.raises(InvalidWebhook):
        verify_webhook("", body, signed_headers(body))


def test_sip_headers_give_the_numbers():
    event = verify_webhook(SECRET, incoming(), signed_headers(incoming()))
    assert sip_number(sip_header(event, "to")) == "+14155550188"
    assert sip_number(sip_header(event, "From")) == "+14155550100"
    assert sip_number("<tel:+1 415 555 0188>") == ""  # spaces end the user part
    assert sip_number("sip:anonymous@example.com") == ""


def test_the_dtmf_event_the_fake_sideband_sends_is_a_real_event():
    InputAudioBufferDtmfEventReceivedEvent.model_validate(
        {
            "type": "input_audio_buffer.dtmf_event_received",
            "event": "7",
            "received_at": 1750287020,
        }
    )
