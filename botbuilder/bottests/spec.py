"""What a test definition may hold, as plain data: validation and the normalised script."""

import re
from dataclasses import dataclass, field
from typing import Any

TEXT_CHECKS = {"contains": "text", "not_contains": "text", "regex": "pattern"}
JUDGED = "judged"
TOOL_CALLED, TOOL_NOT_CALLED = "tool_called", "tool_not_called"
CHECK_KINDS = (*TEXT_CHECKS, JUDGED, TOOL_CALLED, TOOL_NOT_CALLED)
ARGUMENT_CHECKS = ("exact", "regex", "anything", "judged")
CHECK_KINDS_HELP = (
    "contains / not_contains (text), regex (pattern), judged (criterion), tool_called "
    "(tool, arguments: {name: {exact|regex|anything|judged: …}}), tool_not_called (tool)."
)
TURN_KEYS = {"say", "checks", "barge_in_ms", "latency_budget_ms"}


@dataclass
class Turn:
    say: str
    checks: list[dict[str, Any]] = field(default_factory=list)
    barge_in_ms: int | None = None
    latency_budget_ms: int | None = None
    checked: bool = True  # False for the "conversation so far" lines


def script(
    *, kind: str, history: list[str], caller_turn: str, checks: list, turns: list
) -> list[Turn]:
    """The caller's turns of a scripted test, in order."""
    if kind == "scenario":
        return [
            Turn(
                say=t["say"],
                checks=list(t.get("checks") or []),
                barge_in_ms=t.get("barge_in_ms"),
                latency_budget_ms=t.get("latency_budget_ms"),
            )
            for t in turns
        ]
    said = [Turn(say=line, checked=False) for line in history]
    return [*said, Turn(say=caller_turn, checks=list(checks))]


def check_errors(checks: Any) -> list[str]:
    """What is wrong with a list of checks (empty when valid)."""
    if not isinstance(checks, list):
        return ["must be a JSON list of checks"]
    errors = []
    for n, check in enumerate(checks, 1):
        errors += [f"check {n}: {e}" for e in _one_check_errors(check)]
    return errors


def _one_check_errors(check: Any) -> list[str]:
    if not isinstance(check, dict) or check.get("kind") not in CHECK_KINDS:
        return [f"needs a kind, one of {', '.join(CHECK_KINDS)}"]
    kind = check["kind"]
    if kind in TEXT_CHECKS:
        key = TEXT_CHECKS[kind]
        if not isinstance(check.get(key), str) or not check[key]:
            return [f"{kind} needs {key!r} (text)"]
        if kind == "regex":
            return _pattern_errors(check[key])
        return []
    if kind == JUDGED:
        if (
            not isinstance(check.get("criterion"), str)
            or not check["criterion"].strip()
        ):
            return ["judged needs 'criterion' (a statement about the reply)"]
        return []
    if not isinstance(check.get("tool"), str) or not check["tool"]:
        return [f"{kind} needs 'tool' (the tool's name)"]
    arguments = check.get("arguments") or {}
    if kind == TOOL_NOT_CALLED or not arguments:
        return []
    if not isinstance(arguments, dict):
        return ["arguments must be an object of argument name → check"]
    errors = []
    for name, rule in arguments.items():
        if (
            not isinstance(rule, dict)
            or len(rule) != 1
            or next(iter(rule)) not in ARGUMENT_CHECKS
        ):
            errors.append(
                f"argument {name!r}: use one of {', '.join(ARGUMENT_CHECKS)}, "
                'e.g. {"exact": "123"}'
            )
        elif "regex" in rule:
            errors += [
                f"argument {name!r}: {e}" for e in _pattern_errors(rule["regex"])
            ]
    return errors


def _pattern_errors(pattern: Any) -> list[str]:
    try:
        re.compile(str(pattern))
    except re.error as exc:
        return [f"the regular expression does not compile ({exc})"]
    return []


def mock_errors(mocks: Any) -> list[str]:
    if not isinstance(mocks, list):
        return ["must be a JSON list of mocks"]
    errors = []
    for n, mock in enumerate(mocks, 1):
        if not isinstance(mock, dict) or not isinstance(mock.get("tool"), str):
            errors.append(f"mock {n}: needs 'tool' (the tool's name)")
        elif not isinstance(mock.get("arguments", {}), dict):
            errors.append(f"mock {n}: 'arguments' must be an object (a partial match)")
        elif "output" not in mock:
            errors.append(f"mock {n}: needs 'output' (what the tool returns)")
    return errors


def turn_errors(turns: Any) -> list[str]:
    if not isinstance(turns, list) or not turns:
        return ["a scenario needs a JSON list of turns"]
    errors = []
    for n, turn in enumerate(turns, 1):
        if not isinstance(turn, dict) or not str(turn.get("say") or "").strip():
            errors.append(f"turn {n}: needs 'say' (what the caller says)")
            continue
        unknown = set(turn) - TURN_KEYS
        if unknown:
            errors.append(f"turn {n}: unknown keys {', '.join(sorted(unknown))}")
        for key in ("barge_in_ms", "latency_budget_ms"):
            value = turn.get(key)
            if value is not None and (not isinstance(value, int) or value < 0):
                errors.append(f"turn {n}: {key} must be a whole number of ms ≥ 0")
        errors += [f"turn {n}, {e}" for e in check_errors(turn.get("checks") or [])]
    return errors


def definition_errors(
    *,
    kind: str,
    history: Any,
    caller_turn: str,
    checks: Any,
    turns: Any,
    goal: str,
    criteria: Any,
    mocks: Any,
) -> dict[str, list[str]]:
    """Field name → problems, for `Model.clean()`."""
    errors: dict[str, list[str]] = {}
    if kind in ("reply", "tool"):
        if not caller_turn.strip():
            errors["caller_turn"] = ["Say what the caller says."]
        if not isinstance(history, list) or not all(
            isinstance(h, str) for h in history
        ):
            errors["history"] = ["A JSON list of the caller's earlier lines."]
        problems = check_errors(checks)
        if not problems and not checks:
            problems = ["Add at least one check."]
        tool_kinds = {TOOL_CALLED, TOOL_NOT_CALLED}
        if (
            not problems
            and kind == "tool"
            and not any(c["kind"] in tool_kinds for c in checks)
        ):
            problems = ["A tool test needs a tool_called or tool_not_called check."]
        if problems:
            errors["checks"] = problems
    elif kind == "scenario":
        problems = turn_errors(turns)
        if problems:
            errors["turns"] = problems
    elif kind == "simulation":
        if not goal.strip():
            errors["goal"] = ["Say what the simulated caller wants."]
        if (
            not isinstance(criteria, list)
            or not criteria
            or not all(isinstance(c, str) and c.strip() for c in criteria)
        ):
            errors["criteria"] = ["A JSON list of statements that must hold."]
    problems = mock_errors(mocks)
    if problems:
        errors["mocks"] = problems
    return errors
