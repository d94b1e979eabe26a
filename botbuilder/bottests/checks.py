"""Evaluating a turn's checks: text checks here, judged ones through `Judge` (judging.py)."""

import re
from dataclasses import dataclass, field
from typing import Any, Protocol

from botbuilder.bottests.spec import JUDGED, TOOL_CALLED, TOOL_NOT_CALLED

PASSED, FAILED, UNKNOWN, SKIPPED = "passed", "failed", "unknown", "skipped"
# A barge-in passes when the bot stops within this long of the caller starting to speak.
BARGE_IN_STOP_WITHIN_MS = 1000


@dataclass
class TurnResult:
    """What the bot did in answer to one caller turn."""

    say: str
    reply: str = ""
    heard: str = ""  # the caller's turn as the model transcribed it (audio mode)
    tool_calls: list[dict[str, Any]] = field(default_factory=list)  # name, arguments
    response_ms: int | None = None
    interrupted_at_ms: int | None = None  # the previous reply was cut here (barge-in)


class Judge(Protocol):
    async def __call__(
        self, *, transcript: list[dict[str, str]], criterion: str
    ) -> tuple[str, str]:
        """(passed | failed | unknown, rationale)."""


def result(check: str, outcome: str, detail: str = "") -> dict[str, str]:
    return {"check": check, "outcome": outcome, "detail": detail}


def text_check(check: dict[str, Any], reply: str) -> dict[str, str] | None:
    """contains / not_contains / regex on the reply (case-insensitive); None if not one."""
    kind, lowered = check["kind"], reply.lower()
    if kind == "contains":
        found = check["text"].lower() in lowered
        return result(f"contains {check['text']!r}", PASSED if found else FAILED,
                      "" if found else f"reply: {reply!r}")  # fmt: skip
    if kind == "not_contains":
        found = check["text"].lower() in lowered
        return result(f"does not contain {check['text']!r}", FAILED if found else PASSED,
                      f"reply: {reply!r}" if found else "")  # fmt: skip
    if kind == "regex":
        found = re.search(check["pattern"], reply, re.IGNORECASE) is not None
        return result(f"matches /{check['pattern']}/", PASSED if found else FAILED,
                      "" if found else f"reply: {reply!r}")  # fmt: skip
    return None


async def tool_check(
    check: dict[str, Any], calls: list[dict[str, Any]], judge: Judge,
    transcript: list[dict[str, str]],
) -> dict[str, str]:  # fmt: skip
    name = check["tool"]
    mine = [c for c in calls if c["name"] == name]
    called = ", ".join(c["name"] for c in calls) or "no tool"
    if check["kind"] == TOOL_NOT_CALLED:
        return result(f"{name} not called", FAILED if mine else PASSED,
                      f"called with {mine[0]['arguments']}" if mine else "")  # fmt: skip
    label = f"{name} called"
    if not mine:
        return result(label, FAILED, f"the bot called {called}")
    rules = check.get("arguments") or {}
    best: dict[str, str] | None = None
    for call in mine:  # any call of the tool may satisfy the check
        verdict = await _arguments_verdict(rules, call["arguments"], judge, transcript)
        if verdict[0] == PASSED:
            return result(label, PASSED, f"arguments {call['arguments']}")
        if best is None or verdict[0] == UNKNOWN:
            best = result(label, verdict[0], verdict[1])
    return best


async def _arguments_verdict(
    rules: dict[str, dict[str, Any]], arguments: Any, judge: Judge,
    transcript: list[dict[str, str]],
) -> tuple[str, str]:  # fmt: skip
    if not isinstance(arguments, dict):
        arguments = {}
    unknown = ""
    for name, rule in rules.items():
        ((how, want),) = rule.items()
        if name not in arguments:
            return FAILED, f"argument {name!r} missing from {arguments}"
        value = arguments[name]
        if how == "exact" and value != want:
            return FAILED, f"{name} is {value!r}, expected {want!r}"
        if how == "regex" and not re.search(str(want), str(value), re.IGNORECASE):
            return FAILED, f"{name} is {value!r}, does not match /{want}/"
        if how == "judged":
            outcome, why = await judge(
                transcript=transcript,
                criterion=f"The argument {name} = {value!r} satisfies: {want}",
            )
            if outcome == FAILED:
                return FAILED, f"{name} = {value!r}: {why}"
            if outcome == UNKNOWN:
                unknown = f"{name} = {value!r} could not be judged: {why}"
    return (UNKNOWN, unknown) if unknown else (PASSED, "")


async def evaluate(
    checks: list[dict[str, Any]], turn: TurnResult, judge: Judge,
    transcript: list[dict[str, str]],
) -> list[dict[str, str]]:  # fmt: skip
    """Each check's result for this turn, in order."""
    results = []
    for check in checks:
        kind = check["kind"]
        if kind in (TOOL_CALLED, TOOL_NOT_CALLED):
            results.append(await tool_check(check, turn.tool_calls, judge, transcript))
        elif kind == JUDGED:
            outcome, why = await judge(
                transcript=transcript, criterion=check["criterion"]
            )
            results.append(result(f"judged: {check['criterion']}", outcome, why))
        else:
            results.append(text_check(check, turn.reply))
    return results


def timing_checks(turn: TurnResult, *, latency_budget_ms: int | None,
                  barge_in_ms: int | None, audio: bool,
                  speech_lead_ms: int = 0) -> list[dict[str, str]]:  # fmt: skip
    """The turn's latency budget and barge-in, as check results."""
    results = []
    if latency_budget_ms is not None:
        label = f"first audio within {latency_budget_ms} ms"
        if turn.response_ms is None:
            results.append(result(label, FAILED, "no bot audio was measured"))
        else:
            ok = turn.response_ms <= latency_budget_ms
            results.append(
                result(label, PASSED if ok else FAILED, f"{turn.response_ms} ms")
            )
    if barge_in_ms is not None:
        label = f"barge-in {barge_in_ms} ms into the reply"
        if not audio:
            results.append(result(label, SKIPPED, "barge-in is tested in audio mode"))
        elif turn.interrupted_at_ms is None:
            results.append(result(label, FAILED, "the bot's reply was not interrupted"))
        else:
            # The caller's audio starts at barge_in_ms; speech begins speech_lead_ms later.
            reaction_ms = turn.interrupted_at_ms - barge_in_ms - speech_lead_ms
            ok = 0 <= reaction_ms <= BARGE_IN_STOP_WITHIN_MS
            results.append(result(
                label, PASSED if ok else FAILED,
                f"the reply was cut at {turn.interrupted_at_ms} ms, {reaction_ms} ms after "
                f"the caller began speaking (at most {BARGE_IN_STOP_WITHIN_MS} ms)",
            ))  # fmt: skip
    return results


def outcome_of(results: list[dict[str, str]]) -> str:
    """failed if any failed, unknown if any unknown, else passed."""
    outcomes = {r["outcome"] for r in results}
    if FAILED in outcomes:
        return FAILED
    if UNKNOWN in outcomes:
        return UNKNOWN
    return PASSED
