"""Reads for post-call analysis: the plan, the transcript to judge, the model target."""

import json

from django.conf import settings

from botbuilder import selectors
from botbuilder.models import AnalysisPlan, Session
from botbuilder.models.choices import ItemKind, ItemRole
from realtime.providers import ConnectionSpec, UpstreamTarget, upstream_target

TOOL_LINE_MAX_CHARS = 500  # a tool call's arguments and result, as shown to the judge


def analysis_plan_for(*, bot_id: int | None) -> AnalysisPlan | None:
    """The bot's analysis plan with its fields and criteria, or None."""
    if bot_id is None:
        return None
    return (
        AnalysisPlan.objects.prefetch_related("data_fields", "criteria")
        .filter(bot_id=bot_id)
        .first()
    )


def judge_transcript(*, session: Session) -> list[dict[str, str]]:
    """The session as role/text items: what was said (heard), tool calls as system lines."""
    out: list[dict[str, str]] = []
    for item in session.items.order_by("seq"):
        if item.kind == ItemKind.FUNCTION_CALL:
            line = (
                f"The bot called the tool {item.tool_name} with "
                f"{json.dumps(item.tool_arguments)}; it returned: {item.tool_result}"
            )
            out.append({"role": "system", "text": line[:TOOL_LINE_MAX_CHARS]})
        elif item.role in (ItemRole.USER, ItemRole.ASSISTANT):
            text = (
                item.heard_text if item.interrupted and item.heard_text else item.text
            )
            if text.strip():
                out.append({"role": item.role, "text": text})
    return out


def caller_turns(*, session: Session) -> int:
    """How many times the caller spoke."""
    return session.items.filter(role=ItemRole.USER, kind=ItemKind.MESSAGE).count()


def plan_skip_reason(*, plan: AnalysisPlan, session: Session) -> str:
    """Why the plan's conditions exclude `session` ("" when the analysis should run)."""
    turns = caller_turns(session=session)
    if turns < plan.min_turns:
        return f"The caller spoke {turns} time(s); the plan needs {plan.min_turns}."
    seconds = session.duration.total_seconds() if session.duration else 0
    if seconds < plan.min_duration_s:
        return (
            f"The call lasted {seconds:.0f} s; the plan needs {plan.min_duration_s} s."
        )
    if plan.end_reasons and session.end_reason not in plan.end_reasons:
        return (
            f"The call ended with {session.end_reason or 'no reason'}, not one of "
            + (", ".join(plan.end_reasons))
        )
    return ""


def call_facts(*, session: Session) -> str:
    """One line about the call for the judge's instructions."""
    seconds = session.duration.total_seconds() if session.duration else 0
    return (
        f"channel {session.channel}, {seconds:.0f} seconds, ended: "
        f"{session.get_end_reason_display() or 'unknown'}, status {session.status}."
    )


def judge_target(*, session: Session) -> tuple[UpstreamTarget, str]:
    """(where the judge connects, the model) on the bot's own connection and key."""
    bot = session.bot
    connection = selectors.connection_for_bot(bot=bot)
    model = bot.model or session.model
    spec = ConnectionSpec(
        kind=connection.kind,
        model=model,
        base_url=connection.base_url,
        azure_deployment=connection.azure_deployment,
        api_key_env=connection.api_key_env,
    )
    target = upstream_target(
        spec,
        offline_host=settings.OFFLINE_ENGINE_HOST,
        offline_port=settings.OFFLINE_ENGINE_PORT,
        openai_key_fallback=settings.OPENAI_API_KEY,
    )
    return target, model
