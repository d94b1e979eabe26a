"""The judge tool's schema from a plan, and the verdict from valid arguments."""

import pytest
from jsonschema import Draft202012Validator

from botbuilder.analysis.plan import tool_schema, verdict
from realtime.judge import schema_errors

SNAPSHOT = {
    "summary": {"enabled": True, "prompt": "Summarise.", "language": "de"},
    "fields": [
        {
            "name": "urgency",
            "type": "enum",
            "choices": ["urgent", "routine"],
            "json_schema": {},
            "description": "How urgent.",
            "examples": [],
            "required": True,
            "applies_when": "",
            "flags_review": False,
        },
        {
            "name": "items",
            "type": "json",
            "choices": [],
            "json_schema": {"type": "array", "items": {"type": "string"}},
            "description": "Items.",
            "examples": [],
            "required": False,
            "applies_when": "the caller returns something",
            "flags_review": True,
        },
    ],
    "criteria": [
        {"name": "polite", "instructions": "Polite?", "scoring": "binary",
         "max_score": 5, "pass_score": 3},
        {"name": "clarity", "instructions": "Clear?", "scoring": "score",
         "max_score": 5, "pass_score": 3},
    ],
}  # fmt: skip


def _arguments(**overrides):
    arguments = {
        "summary": "Zusammenfassung.",
        "data": {
            "urgency": {"value": "urgent", "rationale": "chest pain"},
            "items": {"applies": True, "value": [], "rationale": "none"},
        },
        "criteria": {
            "polite": {"passed": True, "rationale": "said please"},
            "clarity": {"score": 4, "rationale": "clear"},
        },
    }
    arguments.update(overrides)
    return arguments


def test_schema_is_valid_and_closed():
    schema = tool_schema(SNAPSHOT)
    Draft202012Validator.check_schema(schema)
    assert "Write it in de." in schema["properties"]["summary"]["description"]
    assert schema_errors(schema, _arguments()) == []
    wrong = _arguments()
    wrong["data"]["urgency"]["value"] = "soon"
    assert any("urgency/value" in e for e in schema_errors(schema, wrong))
    extra = _arguments(mood="happy")
    assert schema_errors(schema, extra)
    high = _arguments()
    high["criteria"]["clarity"]["score"] = 6
    assert schema_errors(schema, high)


def test_summary_off_drops_the_property():
    snapshot = {**SNAPSHOT, "summary": {**SNAPSHOT["summary"], "enabled": False}}
    assert "summary" not in tool_schema(snapshot)["properties"]


def test_verdict_success_and_flags():
    result = verdict(SNAPSHOT, _arguments())
    assert result["successful"] is True and result["flagged"] is False
    assert result["criteria"]["clarity"] == {
        "passed": True, "score": 4, "max_score": 5, "rationale": "clear",
    }  # fmt: skip
    assert result["rationales"]["urgency"] == "chest pain"


@pytest.mark.parametrize(
    "change, problem",
    [
        (lambda a: a["data"]["urgency"].update(value=None), "Required field urgency"),
        (lambda a: a["criteria"]["polite"].update(passed=False), "Criterion polite"),
        (lambda a: a["criteria"]["clarity"].update(score=2), "Criterion clarity"),
    ],
)
def test_verdict_unsuccessful(change, problem):
    arguments = _arguments()
    change(arguments)
    result = verdict(SNAPSHOT, arguments)
    assert result["successful"] is False
    assert any(p.startswith(problem) for p in result["problems"])


def test_flag_for_review_when_value_is_set():
    arguments = _arguments()
    arguments["data"]["items"]["value"] = ["kettle"]
    result = verdict(SNAPSHOT, arguments)
    assert result["flagged"] is True
    assert "Flagged: items: ['kettle']" in result["problems"]
