"""Judged checks through the shared judge (realtime/judge.py); offline nothing can judge."""

from dataclasses import dataclass

from realtime.judge import JudgeTransportError, judge
from realtime.providers import UpstreamTarget

VERDICT_TOOL = "record_check_verdict"
VERDICT_SCHEMA = {
    "type": "object",
    "properties": {
        "verdict": {"type": "string", "enum": ["pass", "fail"]},
        "rationale": {"type": "string"},
    },
    "required": ["verdict", "rationale"],
    "additionalProperties": False,
}
INSTRUCTIONS = (
    "You check a voice bot's conversation against one criterion. Read the conversation, "
    "decide whether the criterion holds for the bot's LAST reply in its context, and call "
    f"{VERDICT_TOOL} with pass or fail and a one-sentence rationale.\nCriterion: "
)
OFFLINE_REASON = "the offline engine cannot judge; run with a real model to decide"


class OfflineJudge:
    """No model that can judge: every judged check is unknown, never a pass."""

    async def __call__(self, *, transcript, criterion) -> tuple[str, str]:
        return "unknown", OFFLINE_REASON


@dataclass
class ModelJudge:
    """Asks the bot's connection (a real model) through the shared judge."""

    target: UpstreamTarget

    async def __call__(self, *, transcript, criterion) -> tuple[str, str]:
        try:
            answer = await judge(
                self.target,
                transcript=transcript,
                instructions=INSTRUCTIONS + criterion,
                tool_name=VERDICT_TOOL,
                schema=VERDICT_SCHEMA,
            )
        except JudgeTransportError as exc:
            return "unknown", f"the judge could not be reached: {exc}"
        if not answer.ok:
            return "unknown", answer.error
        verdict = answer.arguments["verdict"]
        return ("passed" if verdict == "pass" else "failed"), answer.arguments[
            "rationale"
        ]


def judge_for(*, connection_kind: str, target: UpstreamTarget):
    """The judge of a bot's tests: its own connection, unless that is the offline engine."""
    if connection_kind == "offline":
        return OfflineJudge()
    return ModelJudge(target)
