"""Static responses and the placeholder rules of URLs and JSON bodies."""

import pytest

from botbuilder.assembly.snapshot import ToolSpec
from botbuilder.tools import ToolContext, run_tool
from botbuilder.tools.templating import TemplateError, fill_json, fill_text, fill_url


async def test_static_response_fills_arguments_and_variables():
    spec = ToolSpec(
        name="greet",
        description="d",
        kind="static",
        parameters={
            "type": "object",
            "properties": {"name": {"type": "string"}, "count": {"type": "integer"}},
        },
        config={
            "static_response": "Hi {name}, {{shop}} has {count} parcels; {missing} ok"
        },
    )
    context = ToolContext(session_id="s", variables={"shop": "Acme"})
    outcome = await run_tool(
        spec=spec, arguments='{"name": "Ada", "count": 2}', context=context
    )
    assert outcome.output == "Hi Ada, Acme has 2 parcels;  ok"


async def test_static_response_with_unknown_variable_is_an_error():
    spec = ToolSpec(
        name="t",
        description="d",
        parameters={"type": "object"},
        kind="static",
        config={"static_response": "for {{nobody}}"},
    )
    outcome = await run_tool(
        spec=spec, arguments="{}", context=ToolContext(session_id="s")
    )
    assert outcome.status == "error"
    assert "nobody" in outcome.error


def test_argument_values_are_not_templated_again():
    text = fill_text("{a} / {{v}}", {"a": "{{v}} {b}"}, {"v": "secret-ish"})
    assert text == "{{v}} {b} / secret-ish"


def test_json_literal_braces_are_left_alone():
    template = '{"order_number": "{order_number}", "status": "shipped"}'
    assert (
        fill_text(template, {"order_number": "7"}, {})
        == '{"order_number": "7", "status": "shipped"}'
    )


def test_url_values_are_percent_encoded():
    url = fill_url(
        "https://x.example/o/{id}?q={q}&s={{shop}}",
        {"id": "../admin", "q": "a b&c=d"},
        {"shop": "A/B"},
    )
    assert url == "https://x.example/o/..%2Fadmin?q=a%20b%26c%3Dd&s=A%2FB"


def test_url_missing_argument_raises():
    with pytest.raises(TemplateError) as info:
        fill_url("https://x.example/{id}", {}, {})
    assert info.value.kind == "argument" and info.value.name == "id"


def test_json_body_keeps_types_and_drops_missing_whole_values():
    template = {
        "n": "{n}",
        "flag": "{flag}",
        "obj": "{obj}",
        "text": "n={n} {{v}}",
        "gone": "{absent}",
        "list": ["{n}", "{absent}", 5],
        "fixed": True,
    }
    body = fill_json(template, {"n": 3, "flag": False, "obj": {"a": [1]}}, {"v": "x"})
    assert body == {
        "n": 3,
        "flag": False,
        "obj": {"a": [1]},
        "text": "n=3 x",
        "list": [3, 5],
        "fixed": True,
    }
