"""TXT and Markdown: the conversation as people read it, with speaker labels and times."""

import json
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from botbuilder.exports.data import ROLE_LABELS, ItemData, SessionData, format_clock

# Tool results longer than this are shortened in the readable formats (full text in JSON/CSV).
TOOL_RESULT_PREVIEW_CHARS = 160
MD_SPECIAL_RE = re.compile(r"([\\`*_\[\]<>|#])")


def _value(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def tool_call_summary(item: ItemData) -> str:
    """`name(key="value", ...)` with the call's arguments, compact."""
    args = item.tool_arguments
    if isinstance(args, dict):
        inner = ", ".join(f"{k}={_value(v)}" for k, v in args.items())
    elif args is None:
        inner = ""
    else:
        inner = _value(args)
    return f"{item.tool_name or 'tool'}({inner})"


def _result_preview(item: ItemData) -> str:
    result = " ".join(item.tool_result.split())
    if len(result) > TOOL_RESULT_PREVIEW_CHARS:
        result = result[: TOOL_RESULT_PREVIEW_CHARS - 1] + "…"
    return result


def _tool_details(item: ItemData) -> str:
    details = [d for d in (item.tool_status,) if d]
    if item.tool_duration_ms is not None:
        details.append(f"{item.tool_duration_ms} ms")
    return f" ({', '.join(details)})" if details else ""


def _header_lines(session: SessionData) -> list[tuple[str, str]]:
    rows = [
        ("Session", session.id),
        (
            "Bot",
            f"{session.bot_name} ({session.bot_slug})"
            if session.bot_slug
            else session.bot_name,
        ),
        ("Started", f"{session.started_at:%Y-%m-%d %H:%M:%S %Z}".strip()),
        (
            "Duration",
            format_clock(session.duration_ms) if session.ended_at else "ongoing",
        ),
        ("Channel", session.channel),
    ]
    if session.caller:
        rows.append(("Caller", session.caller))
    status = session.status + (f" ({session.end_reason})" if session.end_reason else "")
    rows.append(("Status", status))
    if session.engine:
        rows.append(("Engine", session.engine))
    elif session.model:
        rows.append(("Model", session.model))
    rows.append(("Cost", session.cost_summary or f"${session.cost_usd}"))
    # Nothing paid (the offline engine): the lines price the tokens on the bot's model.
    kind = "Estimate" if session.cost_is_estimate else "Cost"
    for line in session.cost_lines:
        if Decimal(str(line.get("cost_usd") or 0)):
            amount = (
                f"{line['seconds']:g} s"
                if "seconds" in line
                else f"{line.get('tokens', 0)} tokens"
            )
            rows.append(
                (f"{kind}, {line.get('label', '')}", f"${line['cost_usd']} ({amount})")
            )
    return rows


def _indent(text: str, prefix: str) -> str:
    return text.replace("\n", "\n" + prefix)


def render_txt(session: SessionData, items: Iterable[ItemData]) -> Iterator[str]:
    """Plain text: a header, then one `[MM:SS] Speaker: text` block per item."""
    yield f"Transcript: {session.bot_name}\n"
    yield (
        "".join(f"{label}: {value}\n" for label, value in _header_lines(session)) + "\n"
    )
    for item in items:
        stamp = f"[{format_clock(item.started_ms)}] "
        if item.is_tool_call:
            line = f"Tool {tool_call_summary(item)} -> {_result_preview(item)}"
            yield stamp + line + _tool_details(item) + "\n"
        elif item.kind == "event":
            yield stamp + f"* {item.text}\n"
        else:
            label = ROLE_LABELS.get(item.role, item.role)
            text = item.spoken_text.strip()
            if item.interrupted:
                cut = "[cut off" + (
                    f'; not heard: "{item.unheard_text}"]' if item.unheard_text else "]"
                )
                text = (
                    f"{text} -- {cut}"
                    if text
                    else f"(interrupted before anything was heard) {cut}"
                )
            elif not text:
                text = "(no transcript)"
            yield stamp + f"{label}: " + _indent(text, " " * len(stamp)) + "\n"


def md_escape(text: str) -> str:
    """Backslash-escape characters Markdown would read as formatting or HTML."""
    return MD_SPECIAL_RE.sub(r"\\\1", text)


def render_md(session: SessionData, items: Iterable[ItemData]) -> Iterator[str]:
    """Markdown: a metadata table, then one paragraph per item."""
    yield f"# Transcript: {md_escape(session.bot_name)}\n\n| | |\n|---|---|\n"
    yield "".join(
        f"| {label} | {md_escape(value)} |\n" for label, value in _header_lines(session)
    )
    yield "\n"
    for item in items:
        stamp = f"`{format_clock(item.started_ms)}`"
        if item.is_tool_call:
            call = tool_call_summary(item).replace("`", "'")
            result = md_escape(_result_preview(item))
            yield f"{stamp} Tool `{call}` → {result}{md_escape(_tool_details(item))}\n\n"
        elif item.kind == "event":
            yield f"{stamp} *{md_escape(item.text)}*\n\n"
        else:
            label = ROLE_LABELS.get(item.role, item.role)
            text = md_escape(item.spoken_text.strip()).replace("\n", "  \n")
            if item.interrupted:
                unheard = md_escape(item.unheard_text)
                cut = "*[cut off]*" + (f" ~~{unheard}~~" if unheard else "")
                text = (
                    f"{text} — {cut}"
                    if text
                    else f"*(interrupted before anything was heard)* {cut}"
                )
            elif not text:
                text = "*(no transcript)*"
            yield f"{stamp} **{label}:** {text}\n\n"
