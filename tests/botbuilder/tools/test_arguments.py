"""Arguments from the model: parsed defensively, validated, errors the model can act on."""

import json

import pytest

from botbuilder.assembly.snapshot import ToolSpec
from botbuilder.tools import ToolContext, run_tool

SCHEMA = {
    "type": "object",
    "properties": {
        "order_number": {
            "type": "string",
            "pattern": "^[0-9]+$",
            "description": "digits only",
        },
        "express": {"type": "boolean"},
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"sku": {"type": "string"}},
                "required": ["sku"],
            },
        },
    },
    "required": ["order_number"],
    "additionalProperties": False,
}


def spec(**fields) -> ToolSpec:
    base = {
        "name": "get_order_status",
        "description": "d",
        "parameters": SCHEMA,
        "kind": "static",
        "config": {"static_response": "Order {order_number} is on its way."},
    }
    return ToolSpec(**{**base, **fields})


async def run(arguments, tool=None):
    return await run_tool(
        spec=tool or spec(), arguments=arguments, context=ToolContext(session_id="s")
    )


async def test_valid_arguments_run_the_tool():
    outcome = await run('{"order_number": "4567"}')
    assert outcome.status == "ok"
    assert outcome.output == "Order 4567 is on its way."


@pytest.mark.parametrize(
    ("arguments", "field", "words"),
    [
        ("{}", "order_number", "required"),
        ('{"order_number": 4567}', "order_number", "not of type 'string'"),
        ('{"order_number": "45-67"}', "order_number", "digits only"),
        ('{"order_number": "1", "express": "yes"}', "express", "not of type 'boolean'"),
        ('{"order_number": "1", "items": [{}]}', "items.0.sku", "required"),
        ('{"order_number": "1", "colour": "red"}', "(arguments)", "colour"),
        ('{"order_number": "1"', "(arguments)", "not valid JSON"),
        ("[1, 2]", "(arguments)", "JSON object"),
        ('"4567"', "(arguments)", "JSON object"),
        ('{"order_number": NaN}', "(arguments)", "NaN"),
        ("x" * 40_000, "(arguments)", "longer than"),
    ],
)
async def test_invalid_arguments_tell_the_model_what_to_fix(arguments, field, words):
    outcome = await run(arguments)
    assert outcome.status == "invalid_arguments"
    payload = json.loads(outcome.output)
    problems = {p["field"]: p["problem"] for p in payload["problems"]}
    assert field in problems, problems
    assert words in problems[field] or words in payload["error"]
    assert "call get_order_status again" in payload["hint"]


async def test_empty_arguments_count_as_an_empty_object():
    tool = spec(
        parameters={"type": "object", "properties": {}},
        config={"static_response": "hi"},
    )
    for raw in ("", None, "  "):
        assert (await run(raw, tool)).status == "ok"


async def test_broken_parameters_schema_is_a_configuration_error():
    outcome = await run(
        "{}", spec(parameters={"type": "object", "properties": {"a": {"type": 12}}})
    )
    assert outcome.status == "error"
    assert "schema" in outcome.error


async def test_unknown_kind_is_an_error_not_an_exception():
    outcome = await run('{"order_number": "1"}', spec(kind="carrier-pigeon"))
    assert outcome.status == "error"
