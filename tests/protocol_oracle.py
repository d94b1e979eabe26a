"""The official `openai` SDK as the conformance oracle of the Realtime protocol.

Every event a test peer sends is validated against the SDK's discriminated unions
(`RealtimeClientEvent` for what goes to the model, `RealtimeServerEvent` for what the model
side sends). The SDK's models accept unknown fields silently, so `model_extra` is walked
recursively and any field the SDK does not define is a violation too.
"""

import json
import threading
from typing import Annotated, Any, Union, get_args

import pydantic
from openai.types.realtime import RealtimeClientEvent, RealtimeServerEvent


class ProtocolViolation(AssertionError):
    """An event the official SDK's types do not accept."""


def _tagged_union(alias: Any) -> pydantic.TypeAdapter:
    """A TypeAdapter over the union behind `alias`, discriminated by `type`."""
    union, *_metadata = get_args(alias)  # Annotated[Union[...], PropertyInfo(...)]
    members = get_args(union)
    return pydantic.TypeAdapter(
        Annotated[Union[members], pydantic.Field(discriminator="type")]  # noqa: UP007
    )


CLIENT_EVENTS = _tagged_union(RealtimeClientEvent)
SERVER_EVENTS = _tagged_union(RealtimeServerEvent)


def unknown_fields(value: Any, path: str = "") -> list[str]:
    """Paths of every field the SDK's models do not define, at any depth."""
    if isinstance(value, pydantic.BaseModel):
        found = [f"{path}.{key}".lstrip(".") for key in value.model_extra or {}]
        for name in type(value).model_fields:
            found += unknown_fields(getattr(value, name), f"{path}.{name}")
        return found
    if isinstance(value, list | tuple):
        return [
            p
            for i, item in enumerate(value)
            for p in unknown_fields(item, f"{path}[{i}]")
        ]
    return []


def _check(adapter: pydantic.TypeAdapter, kind: str, event: Any) -> Any:
    if isinstance(event, str | bytes):
        event = json.loads(event)
    etype = event.get("type") if isinstance(event, dict) else None
    try:
        model = adapter.validate_python(event)
    except pydantic.ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc'][1:])}: {error['msg']}"
            for error in exc.errors(include_url=False)[:8]
        )
        raise ProtocolViolation(
            f"{kind} event {etype!r} is invalid: {problems}"
        ) from None
    extra = unknown_fields(model)
    if extra:
        raise ProtocolViolation(
            f"{kind} event {etype!r} has fields the SDK does not define: "
            + ", ".join(extra)
        )
    return model


def check_client_event(event: dict[str, Any] | str | bytes) -> Any:
    """Validate an event sent to the model; returns the SDK model or raises."""
    return _check(CLIENT_EVENTS, "client", event)


def check_server_event(event: dict[str, Any] | str | bytes) -> Any:
    """Validate an event sent by the model side; returns the SDK model or raises."""
    return _check(SERVER_EVENTS, "server", event)


class ViolationLog:
    """Violations seen by peers that must not raise (a server's send path, a thread)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: list[str] = []

    def check(self, direction: str, event: Any) -> None:
        """Check a "client" or "server" event; a violation is recorded, never raised."""
        checker = check_client_event if direction == "client" else check_server_event
        try:
            checker(event)
        except (ProtocolViolation, ValueError) as exc:
            with self._lock:
                self._seen.append(str(exc)[:2000])

    def take(self) -> list[str]:
        """The violations recorded since the last call."""
        with self._lock:
            seen, self._seen = self._seen, []
        return seen


# One log for the whole test run; tests/conftest.py fails a test that left violations.
VIOLATIONS = ViolationLog()
