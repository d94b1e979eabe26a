"""PII redaction for exports (pure): e-mail addresses, phone numbers, card numbers, IBANs.

Numbers are only redacted when they look like what they claim to be: card numbers must
pass the Luhn check, IBANs the ISO 13616 mod-97 check, phone numbers need an international
prefix, an area code in parentheses or a national grouping of 10+ digits, or be a valid
number of one of PHONE_REGIONS by Google's libphonenumber (`phonenumbers`: a bare
4155550100). Order numbers (4567), times (10:30) and dates stay readable.
"""

import re
from dataclasses import replace
from typing import Any

import phonenumbers

from botbuilder.exports.data import ItemData, SessionData

EMAIL_TOKEN = "[EMAIL]"
PHONE_TOKEN = "[PHONE]"
CARD_TOKEN = "[CARD]"
IBAN_TOKEN = "[IBAN]"

EMAIL_RE = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}")
# Country code, check digits, then 11-30 letters/digits: compact or in groups of four.
IBAN_RE = re.compile(
    r"\b[A-Z]{2}\d{2}(?:[A-Z0-9]{11,30}|(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,4})?)\b",
    re.IGNORECASE,
)
# Runs of digit groups joined by single spaces or dashes (candidates for card numbers).
DIGIT_RUN_RE = re.compile(r"(?<![\w+])\d+(?:[ -]\d+)*(?![\w])")
PHONE_RES = (
    # International: +44 20 7946 0958, +1 (555) 123-4567, 0049 30 1234567
    re.compile(r"(?:(?<![\w+])\+|\b00)[1-9]\d{0,2}(?:[ .-]?\(?\d{1,5}\)?){2,6}(?!\w)"),
    # North American: (555) 123-4567, 555-123-4567, 555.123.4567
    re.compile(r"(?:\(\d{3}\) ?|\b\d{3}[-.])\d{3}[-. ]\d{4}\b"),
    # National with trunk prefix: 020 7946 0958, 07700 900123, 030 1234567
    re.compile(r"\b0\d{2,4}(?:[ -]\d{2,8}){1,3}\b"),
)
# Regions whose national numbers (no + prefix) libphonenumber recognises; only numbers valid
# there are redacted, so order and reference numbers stay readable.
PHONE_REGIONS = ("US", "GB", "DE", "FR")
PHONE_DIGITS = (7, 15)
NATIONAL_PHONE_DIGITS = (10, 11)
CARD_DIGITS = (13, 19)
_DROP_DIGITS = str.maketrans("", "", "0123456789")


def luhn_valid(digits: str) -> bool:
    """The Luhn checksum of a string of digits."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def iban_valid(candidate: str) -> bool:
    """The ISO 13616 mod-97 check of an IBAN (spaces ignored)."""
    iban = candidate.replace(" ", "").upper()
    if not 15 <= len(iban) <= 34:
        return False
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 == 1


def _redact_cards(text: str) -> str:
    def card_in_run(match: re.Match) -> str:
        run = match.group(0)
        groups = re.split(r"([ -])", run)  # digits, sep, digits, ...
        numbers = groups[0::2]
        for start in range(len(numbers)):
            best = None
            digits = ""
            for end in range(start, len(numbers)):
                digits += numbers[end]
                if len(digits) > CARD_DIGITS[1]:
                    break
                if len(digits) >= CARD_DIGITS[0] and luhn_valid(digits):
                    best = end
            if best is not None:
                before = "".join(groups[: 2 * start])
                after = "".join(groups[2 * best + 1 :])
                return (
                    before + CARD_TOKEN + _redact_cards(after)
                    if after
                    else before + CARD_TOKEN
                )
        return run

    return DIGIT_RUN_RE.sub(card_in_run, text)


def _redact_phones(text: str) -> str:
    def phone(match: re.Match, digit_range: tuple[int, int]) -> str:
        count = sum(ch.isdigit() for ch in match.group(0))
        return (
            PHONE_TOKEN if digit_range[0] <= count <= digit_range[1] else match.group(0)
        )

    for region in PHONE_REGIONS:
        matches = phonenumbers.PhoneNumberMatcher(
            text, region, leniency=phonenumbers.Leniency.VALID
        )
        spans = [(m.start, m.end) for m in matches]
        for start, end in reversed(spans):
            text = text[:start] + PHONE_TOKEN + text[end:]
    international, north_american, national = PHONE_RES
    text = international.sub(lambda m: phone(m, PHONE_DIGITS), text)
    text = north_american.sub(PHONE_TOKEN, text)
    return national.sub(lambda m: phone(m, NATIONAL_PHONE_DIGITS), text)


def redact_text(text: str) -> str:
    """`text` with e-mail addresses, IBANs, card numbers and phone numbers replaced."""
    if not text:
        return text
    text = EMAIL_RE.sub(EMAIL_TOKEN, text)
    text = IBAN_RE.sub(
        lambda m: IBAN_TOKEN if iban_valid(m.group(0)) else m.group(0), text
    )
    text = _redact_cards(text)
    return _redact_phones(text)


def redact_value(value: Any) -> Any:
    """Strings anywhere inside JSON-like data redacted; other values unchanged."""
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {k: redact_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_value(v) for v in value]
    return value


def redact_item(item: ItemData) -> ItemData:
    """A copy of `item` with PII redacted from its text, heard text and tool data."""
    return replace(
        item,
        text=redact_text(item.text),
        heard_text=redact_text(item.heard_text),
        tool_arguments=redact_value(item.tool_arguments),
        tool_result=redact_text(item.tool_result),
    )


def redact_session(session: SessionData) -> SessionData:
    """A copy of `session` with PII redacted from the caller, variables and config."""
    return replace(
        session,
        caller=redact_text(session.caller),
        variables=redact_value(session.variables),
        config_snapshot=redact_value(session.config_snapshot),
        end_detail=redact_text(session.end_detail),
        analysis=redact_value(session.analysis),
    )
