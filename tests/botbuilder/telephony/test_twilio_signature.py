"""Twilio request signatures, checked against Twilio's published example values."""

import base64
import hashlib
import hmac

import pytest

from botbuilder.telephony.twilio_signature import (
    UnsupportedAlgorithm,
    compute_signature,
    is_valid,
    signature_algorithm,
)

# twilio.com/docs/usage/security (TwilioDevEd/api-snippets, security/signature_validation): token
# 12345, this URL and these parameters are signed GvWf1cFY/Q7PnoempGyD5oXAezc=.
DOCS_TOKEN = "12345"
DOCS_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
DOCS_PARAMS = {
    "CallSid": "CA1234567890ABCDE",
    "Caller": "+14158675310",
    "Digits": "1234",
    "From": "+14158675310",
    "To": "+18005551212",
}
DOCS_SIGNATURE = "GvWf1cFY/Q7PnoempGyD5oXAezc="
# The JSON-body example: the URL carries bodySHA256 and no parameters are appended.
DOCS_JSON_URL = "https://example.com/myapp?bodySHA256=5ccde7145dfb8f56479710896586cb9d5911809d83afbe34627818790db0aec9"
DOCS_JSON_BODY = '{"CallSid":"CA1234567890ABCDE","Caller":"+12349013030"}'


def test_docs_example_signature_is_reproduced():
    assert (
        compute_signature(DOCS_TOKEN, DOCS_URL, DOCS_PARAMS.items()) == DOCS_SIGNATURE
    )
    assert is_valid(DOCS_TOKEN, DOCS_SIGNATURE, DOCS_URL, DOCS_PARAMS.items())


def test_json_body_example_hash_matches_the_signed_url():
    assert hashlib.sha256(DOCS_JSON_BODY.encode()).hexdigest() in DOCS_JSON_URL


@pytest.mark.parametrize(
    "change",
    [
        {"url": DOCS_URL + "&baz=3"},
        {"params": {**DOCS_PARAMS, "Digits": "1235"}},
        {"token": "54321"},
        {"signature": DOCS_SIGNATURE.lower()},
        {"signature": ""},
        {"token": ""},
    ],
)
def test_any_change_breaks_the_signature(change):
    assert not is_valid(
        change.get("token", DOCS_TOKEN),
        change.get("signature", DOCS_SIGNATURE),
        change.get("url", DOCS_URL),
        change.get("params", DOCS_PARAMS).items(),
    )


def test_the_default_https_port_may_be_present_or_not():
    with_port = DOCS_URL.replace("mycompany.com", "mycompany.com:443")
    assert is_valid(DOCS_TOKEN, DOCS_SIGNATURE, with_port, DOCS_PARAMS.items())
    signed_with_port = compute_signature(DOCS_TOKEN, with_port, DOCS_PARAMS.items())
    assert is_valid(DOCS_TOKEN, signed_with_port, DOCS_URL, DOCS_PARAMS.items())
    other_port = DOCS_URL.replace("mycompany.com", "mycompany.com:8443")
    assert not is_valid(DOCS_TOKEN, DOCS_SIGNATURE, other_port, DOCS_PARAMS.items())


def test_hmac_sha256_variant_signs_the_same_string():
    data = DOCS_URL + "".join(k + v for k, v in sorted(DOCS_PARAMS.items()))

    expected = base64.b64encode(
        hmac.new(b"shared-key", data.encode(), hashlib.sha256).digest()
    ).decode()
    assert (
        compute_signature("shared-key", DOCS_URL, DOCS_PARAMS.items(), "HMAC_SHA256")
        == expected
    )
    assert not is_valid("shared-key", expected, DOCS_URL, DOCS_PARAMS.items())  # SHA-1
    assert is_valid(
        "shared-key", expected, DOCS_URL, DOCS_PARAMS.items(), "HMAC_SHA256"
    )


def test_settings_header_names_the_algorithm():
    assert signature_algorithm("") == "HMAC_SHA1"
    assert signature_algorithm("key=KS123,algorithm=HMAC_SHA256") == "HMAC_SHA256"
    with pytest.raises(UnsupportedAlgorithm):
        signature_algorithm("key=KS123,algorithm=MD5")
