"""Running one tool call: parse arguments defensively, dispatch by kind, time it."""

import json
import re
import time
from typing import Any

from botbuilder.assembly.snapshot import ToolSpec
from botbuilder.tools.base import ToolContext, ToolOutcome
from botbuilder.tools.builtins import BUILTINS

ARGUMENT_PLACEHOLDER_RE = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)\}(?!\})")


def parse_arguments(raw: str) -> tuple[dict[str, Any] | None, str]:
    """(arguments, "") or (None, reason) for the model to correct."""
    try:
        value = json.loads(raw or "{}")
    except json.JSONDecodeError as exc:
        return None, f"arguments are not valid JSON: {exc.msg} at position {exc.pos}"
    if not isinstance(value, dict):
        return None, "arguments must be a JSON object"
    return value, ""


def _error(status: str, message: str) -> ToolOutcome:
    return ToolOutcome(output=json.dumps({"error": message}), status=status, error=message)


def _static(spec: ToolSpec, arguments: dict[str, Any], context: ToolContext) -> ToolOutcome:
    template = spec.config.get("static_response", "")
    text = ARGUMENT_PLACEHOLDER_RE.sub(lambda m: str(arguments.get(m.group(1), "")), template)
    for name, value in context.variables.items():
        text = text.replace("{{%s}}" % name, value)
    return ToolOutcome(output=text)


async def run_tool(*, spec: ToolSpec, arguments: str, context: ToolContext) -> ToolOutcome:
    """Run `spec` with the model's raw `arguments`; never raises for bad input or tool failure."""
    started = time.perf_counter()
    parsed, problem = parse_arguments(arguments)
    if parsed is None:
        outcome = _error("invalid_arguments", problem)
    elif spec.kind == "builtin":
        handler = BUILTINS.get(spec.builtin or spec.name)
        outcome = handler(parsed, context) if handler else _error("error", f"unknown built-in {spec.builtin!r}")
    elif spec.kind == "static":
        outcome = _static(spec, parsed, context)
    else:
        outcome = _error("error", f"tools of kind {spec.kind!r} cannot run on this server yet")
    outcome.duration_ms = int((time.perf_counter() - started) * 1000)
    return outcome
