"""PII redaction: what must go, what must stay, and that the stored transcript is untouched."""

import json

import pytest

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
