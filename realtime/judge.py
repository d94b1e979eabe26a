"""The judge: one forced function call over a replayed transcript, in a text-only Realtime
session. Post-call analysis and bot tests share it.

    result = await judge(
        target,                     # UpstreamTarget of the bot's connection
        transcript=[{"role": "user", "text": "..."}, {"role": "assistant", "text": "..."}],
        instructions="You analyse finished phone calls...",
        tool_name="record_call_analysis",
        schema={...},               # JSON Schema of the tool's arguments
    )
    result.ok, result.arguments, result.error, result.attempts, result.usage (per response)

It opens its own `UpstreamClient` (never the live SessionRunner), sends `session.update`
(`output_modalities: ["text"]`, the one tool), replays the transcript as
`conversation.item.create` messages and asks with `response.create` whose `tool_choice`
forces the tool. The arguments are validated with jsonschema; an invalid answer gets one
corrective retry (the errors go back as the call's `function_call_output`), then the result
is a failure with the reason. `JudgeTransportError` means the server could not be reached
or did not answer in time: the caller may retry later. No Django, no ORM.
"""

import asyncio
import contextlib
import json
import logging
from dataclasses import dataclass, field
from typing import Any

from jsonschema import Draft202012Validator

from realtime.protocol import new_event_id
from realtime.providers import UpstreamTarget
from realtime.upstream import UpstreamClient, UpstreamConnectError

logger = logging.getLogger(__name__)

JUDGE_TIMEOUT_S = 60.0  # the whole exchange, both attempts
MAX_ATTEMPTS = 2  # the first answer and one corrective retry
MAX_REPORTED_ERRORS = 5  # schema errors quoted back to the model and in the reason
ROLES = ("user", "assistant", "system")


class JudgeTransportError(RuntimeError):
    """The model server was unreachable, closed the connection or did not answer."""


@dataclass
class JudgeResult:
    ok: bool
    arguments: dict[str, Any] | None = None
    error: str = ""
    attempts: int = 0
    usage: list[dict[str, Any]] = field(default_factory=list)  # each response's usage


def client_events(
    *,
    transcript: list[dict[str, str]],
    instructions: str,
    tool_name: str,
    schema: dict[str, Any],
    description: str = "",
    session_extra: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """The client events that set up the session and ask for the forced call."""
    tool = {
        "type": "function",
        "name": tool_name,
        "description": description or f"Record the result by calling {tool_name}.",
        "parameters": schema,
    }
    events: list[dict[str, Any]] = [
        {
            "type": "session.update",
            "session": {
                "type": "realtime",
                "output_modalities": ["text"],
                "instructions": instructions,
                "tools": [tool],
                "tool_choice": "auto",
                **(session_extra or {}),
            },
        }
    ]
    for entry in transcript:
        role, text = entry.get("role"), (entry.get("text") or "").strip()
        if role not in ROLES or not text:
            continue
        part = "output_text" if role == "assistant" else "input_text"
        events.append(
            {
                "type": "conversation.item.create",
                "item": {
                    "type": "message",
                    "role": role,
                    "content": [{"type": part, "text": text}],
                },
            }
        )
    events.append(response_create(tool_name))
    return events


def response_create(tool_name: str) -> dict[str, Any]:
    """`response.create` forcing a call of `tool_name`, text only."""
    return {
        "type": "response.create",
        "response": {
            "output_modalities": ["text"],
            "tool_choice": {"type": "function", "name": tool_name},
        },
    }


def schema_errors(schema: dict[str, Any], arguments: Any) -> list[str]:
    """Readable schema violations of `arguments` (empty when valid)."""
    validator = Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(arguments), key=lambda e: list(e.path))
    return [
        f"{'/'.join(str(p) for p in e.path) or '(top level)'}: {e.message}"
        for e in errors[:MAX_REPORTED_ERRORS]
    ]


class _Exchange:
    """Server events of one judge connection, read one response at a time."""

    def __init__(self) -> None:
        self.events: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()

    async def on_event(self, event: dict[str, Any]) -> None:
        await self.events.put(event)

    async def on_close(self, code: int | None, reason: str) -> None:
        await self.events.put(None)

    async def response_done(self) -> dict[str, Any]:
        """The next `response.done` response; raises on close or a request error."""
        while True:
            event = await self.events.get()
            if event is None:
                raise JudgeTransportError("the model server closed the connection")
            kind = event.get("type")
            if kind == "error":
                error = event.get("error") or {}
                raise _RequestRefused(error.get("message") or "the request was refused")
            if kind == "response.done":
                return event.get("response") or {}


