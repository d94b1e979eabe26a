"""Python handler tools: only registered handlers run; sync ones off the event loop."""

import asyncio
import json
import threading

import pytest

from botbuilder.assembly.snapshot import ToolSpec
from botbuilder.tools import ToolContext, ToolOutcome, run_tool
from botbuilder.tools.handlers import (
    ToolError,
    available_handlers,
    handler_choices,
    tool_handler,
    unregister,
)

SCHEMA = {
    "type": "object",
    "properties": {"order_number": {"type": "string"}},
    "required": ["order_number"],
}
seen_threads: list[str] = []


@pytest.fixture
def registered():
    @tool_handler("tests.sync_lookup")
    def sync_lookup(arguments, context):
        """Sync test handler."""
        seen_threads.append(threading.current_thread().name)
        return {
            "order": arguments["order_number"],
            "session": context.session_id,
            "shop": context.variables.get("shop"),
        }

    @tool_handler("tests.async_lookup")
    async def async_lookup(arguments, context):
        await asyncio.sleep(0)
        return f"async {arguments['order_number']}"

    @tool_handler("tests.refusing")
    def refusing(arguments, context):
        raise ToolError("No order with that number; ask the caller to check it.")

    @tool_handler("tests.crashing")
    def crashing(arguments, context):
        raise RuntimeError("internal detail the model must not see")

    @tool_handler("tests.outcome")
    def outcome(arguments, context):
        return ToolOutcome(output="handled", action="transfer_call")

    names = [
        "tests.sync_lookup",
        "tests.async_lookup",
        "tests.refusing",
        "tests.crashing",
        "tests.outcome",
    ]
    yield names
    for name in names:
        unregister(name)


async def call(handler: str, arguments='{"order_number": "42"}'):
    spec = ToolSpec(
        name="lookup",
        description="d",
        parameters=SCHEMA,
        kind="python",
        config={"python_handler": handler},
    )
    return await run_tool(
        spec=spec,
        arguments=arguments,
        context=ToolContext(session_id="sess-1", variables={"shop": "Acme"}),
    )


async def test_sync_handler_runs_in_a_worker_thread_with_context(registered):
    seen_threads.clear()
    outcome = await call("tests.sync_lookup")
    assert outcome.status == "ok"
    assert json.loads(outcome.output) == {
        "order": "42",
        "session": "sess-1",
        "shop": "Acme",
    }
    assert seen_threads and seen_threads[0] != threading.current_thread().name


async def test_async_handler_is_awaited(registered):
    outcome = await call("tests.async_lookup")
    assert (outcome.status, outcome.output) == ("ok", "async 42")


async def test_handler_gets_only_validated_arguments(registered):
    outcome = await call("tests.sync_lookup", '{"order_number": 42}')
    assert outcome.status == "invalid_arguments"


async def test_unregistered_handler_is_refused(registered):
    outcome = await call("os.system")
    assert outcome.status == "error"
    assert "not registered" in outcome.error


async def test_tool_error_message_reaches_the_model(registered):
    outcome = await call("tests.refusing")
    assert outcome.status == "error"
    assert "ask the caller to check it" in json.loads(outcome.output)["error"]


async def test_crashing_handler_is_an_error_without_internals(registered):
    outcome = await call("tests.crashing")
    assert outcome.status == "error"
    assert "RuntimeError" in outcome.error
    assert "internal detail" not in outcome.output


async def test_handler_may_return_a_full_outcome(registered):
    outcome = await call("tests.outcome")
    assert (outcome.output, outcome.action) == ("handled", "transfer_call")


async def test_demo_handlers_are_registered_from_the_setting():
    assert "botbuilder.demo_handlers.order_status" in available_handlers()
    first = await call(
        "botbuilder.demo_handlers.order_status", '{"order_number": "4567"}'
    )
    again = await call(
        "botbuilder.demo_handlers.order_status", '{"order_number": "4567"}'
    )
    assert first.status == "ok" and first.output == again.output
    assert json.loads(first.output)["order_number"] == "4567"
    assert any(
        name == "botbuilder.demo_handlers.delivery_slots"
        for name, _ in handler_choices()
    )


async def test_demo_handler_refuses_a_number_without_digits():
    outcome = await call(
        "botbuilder.demo_handlers.order_status", '{"order_number": "abc"}'
    )
    assert outcome.status == "error" and "digits" in outcome.error


def test_handler_modules_come_from_the_setting(settings):
    settings.TOOL_HANDLER_MODULES = ["botbuilder.no_such_module"]
    assert isinstance(available_handlers(), dict)  # a bad entry is logged, not fatal
