"""Function-call arguments extracted from a caller's words, guided by the tool's JSON Schema."""

import datetime as dt
import re
from typing import Any

from realtime.engine.numbers import DIGITS, TEENS, TENS, longest_number

NUMBER_VALUES = TEENS | TENS
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
SPOKEN_EMAIL_RE = re.compile(
    r"([a-z0-9.]+(?: dot [a-z0-9]+)*) at ([a-z0-9]+(?: dot [a-z]+)+)"
)
QUOTED_RE = re.compile(r"[\"“']([^\"”']+)[\"”']")
ISO_DATE_RE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
NUMBER_RE = re.compile(r"-?\d+(?:\.\d+)?")
MONTHS = (
    "january february march april may june july august september october "
    "november december"
).split()
ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
}
FREE_TEXT_NAMES = ("query", "question", "text", "message", "reason", "request", "topic")


def digits_in(text: str) -> str:
    """The longest number, typed or spoken ("four five six seven" -> "4567")."""
    return longest_number(text)


def identifier_in(text: str) -> str:
    """The longest identifier: digits and spelled letters ("A B one two" -> "AB12")."""
    return longest_number(text, letters=True)


def email_in(text: str) -> str:
    """An e-mail address, typed or spoken ("anna at example dot com")."""
    found = EMAIL_RE.search(text)
    if found:
        return found.group(0)
    spoken = SPOKEN_EMAIL_RE.search(text.lower())
    if spoken:
        return f"{spoken.group(1)}@{spoken.group(2)}".replace(" dot ", ".")
    return ""


def date_in(text: str, today: dt.date | None = None) -> str:
    """An ISO date from ISO text, today/tomorrow, or '<month> <day>' / '<day> of <month>'."""
    today = today or dt.date.today()
    found = ISO_DATE_RE.search(text)
    if found:
        return found.group(0)
    lowered = text.lower()
    if "tomorrow" in lowered:
        return (today + dt.timedelta(days=1)).isoformat()
    if "today" in lowered:
        return today.isoformat()
    tokens = re.findall(r"[a-z]+|\d+", lowered)
    for i, token in enumerate(tokens):
        if token in MONTHS:
            month = MONTHS.index(token) + 1
            near = tokens[i + 1 : i + 2] + tokens[max(0, i - 2) : i]
            for word in near:
                day = (
                    int(word)
                    if word.isdigit()
                    else ORDINALS.get(word)
                    or NUMBER_VALUES.get(word)
                    or (int(DIGITS[word]) if word in DIGITS else None)
                )
                if day and 1 <= day <= 31:
                    year = today.year + (
                        1 if (month, day) < (today.month, today.day) else 0
                    )
                    return dt.date(year, month, day).isoformat()
    return ""


def is_identifier(name: str, prop: dict[str, Any]) -> bool:
    """A string argument that holds a number or code the caller reads out."""
    label = f"{name} {prop.get('description', '')}".lower().replace("_", " ")
    return prop.get("type", "string") == "string" and any(
        w in f" {label}" for w in ("number", "digits", " id", "code", "zip", "phone")
    )


def _value_for(name: str, prop: dict[str, Any], utterance: str) -> Any:
    kind = prop.get("type", "string")
    label = f"{name} {prop.get('description', '')}".lower()
    enum = prop.get("enum")
    if enum:
        for option in enum:
            if str(option).lower().replace("_", " ") in utterance.lower():
                return option
        return None
    if kind in ("integer", "number"):
        typed = NUMBER_RE.search(utterance)
        decimal = typed.group(0) if typed and "." in typed.group(0) else ""
        raw = decimal or digits_in(utterance)
        if not raw:
            return None
        return int(float(raw)) if kind == "integer" else float(raw)
    if kind == "boolean":
        lowered = f" {utterance.lower()} "
        if any(w in lowered for w in (" yes ", " yeah ", " sure ", " please ")):
            return True
        if any(w in lowered for w in (" no ", " not ", " don't ")):
            return False
        return None
    if kind != "string":
        return None
    if prop.get("format") == "email" or "email" in label or "e-mail" in label:
        return email_in(utterance) or None
    if prop.get("format") == "date" or "date" in name.lower():
        return date_in(utterance) or None
    if is_identifier(name, prop):
        if "digit" in label or "number" in label or "phone" in label:
            return digits_in(utterance) or None
        return identifier_in(utterance) or None
    if any(w in name.lower() for w in FREE_TEXT_NAMES):
        return utterance.strip()
    quoted = QUOTED_RE.search(utterance)
    if quoted:
        return quoted.group(1)
    return None


def extract_arguments(schema: dict[str, Any] | None, utterance: str) -> dict[str, Any]:
    """Arguments for a tool call: every property the caller's words give a value for."""
    properties = (schema or {}).get("properties") or {}
    arguments: dict[str, Any] = {}
    for name, prop in properties.items():
        value = _value_for(name, prop if isinstance(prop, dict) else {}, utterance)
        if value is not None and value != "":
            arguments[name] = value
    return arguments
