"""`{{variable}}` placeholders in instructions and greetings (pure code)."""

import re
from collections.abc import Mapping

PLACEHOLDER_RE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
VARIABLE_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

# Filled by the system for every session; a bot need not declare them.
# caller_number: the caller's phone number on phone calls ("unknown" elsewhere).
BUILTIN_VARIABLES = ("bot_name", "today", "now", "caller_number")
CALLER_NUMBER_UNKNOWN = "unknown"
# Filled during a phone call for tools only: the last keypad key and every key so far.
TOOL_VARIABLES = ("dtmf_last", "dtmf_digits")


class UnknownVariableError(ValueError):
    """A placeholder names a variable that has no value and no default."""

    def __init__(self, names: list[str]):
        self.names = names
        super().__init__("Unknown variable(s): " + ", ".join(names))


def placeholders(text: str) -> list[str]:
    """Variable names used in `text`, in first-use order, without duplicates."""
    seen: dict[str, None] = {}
    for match in PLACEHOLDER_RE.finditer(text or ""):
        seen.setdefault(match.group(1), None)
    return list(seen)


def unknown_placeholders(texts: list[str], known: set[str]) -> list[str]:
    """Placeholders in `texts` that are neither in `known` nor built in."""
    allowed = set(known) | set(BUILTIN_VARIABLES)
    return [
        name for text in texts for name in placeholders(text) if name not in allowed
    ]


def fill(text: str, values: Mapping[str, str]) -> str:
    """Replace every placeholder from `values`; raise UnknownVariableError for any missing."""
    missing = [name for name in placeholders(text) if name not in values]
    if missing:
        raise UnknownVariableError(missing)
    return PLACEHOLDER_RE.sub(lambda m: str(values[m.group(1)]), text or "")
