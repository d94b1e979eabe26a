"""Running one tool call: parse and validate the arguments, dispatch by kind, time it."""

import logging
import time
from typing import Any

from botbuilder.assembly.snapshot import ToolSpec
from botbuilder.tools.arguments import (
    ArgumentsError,
    BadSchemaError,
    parse_arguments,
    validate_arguments,
)
from botbuilder.tools.base import ToolContext, ToolOutcome, error_outcome
from botbuilder.tools.builtins import BUILTINS
from botbuilder.tools.handlers import run_python_handler
from botbuilder.tools.static import static_response
from botbuilder.tools.webhook import run_webhook

logger = logging.getLogger(__name__)


async def run_tool(
    *, spec: ToolSpec, arguments: str | dict[str, Any] | None, context: ToolContext
) -> ToolOutcome:
    """Run `spec` with the model's raw `arguments`; never raises for bad input or tool failure."""
    started = time.perf_counter()
    try:
        outcome = await _dispatch(spec, arguments, context)
    except Exception:
        logger.exception("tool %s (%s) failed unexpectedly", spec.name, spec.kind)
        outcome = error_outcome("error", "the tool failed unexpectedly on the server")
    outcome.duration_ms = int((time.perf_counter() - started) * 1000)
    return outcome


def invalid_arguments_outcome(name: str, problems: list[dict[str, str]]) -> ToolOutcome:
    """What the model receives for arguments it can correct: which field, what is expected."""
    summary = "; ".join(f"{p['field']} {p['problem']}" for p in problems)
    return error_outcome(
        "invalid_arguments",
        f"invalid arguments: {summary}",
        problems=problems,
        hint=f"Correct the arguments and call {name} again.",
        detail={"argument_problems": problems},
    )


async def _dispatch(
    spec: ToolSpec, raw: str | dict[str, Any] | None, context: ToolContext
) -> ToolOutcome:
    try:
        arguments = parse_arguments(raw)
        validate_arguments(arguments, spec.parameters)
    except ArgumentsError as exc:
        return invalid_arguments_outcome(spec.name, exc.problems)
    except BadSchemaError as exc:
        return error_outcome("error", str(exc))
    if spec.kind == "builtin":
        builtin = BUILTINS.get(spec.builtin or spec.name)
        if builtin is None:
            return error_outcome("error", f"unknown built-in {spec.builtin!r}")
        return builtin(arguments, context)
    if spec.kind == "static":
        return static_response(spec, arguments, context)
    if spec.kind == "webhook":
        return await run_webhook(spec, arguments, context)
    if spec.kind == "python":
        return await run_python_handler(spec, arguments, context)
    return error_outcome(
        "error", f"tools of kind {spec.kind!r} cannot run on this server"
    )
