"""Checks of a tool's settings before it is saved (used by Tool.clean; no database).

Each check returns problems per field, written for the person editing the tool.
"""

import re
from collections.abc import Iterable
from typing import Any

from botbuilder.assembly.variables import BUILTIN_VARIABLES, TOOL_VARIABLES
from botbuilder.tools.secrets import header_value_problems, references
from botbuilder.tools.ssrf import BlockedURLError, parse_url
from botbuilder.tools.templating import argument_names, json_strings, variable_names
from botbuilder.tools.webhook import RESERVED_HEADERS

HEADER_NAME_RE = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")  # RFC 9110 token


def declared_arguments(parameters: Any) -> set[str]:
    """Property names declared in a parameters schema."""
    if isinstance(parameters, dict) and isinstance(parameters.get("properties"), dict):
        return set(parameters["properties"])
    return set()


def placeholder_problems(
    texts: Iterable[str], parameters: Any, known_variables: Iterable[str] | None
) -> list[str]:
    """`{argument}` placeholders must be declared parameters; `{{variable}}` known variables."""
    declared = declared_arguments(parameters)
    problems = []
    texts = list(texts)
    for name in dict.fromkeys(n for t in texts for n in argument_names(t)):
        if name not in declared:
            problems.append(
                f"{{{name}}} is not a parameter of this tool: add {name!r} to the parameters "
                "schema's properties or fix the placeholder"
            )
    if known_variables is not None:
        allowed = set(known_variables) | set(BUILTIN_VARIABLES) | set(TOOL_VARIABLES)
        for name in dict.fromkeys(n for t in texts for n in variable_names(t)):
            if name not in allowed:
                problems.append(
                    f"{{{{{name}}}}} is not a variable of the bots using this tool: declare it "
                    "under their 'Default values for variables'"
                )
    return problems


def header_problems(headers: Any) -> list[str]:
    """Header names must be valid; credentials must be `${ENV_VAR}` references."""
    if not isinstance(headers, dict):
        return [
            'write headers as a JSON object, e.g. {"X-Api-Key": "${BOT_SECRET_SHOP_KEY}"}'
        ]
    problems = []
    for name, value in headers.items():
        if not HEADER_NAME_RE.match(str(name)):
            problems.append(f"{name!r} is not a valid header name")
        elif str(name).lower() in RESERVED_HEADERS:
            problems.append(f"the {name} header is set automatically; remove it")
        problems += header_value_problems(str(name), value)
        if isinstance(value, str) and ("\r" in value or "\n" in value):
            problems.append(f"header {name!r}: the value must be on one line")
    return problems


def url_problems(url: str) -> list[str]:
    """Scheme, credentials and secrets in a webhook URL (addresses are checked at call time)."""
    if not url:
        return []
    if references(url):
        return ["secrets (${...}) belong in a header, not in the URL"]
    # Placeholders are filled at call time; check the URL with neutral values.
    sample = re.sub(r"\{\{?\s*[A-Za-z_][A-Za-z0-9_]*\s*\}?\}", "x", url)
    try:
        parse_url(sample)
    except BlockedURLError as exc:
        return [str(exc)]
    return []


def tool_config_errors(
    *,
    kind: str,
    parameters: Any,
    webhook_url: str = "",
    webhook_headers: Any = None,
    webhook_body_template: Any = None,
    python_handler: str = "",
    static_response: str = "",
    known_variables: Iterable[str] | None = None,
    registered_handlers: Iterable[str] = (),
) -> dict[str, list[str]]:
    """Problems per field name; empty when the tool's settings are usable."""
    errors: dict[str, list[str]] = {}

    def add(field: str, problems: list[str]) -> None:
        if problems:
            errors.setdefault(field, []).extend(problems)

    add(
        "webhook_headers",
        header_problems(webhook_headers if webhook_headers is not None else {}),
    )
    if kind == "webhook":
        add("webhook_url", url_problems(webhook_url))
        add(
            "webhook_url",
            placeholder_problems([webhook_url], parameters, known_variables),
        )
        body_texts = json_strings(webhook_body_template)
        add(
            "webhook_body_template",
            placeholder_problems(body_texts, parameters, known_variables),
        )
    if kind == "python" and python_handler:
        registered = sorted(registered_handlers)
        if python_handler not in registered:
            offered = ", ".join(registered) or "none are registered"
            add(
                "python_handler",
                [
                    f"{python_handler!r} is not a registered handler (registered: {offered})"
                ],
            )
    if kind == "static":
        add(
            "static_response",
            placeholder_problems([static_response], parameters, known_variables),
        )
    return errors
