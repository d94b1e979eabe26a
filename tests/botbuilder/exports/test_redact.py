"""PII redaction: what must go, what must stay, and that the stored transcript is untouched."""

import json

import pytest

from botbuilder.exports.formats import TEXT_FORMATS
from botbuilder.exports.redact import iban_valid, luhn_valid, redact_text, redact_value
from botbuilder.exports.services import session_export


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("write to jane.doe+shop@example.co.uk.", "write to [EMAIL]."),
        ("müller@bücher.de", "[EMAIL]"),
        ("call +44 20 7946 0958 now", "call [PHONE] now"),
        ("call (555) 123-4567", "call [PHONE]"),
        ("or +1 (555) 123-4567", "or [PHONE]"),
        ("or 555-123-4567 / 555.123.4567", "or [PHONE] / [PHONE]"),
        ("+49 (0)30 1234567", "[PHONE]"),
        ("0049 30 1234567", "[PHONE]"),
        ("020 7946 0958 or 07700 900123", "[PHONE] or [PHONE]"),
        ("card 4111 1111 1111 1111 exp 12 25", "card [CARD] exp 12 25"),
        ("4111-1111-1111-1111", "[CARD]"),
        ("amex 3782 822463 10005.", "amex [CARD]."),
        ("4111111111111111", "[CARD]"),
        ("IBAN DE89 3704 0044 0532 0130 00 please", "IBAN [IBAN] please"),
        ("GB82WEST12345698765432", "[IBAN]"),
        ("fr14 2004 1010 0505 0001 3m02 606", "[IBAN]"),
    ],
)
def test_redact_text_replaces_pii(text, expected):
    assert redact_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "order 4567 at 10:30",
        "on 2024-05-01 or 01/05/2024, years 2019-2024",
        "order number 12345678 and ticket 987654",
        "4111 1111 1111 1112",  # fails the Luhn check
        "total 1,234.56 EUR, room 101, 3 items",
        "Grüße aus München, café, 東京",
        "version 1.2.3 build 20240501",
    ],
)
def test_redact_text_leaves_ordinary_numbers(text):
    redacted = redact_text(text)
    assert redacted == text


def test_iban_with_a_wrong_checksum_is_not_called_an_iban():
    assert "[IBAN]" not in redact_text("DE88 3704 0044 0532 0130 00")
    assert redact_text("GB82WEST12345698765431") == "GB82WEST12345698765431"


def test_checksums():
    assert luhn_valid("4111111111111111") and not luhn_valid("4111111111111112")
    assert iban_valid("DE89 3704 0044 0532 0130 00") and not iban_valid(
        "DE88 3704 0044 0532 0130 00"
    )


def test_redact_value_walks_json():
    value = {"to": ["a@b.org", 3, None], "nested": {"phone": "+44 20 7946 0958"}}
    assert redact_value(value) == {
        "to": ["[EMAIL]", 3, None],
        "nested": {"phone": "[PHONE]"},
    }


def test_redacted_json_export_hides_pii_and_leaves_storage_untouched(golden_session):
    redacted = b"".join(
        session_export(session=golden_session, fmt="json", redact=True)
    ).decode()
    data = json.loads(redacted)
    assert "jane.doe@example.com" not in redacted and "7946 0958" not in redacted
    assert (
        data["caller"] == "[PHONE]" and data["variables"]["customer_email"] == "[EMAIL]"
    )
    assert data["items"][3]["tool"]["arguments"] == {"order_number": "4567"}
    stored = golden_session.items.get(seq=5)
    assert "jane.doe@example.com" in stored.text
    plain = b"".join(session_export(session=golden_session, fmt="json")).decode()
    assert "jane.doe@example.com" in plain


def test_a_bare_ten_digit_phone_number_is_redacted():
    assert redact_text("call me back on 4155550100 please") == (
        "call me back on [PHONE] please"
    )


HEARD_EMAIL = "pat.smith@example.org"
ARGUMENT_PHONE = "4155550100"
RESULT_CARD = "4111 1111 1111 1111"
RESULT_EMAIL = "billing@shop-example.net"


def _with_pii_in_every_field(session):
    """The golden session with personal data in heard text, tool arguments and results."""
    session.items.filter(seq=4).update(
        heard_text=f"Your order 4567 ships to {HEARD_EMAIL} and"
    )
    session.items.filter(seq=3).update(
        tool_arguments={"order_number": "4567", "callback": ARGUMENT_PHONE},
        tool_result=f"Paid with {RESULT_CARD}; receipt to {RESULT_EMAIL}.",
    )
    return session


@pytest.mark.parametrize("fmt", sorted(TEXT_FORMATS))
def test_every_redacted_format_hides_heard_text_tool_arguments_and_results(
    golden_session, fmt
):
    session = _with_pii_in_every_field(golden_session)
    plain = b"".join(session_export(session=session, fmt=fmt)).decode()
    redacted = b"".join(session_export(session=session, fmt=fmt, redact=True)).decode()
    shown = [p for p in PII if p in plain or json.dumps(p)[1:-1] in plain]
    assert shown, f"{fmt} shows none of the fields: the test would prove nothing"
    for value in PII:
        assert value not in redacted and json.dumps(value)[1:-1] not in redacted


PII = (HEARD_EMAIL, ARGUMENT_PHONE, RESULT_CARD, RESULT_EMAIL)


def test_each_field_reaches_some_format(golden_session):
    session = _with_pii_in_every_field(golden_session)
    everything = "".join(
        b"".join(session_export(session=session, fmt=fmt)).decode()
        for fmt in TEXT_FORMATS
    )
    for value in PII:
        assert value in everything
