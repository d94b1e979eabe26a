"""Python handler tools: an allow-list of functions the model may trigger.

Only functions registered with ``@tool_handler`` can be chosen; their modules are listed in
the ``TOOL_HANDLER_MODULES`` setting (imported on first use). A handler is called as
``handler(arguments, context)`` with arguments already validated against the tool's schema
and the session's ToolContext; it returns a string, something JSON-serialisable, or a
ToolOutcome. Sync handlers run on a worker thread, async ones on the event loop.
"""

import asyncio
import inspect
import json
import logging
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from importlib import import_module
from typing import Any

from django.conf import settings
from django.db import close_old_connections

from botbuilder.tools.base import (
    ToolContext,
    ToolOutcome,
    error_outcome,
    truncate_for_model,
)

logger = logging.getLogger(__name__)

HandlerResult = str | dict | list | int | float | bool | None | ToolOutcome
Handler = Callable[
    [dict[str, Any], ToolContext], HandlerResult | Awaitable[HandlerResult]
]

PYTHON_HANDLER_TIMEOUT_S = 30.0
HANDLER_WORKER_THREADS = 8

_registry: dict[str, Handler] = {}
_descriptions: dict[str, str] = {}
_executor = ThreadPoolExecutor(
    max_workers=HANDLER_WORKER_THREADS, thread_name_prefix="tool-handler"
)


class ToolError(Exception):
    """Raise in a handler to hand the model a message it can act on (e.g. "order not found")."""


def tool_handler(
    name: str | None = None, *, description: str = ""
) -> Callable[[Handler], Handler]:
    """Register a function as a Python handler under `name` (default: its dotted path)."""

    def register(function: Handler) -> Handler:
        key = name or f"{function.__module__}.{function.__qualname__}"
        existing = _registry.get(key)
        if (
            existing is not None
            and existing is not function
            and existing.__qualname__ != function.__qualname__
        ):
            raise ValueError(f"two tool handlers are registered as {key!r}")
        _registry[key] = function
        doc = (inspect.getdoc(function) or "").splitlines()
        _descriptions[key] = description or (doc[0] if doc else "")
        return function

    return register


def unregister(name: str) -> None:
    """Remove a handler (for tests)."""
    _registry.pop(name, None)
    _descriptions.pop(name, None)


def available_handlers() -> dict[str, Handler]:
    """Every registered handler by dotted name, after importing TOOL_HANDLER_MODULES."""
    for module in getattr(settings, "TOOL_HANDLER_MODULES", []):
        try:
            import_module(module)
        except ImportError:
            logger.exception(
                "TOOL_HANDLER_MODULES lists %s, which cannot be imported", module
            )
    return dict(_registry)


def handler_choices() -> list[tuple[str, str]]:
    """(dotted name, label) pairs for the admin's handler field."""
    names = sorted(available_handlers())
    return [
        (n, f"{n} — {_descriptions[n]}" if _descriptions.get(n) else n) for n in names
    ]


async def run_python_handler(
    spec: Any, arguments: dict[str, Any], context: ToolContext
) -> ToolOutcome:
    """Call the registered handler of `spec`; failures become error outcomes, never raise."""
    path = spec.config.get("python_handler", "")
    handler = available_handlers().get(path)
    if handler is None:
        logger.error(
            "tool %s names Python handler %r, which is not registered", spec.name, path
        )
        return error_outcome(
            "error", f"the Python handler {path!r} is not registered on this server"
        )
    try:
        if inspect.iscoroutinefunction(handler):
            call = handler(arguments, context)
        else:
            loop = asyncio.get_running_loop()
            call = loop.run_in_executor(
                _executor, _call_sync, handler, arguments, context
            )
        result = await asyncio.wait_for(call, PYTHON_HANDLER_TIMEOUT_S)
    except TimeoutError:
        return error_outcome(
            "timeout",
            f"the handler did not finish within {PYTHON_HANDLER_TIMEOUT_S:g} seconds",
        )
    except ToolError as exc:
        return error_outcome("error", str(exc) or "the handler refused the request")
    except Exception as exc:
        logger.exception("Python handler %s of tool %s failed", path, spec.name)
        return error_outcome("error", f"the handler failed ({type(exc).__name__})")
    return _as_outcome(result)


def _call_sync(
    handler: Handler, arguments: dict[str, Any], context: ToolContext
) -> HandlerResult:
    """Run a sync handler on a worker thread; close the thread's DB connection afterwards."""
    try:
        return handler(arguments, context)
    finally:
        close_old_connections()


def _as_outcome(result: HandlerResult) -> ToolOutcome:
    if isinstance(result, ToolOutcome):
        result.output = truncate_for_model(result.output)
        return result
    if isinstance(result, str):
        return ToolOutcome(output=truncate_for_model(result))
    try:
        text = json.dumps(result, ensure_ascii=False, default=str)
    except (TypeError, ValueError) as exc:
        return error_outcome(
            "error", f"the handler returned something that is not JSON ({exc})"
        )
    return ToolOutcome(output=truncate_for_model(text))
