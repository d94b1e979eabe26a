"""An analysis plan as plain data, the judge tool's schema built from it, and the verdict
(successful, flagged) computed from the judge's arguments. Pure functions, no ORM."""

from typing import Any

TOOL_NAME = "record_call_analysis"
TOOL_DESCRIPTION = "Record the analysis of the finished call."
INSTRUCTIONS = (
    "You analyse a finished phone or browser call between a caller and a voice bot. "
    "The conversation so far is that call. Do not continue it: call {tool} exactly once. "
    "For every data field give the value the call supports, or null when the call does "
    "not say; for every criterion judge the call by its instructions. Give every value a "
    "short rationale that quotes or cites the call."
)


def plan_snapshot(plan: Any) -> dict[str, Any]:
    """The plan (an AnalysisPlan row with its fields and criteria) as plain JSON data."""
    return {
        "summary": {
            "enabled": plan.summary_enabled,
            "prompt": plan.summary_prompt,
            "language": plan.summary_language,
        },
        "fields": [
            {
                "name": f.name,
                "type": f.field_type,
                "choices": list(f.choices or []),
                "json_schema": f.json_schema or {},
                "description": f.description,
                "examples": list(f.examples or []),
                "required": f.required,
                "applies_when": f.applies_when,
                "flags_review": f.flags_review,
            }
            for f in plan.data_fields.all()
        ],
        "criteria": [
            {
                "name": c.name,
                "instructions": c.instructions,
                "scoring": c.scoring,
                "max_score": c.max_score,
                "pass_score": c.pass_score,
            }
            for c in plan.criteria.all()
        ],
    }


def _value_schema(field: dict[str, Any]) -> dict[str, Any]:
    kind = field["type"]
    if kind == "json":
        return {"anyOf": [field["json_schema"], {"type": "null"}]}
    if kind == "enum":
        schema: dict[str, Any] = {
            "type": ["string", "null"],
            "enum": [*field["choices"], None],
        }
    else:
        schema = {"type": [kind, "null"]}
    if field["examples"]:
        schema["examples"] = field["examples"]
    return schema


def _closed(properties: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """An object schema in which every property is required and nothing else allowed."""
    return {
        "type": "object",
        **extra,
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def _field_schema(field: dict[str, Any]) -> dict[str, Any]:
    description = field["description"]
    properties: dict[str, Any] = {}
    if field["applies_when"]:
        description += f" Applies only when: {field['applies_when']}"
        properties["applies"] = {
            "type": "boolean",
            "description": "Whether the call is one this field applies to.",
        }
    properties["value"] = _value_schema(field)
    properties["rationale"] = {"type": "string"}
    return _closed(properties, description=description)


def _criterion_schema(criterion: dict[str, Any]) -> dict[str, Any]:
    if criterion["scoring"] == "score":
        verdict = {
            "score": {
                "type": "integer",
                "minimum": 0,
                "maximum": criterion["max_score"],
            }
        }
    else:
        verdict = {"passed": {"type": "boolean"}}
    return _closed(
        {**verdict, "rationale": {"type": "string"}},
        description=criterion["instructions"],
    )


def tool_schema(snapshot: dict[str, Any]) -> dict[str, Any]:
    """The parameters schema of the judge's one tool: summary, data and criteria."""
    properties: dict[str, Any] = {}
    summary = snapshot["summary"]
    if summary["enabled"]:
        language = summary["language"] or "the language of the call"
        properties["summary"] = {
            "type": "string",
            "description": f"{summary['prompt']} Write it in {language}.".strip(),
        }
    properties["data"] = _closed(
        {f["name"]: _field_schema(f) for f in snapshot["fields"]}
    )
    properties["criteria"] = _closed(
        {c["name"]: _criterion_schema(c) for c in snapshot["criteria"]}
    )
    return _closed(properties)


def instructions(facts: str) -> str:
    """The judge session's instructions, with facts about the call (duration, end)."""
    return INSTRUCTIONS.format(tool=TOOL_NAME) + (
        f"\n\nAbout the call: {facts}" if facts else ""
    )


def _is_set(value: Any) -> bool:
    return value not in (None, "", [], {}, False)


def verdict(snapshot: dict[str, Any], arguments: dict[str, Any]) -> dict[str, Any]:
    """Results from valid judge arguments: data, rationales, criteria, success, flags."""
    data, rationales, problems, flags = {}, {}, [], []
    for field in snapshot["fields"]:
        answer = arguments["data"][field["name"]]
        value = answer["value"]
        data[field["name"]] = value
        rationales[field["name"]] = answer["rationale"]
        applies = answer.get("applies", True)
        if field["required"] and applies and value in (None, "", [], {}):
            problems.append(f"Required field {field['name']} could not be filled.")
        if field["flags_review"] and _is_set(value):
            flags.append(f"{field['name']}: {value}")
    criteria = {}
    for criterion in snapshot["criteria"]:
        answer = arguments["criteria"][criterion["name"]]
        if criterion["scoring"] == "score":
            score, top = answer["score"], criterion["max_score"]
            passed = score >= criterion["pass_score"]
            criteria[criterion["name"]] = {
                "passed": passed,
                "score": score,
                "max_score": top,
            }
        else:
            passed = answer["passed"]
            criteria[criterion["name"]] = {"passed": passed}
        criteria[criterion["name"]]["rationale"] = answer["rationale"]
        if not passed:
            problems.append(f"Criterion {criterion['name']} not met.")
    return {
        "summary": arguments.get("summary", ""),
        "data": data,
        "rationales": rationales,
        "criteria": criteria,
        "successful": not problems,
        "flagged": bool(flags),
        "problems": problems + [f"Flagged: {f}" for f in flags],
    }
