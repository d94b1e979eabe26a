"""The offline engine's forced-call answers: values by type, read from the conversation."""

from realtime.engine.analysis import forced_plan, forced_tool


def _items(*turns):
    return [
        {
            "type": "message",
            "role": role,
            "content": [{"type": "input_text", "text": text}],
        }
        for role, text in turns
    ]


def _answer(properties, *turns, required=None):
    tool = {
        "type": "function",
        "name": "record",
        "parameters": {"type": "object", "properties": properties},
    }
    plan = forced_plan(tool, _items(*turns))
    assert plan.calls[0][0] == "record"
    return plan.calls[0][1]


def test_forced_tool_is_found_only_when_tool_choice_names_it():
    tools = [{"type": "function", "name": "record", "parameters": {}}]
    config = {"tools": tools, "tool_choice": "auto"}
    assert forced_tool({"tool_choice": {"type": "function", "name": "record"}}, config)
    assert forced_tool({}, config) is None
    assert forced_tool({"tool_choice": "required"}, config) is None
    assert (
        forced_tool({"tool_choice": {"type": "function", "name": "x"}}, config) is None
    )


def test_enum_by_the_cues_listed_after_each_choice():
    prop = {
        "type": ["string", "null"],
        "enum": ["urgent", "routine", None],
        "description": "urgent: chest pain, bleeding; routine: rash, cough",
    }
    assert _answer({"u": prop}, ("user", "I have a rash."))["u"] == "routine"
    assert _answer({"u": prop}, ("user", "My chest pain is back."))["u"] == "urgent"
    assert _answer({"u": prop}, ("user", "Hello."))["u"] is None


def test_negated_cues_do_not_count():
    prop = {"type": "boolean", "examples": ["chest pain"]}
    assert _answer({"b": prop}, ("user", "No chest pain at all."))["b"] is False
    assert _answer({"b": prop}, ("user", "Chest pains since noon."))["b"] is True


def test_array_of_choices_and_numbers():
    props = {
        "flags": {
            "type": "array",
            "items": {
                "type": "string",
                "enum": ["fainting", "bleeding"],
                "description": "fainting: passed out",
            },
        },
        "age": {"type": ["integer", "null"]},
        "missing": {"type": ["number", "null"]},
    }
    args = _answer(
        props, ("assistant", "How old are you?"), ("user", "I am 54 and I passed out.")
    )
    assert args["flags"] == ["fainting"]
    assert args["age"] == 54


def test_wrapped_value_gets_a_rationale_and_summary_tells_request_and_outcome():
    props = {
        "summary": {"type": "string"},
        "callback": {
            "type": "object",
            "description": "Whether the caller wants a call back.",
            "properties": {
                "value": {"type": "boolean", "examples": ["call me back"]},
                "rationale": {"type": "string"},
            },
        },
    }
    args = _answer(
        props,
        ("user", "Could someone call me back tomorrow please?"),
        ("assistant", "Yes, a nurse will call you tomorrow."),
    )
    assert args["callback"]["value"] is True
    assert "call me back tomorrow" in args["callback"]["rationale"]
    assert "call me back tomorrow" in args["summary"]
    assert "a nurse will call you tomorrow" in args["summary"]


def test_applies_follows_the_quoted_phrases_of_the_condition():
    prop = {
        "type": "object",
        "description": 'Order number. Applies only when: the caller says "order"',
        "properties": {
            "applies": {"type": "boolean"},
            "value": {"type": ["string", "null"]},
        },
    }
    assert (
        _answer({"o": prop}, ("user", "Where is my order 4567?"))["o"]["applies"]
        is True
    )
    assert (
        _answer({"o": prop}, ("user", "What time do you open?"))["o"]["applies"]
        is False
    )
