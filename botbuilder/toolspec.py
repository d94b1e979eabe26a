"""Validation of tool parameter schemas (pure code)."""

from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError


def schema_errors(schema: Any) -> list[str]:
    """Problems that keep `schema` from being a function-parameters JSON Schema (empty if fine)."""
    if not isinstance(schema, dict):
        return ["the schema must be a JSON object"]
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        path = "/".join(str(p) for p in exc.path) or "(top level)"
        return [f"{exc.message} at {path}"]
    if schema.get("type") != "object":
        return ['the top level must be {"type": "object", ...}']
    return []
