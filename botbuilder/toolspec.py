"""Validation of tool parameter schemas (pure code)."""

from collections.abc import Iterator
from typing import Any

from jsonschema import Draft202012Validator

# Checks a schema against the JSON Schema 2020-12 meta-schema, reporting every problem.
META_VALIDATOR = Draft202012Validator(Draft202012Validator.META_SCHEMA)


def _where(path: Any) -> str:
    return "/".join(str(p) for p in path) or "(top level)"


def _missing_required(node: Any, path: tuple = ()) -> Iterator[str]:
    """`required` names without a property, in every object of the schema."""
    if isinstance(node, dict):
        properties = node.get("properties")
        required = node.get("required")
        if isinstance(required, list) and (
            isinstance(properties, dict) or node.get("type") == "object"
        ):
            declared = properties if isinstance(properties, dict) else {}
            for name in required:
                if isinstance(name, str) and name not in declared:
                    yield (
                        f"'required' names {name!r}, which is not in 'properties' "
                        f"at {_where(path)}"
                    )
        for key, value in node.items():
            yield from _missing_required(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _missing_required(value, (*path, index))


def schema_errors(schema: Any) -> list[str]:
    """Every problem that keeps `schema` from being a function-parameters JSON Schema."""
    if not isinstance(schema, dict):
        return ["the schema must be a JSON object"]
    problems = [
        f"{error.message} at {_where(error.absolute_path)}"
        for error in sorted(
            META_VALIDATOR.iter_errors(schema), key=lambda e: list(map(str, e.path))
        )
    ]
    if schema.get("type") != "object":
        problems.append('the top level must be {"type": "object", ...}')
    problems.extend(_missing_required(schema))
    return problems