class _RequestRefused(ValueError):
    """The server answered a client event with an `error` event."""


async def judge(
    target: UpstreamTarget,
    *,
    transcript: list[dict[str, str]],
    instructions: str,
    tool_name: str,
    schema: dict[str, Any],
    description: str = "",
    session_extra: dict[str, Any] | None = None,
    timeout_s: float = JUDGE_TIMEOUT_S,
) -> JudgeResult:
    """Ask the model for one forced call of `tool_name`; see the module docstring."""
    exchange = _Exchange()
    client = UpstreamClient(
        target, on_event=exchange.on_event, on_close=exchange.on_close
    )
    try:
        await asyncio.wait_for(client.connect(), timeout_s)
    except (UpstreamConnectError, TimeoutError) as exc:
        raise JudgeTransportError(str(exc) or "connecting timed out") from None
    try:
        return await asyncio.wait_for(
            _ask(client, exchange, transcript, instructions, tool_name, schema,
                 description, session_extra),
            timeout_s,
        )  # fmt: skip
    except TimeoutError:
        raise JudgeTransportError(
            f"the model did not answer within {timeout_s:g} s"
        ) from None
    finally:
        with contextlib.suppress(Exception):
            await client.close()


async def _ask(
    client: UpstreamClient,
    exchange: _Exchange,
    transcript: list[dict[str, str]],
    instructions: str,
    tool_name: str,
    schema: dict[str, Any],
    description: str,
    session_extra: dict[str, Any] | None,
) -> JudgeResult:
    result = JudgeResult(ok=False)
    events = client_events(
        transcript=transcript,
        instructions=instructions,
        tool_name=tool_name,
        schema=schema,
        description=description,
        session_extra=session_extra,
    )
    for event in events:
        if not await client.send(_stamped(event)):
            raise JudgeTransportError("the model server closed the connection")
    while result.attempts < MAX_ATTEMPTS:
        result.attempts += 1
        try:
            response = await exchange.response_done()
        except _RequestRefused as exc:
            result.error = f"The model server refused the request: {exc}"
            return result
        result.usage.append(response.get("usage") or {})
        call, problem = _forced_call(response, tool_name, schema)
        if call is not None and not problem:
            result.ok, result.arguments, result.error = True, call["parsed"], ""
            return result
        result.error = problem
        if result.attempts >= MAX_ATTEMPTS:
            break
        logger.info("Judge answer invalid (%s); asking once more", problem)
        for event in _correction(call, tool_name, problem):
            if not await client.send(_stamped(event)):
                raise JudgeTransportError("the model server closed the connection")
    result.error = f"No valid answer after {result.attempts} attempts: {result.error}"
    return result


def _forced_call(
    response: dict[str, Any], tool_name: str, schema: dict[str, Any]
) -> tuple[dict[str, Any] | None, str]:
    """(the call item with `parsed` arguments, what is wrong with it or "")."""
    if response.get("status") != "completed":
        details = response.get("status_details") or {}
        reason = (details.get("error") or {}).get("message") or details.get("reason")
        return None, f"the response ended {response.get('status')} ({reason})"
    calls = [
        item
        for item in response.get("output") or []
        if item.get("type") == "function_call" and item.get("name") == tool_name
    ]
    if not calls:
        return None, f"the model did not call {tool_name}"
    call = dict(calls[0])
    try:
        call["parsed"] = json.loads(call.get("arguments") or "")
    except ValueError as exc:
        return call, f"the arguments are not valid JSON ({exc})"
    errors = schema_errors(schema, call["parsed"])
    return call, "; ".join(errors)


def _correction(
    call: dict[str, Any] | None, tool_name: str, problem: str
) -> list[dict[str, Any]]:
    """Tell the model what was wrong (as the call's output when there was one), ask again."""
    text = (
        f"Those arguments are invalid: {problem}. Call {tool_name} again with "
        "arguments that match its parameters schema exactly."
    )
    if call is not None and call.get("call_id"):
        item = {
            "type": "function_call_output",
            "call_id": call["call_id"],
            "output": json.dumps({"error": text}),
        }
    else:
        item = {
            "type": "message",
            "role": "user",
            "content": [{"type": "input_text", "text": text}],
        }
    return [
        {"type": "conversation.item.create", "item": item},
        response_create(tool_name),
    ]


def _stamped(event: dict[str, Any]) -> dict[str, Any]:
    """Every client event carries an event_id (the server echoes it in errors)."""
    return event if event.get("event_id") else {**event, "event_id": new_event_id()}
