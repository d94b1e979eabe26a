"""The model's arguments: parsed defensively, validated against the tool's JSON Schema."""

import json
from functools import lru_cache
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

# Arguments longer than this are refused before parsing (a runaway generation).
MAX_ARGUMENTS_CHARS = 32_000
MAX_PROBLEMS_REPORTED = 5


class ArgumentsError(ValueError):
    """The arguments cannot be used; `problems` tell the model what to fix."""

    def __init__(self, problems: list[dict[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{p['field']}: {p['problem']}" for p in problems))


class BadSchemaError(ValueError):
    """The tool's own parameters schema is broken (a configuration error, not the model's)."""


def parse_arguments(raw: str | dict[str, Any] | None) -> dict[str, Any]:
    """The arguments as a dict; ArgumentsError when they are not a JSON object."""
    if isinstance(raw, dict):
        return raw
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return {}
    if not isinstance(raw, str):
        raise ArgumentsError(
            [_problem("(arguments)", "must be a JSON object in a string")]
        )
    if len(raw) > MAX_ARGUMENTS_CHARS:
        raise ArgumentsError(
            [_problem("(arguments)", f"longer than {MAX_ARGUMENTS_CHARS} characters")]
        )
    try:
        value = json.loads(raw, parse_constant=_reject_constant)
    except (json.JSONDecodeError, ValueError) as exc:
        reason = (
            f"{exc.msg} at position {exc.pos}"
            if isinstance(exc, json.JSONDecodeError)
            else str(exc)
        )
        raise ArgumentsError(
            [_problem("(arguments)", f"not valid JSON: {reason}")]
        ) from None
    if not isinstance(value, dict):
        raise ArgumentsError(
            [
                _problem(
                    "(arguments)", f"must be a JSON object, not {type(value).__name__}"
                )
            ]
        )
    return value


def validate_arguments(
    arguments: dict[str, Any], schema: dict[str, Any] | None
) -> None:
    """Raise ArgumentsError listing what does not match `schema` (which field, what is expected)."""
    validator = _validator(json.dumps(schema or {"type": "object"}, sort_keys=True))
    errors = sorted(
        validator.iter_errors(arguments), key=lambda e: (list(e.path), e.message)
    )
    if errors:
        raise ArgumentsError([_describe(e) for e in errors[:MAX_PROBLEMS_REPORTED]])


@lru_cache(maxsize=256)
def _validator(schema_json: str) -> Draft202012Validator:
    schema = json.loads(schema_json)
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        raise BadSchemaError(
            f"the tool's parameters schema is invalid: {exc.message}"
        ) from None
    return Draft202012Validator(schema)


def _describe(error: Any) -> dict[str, str]:
    """One problem in words the model can act on."""
    field = ".".join(str(p) for p in error.path)
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else ""
        return _problem(
            ".".join(filter(None, [field, missing])) or "(arguments)",
            "is required but missing",
        )
    if error.validator == "additionalProperties":
        return _problem(field or "(arguments)", error.message)
    expected = (
        error.schema.get("description") if isinstance(error.schema, dict) else None
    )
    problem = error.message
    if expected:
        problem += f" (expected: {expected})"
    return _problem(field or "(arguments)", problem)


def _problem(field: str, problem: str) -> dict[str, str]:
    return {"field": field, "problem": problem}


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in arguments")
