"""Placeholders in tool URLs, bodies and static answers (pure code).

`{{variable}}` is filled from the session variables, `{argument}` from the model's
arguments. In URLs every value is percent-encoded; in JSON body templates a string that is
exactly one placeholder is replaced by the value itself, keeping its JSON type.
"""

import json
import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

NAME = r"[A-Za-z_][A-Za-z0-9_]*"
PLACEHOLDER_RE = re.compile(
    r"\{\{\s*(?P<variable>" + NAME + r")\s*\}\}|\{(?P<argument>" + NAME + r")\}"
)
WHOLE_PLACEHOLDER_RE = re.compile(r"^(?:" + PLACEHOLDER_RE.pattern + r")$")


class TemplateError(LookupError):
    """A placeholder has no value: `kind` is "argument" or "variable"."""

    def __init__(self, kind: str, name: str):
        self.kind = kind
        self.name = name
        if kind == "argument":
            message = f"the argument {name!r} is needed for this call but was not given"
        else:
            message = f"the session has no variable {name!r} (used as {{{{{name}}}}})"
        super().__init__(message)


def argument_names(text: str) -> list[str]:
    """`{argument}` names used in `text`, in first-use order."""
    found = (m.group("argument") for m in PLACEHOLDER_RE.finditer(text or ""))
    return list(dict.fromkeys(n for n in found if n))


def variable_names(text: str) -> list[str]:
    """`{{variable}}` names used in `text`, in first-use order."""
    found = (m.group("variable") for m in PLACEHOLDER_RE.finditer(text or ""))
    return list(dict.fromkeys(n for n in found if n))


def json_strings(value: Any) -> list[str]:
    """Every string value inside a JSON template (keys excluded)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in json_strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in json_strings(v)]
    return []


def as_text(value: Any) -> str:
    """An argument as text: strings as they are, anything else as JSON (true, 12, [1])."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def fill_text(
    template: str,
    arguments: Mapping[str, Any],
    variables: Mapping[str, str],
    *,
    missing_argument: str | None = "",
    encode: Callable[[str], str] | None = None,
) -> str:
    """One pass over `template`; a missing argument becomes `missing_argument` or raises."""

    def replace(match: re.Match) -> str:
        if match.group("variable"):
            name = match.group("variable")
            if name not in variables:
                raise TemplateError("variable", name)
            text = str(variables[name])
        else:
            name = match.group("argument")
            if name in arguments and arguments[name] is not None:
                text = as_text(arguments[name])
            elif missing_argument is None:
                raise TemplateError("argument", name)
            else:
                text = missing_argument
        return encode(text) if encode else text

    return PLACEHOLDER_RE.sub(replace, template or "")


def fill_url(
    url: str, arguments: Mapping[str, Any], variables: Mapping[str, str]
) -> str:
    """The URL with every placeholder filled and percent-encoded; missing arguments raise."""
    return fill_text(
        url,
        arguments,
        variables,
        missing_argument=None,
        encode=lambda s: quote(s, safe=""),
    )


_OMIT = object()


def fill_json(
    template: Any, arguments: Mapping[str, Any], variables: Mapping[str, str]
) -> Any:
    """A JSON body from its template; a whole-value placeholder keeps the argument's type.

    A whole-value placeholder for an argument that was not given drops its key (or list item).
    """
    filled = _fill_json(template, arguments, variables)
    return None if filled is _OMIT else filled


def _fill_json(
    template: Any, arguments: Mapping[str, Any], variables: Mapping[str, str]
) -> Any:
    if isinstance(template, str):
        whole = WHOLE_PLACEHOLDER_RE.match(template)
        if whole and whole.group("argument"):
            name = whole.group("argument")
            return arguments[name] if arguments.get(name) is not None else _OMIT
        return fill_text(template, arguments, variables)
    if isinstance(template, dict):
        filled = {k: _fill_json(v, arguments, variables) for k, v in template.items()}
        return {k: v for k, v in filled.items() if v is not _OMIT}
    if isinstance(template, list):
        items = [_fill_json(v, arguments, variables) for v in template]
        return [v for v in items if v is not _OMIT]
    return template
