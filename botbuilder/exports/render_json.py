"""JSON: full fidelity (metadata, config snapshot, items with timings, tools, usage, cost)."""

import json
import statistics
from collections.abc import Iterable, Iterator
from typing import Any

from botbuilder.exports.data import ItemData, SessionData

FORMAT_VERSION = "botbuilder.transcript/1"


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _sorted_keys(value: Any) -> Any:
    """`value` with every dict's keys sorted: PostgreSQL's jsonb does not keep key order,
    so an export must not depend on it (the same session exports the same bytes on both)."""
    if isinstance(value, dict):
        return {key: _sorted_keys(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted_keys(v) for v in value]
    return value


def session_dict(session: SessionData) -> dict[str, Any]:
    """Session metadata as JSON-ready values (no items)."""
    out = {
        "format": FORMAT_VERSION,
        "id": session.id,
        "bot": {"slug": session.bot_slug or None, "name": session.bot_name},
        "channel": session.channel,
        "caller": session.caller,
        "provider_call_id": session.provider_call_id or None,
        "started_at": _iso(session.started_at),
        "ended_at": _iso(session.ended_at),
        "duration_ms": session.duration_ms,
        "status": session.status,
        "end_reason": session.end_reason,
        "end_detail": session.end_detail,
        "model": session.model,
        "voice": session.voice,
        "provider": session.connection_kind,
        "engine": session.engine,
        "variables": session.variables,
        "usage": session.usage,
        "cost_usd": session.cost_usd,
        "cost_lines": [_sorted_keys(line) for line in session.cost_lines],
        "turn_count": session.turn_count,
        "recording": session.recording or None,
        "config_snapshot": _sorted_keys(session.config_snapshot),
    }
    if session.analysis is not None:
        out["analysis"] = _sorted_keys(session.analysis)
    return out


def item_dict(item: ItemData) -> dict[str, Any]:
    """One item as JSON-ready values; tool fields only on tool calls."""
    out: dict[str, Any] = {
        "seq": item.seq,
        "role": item.role,
        "kind": item.kind,
        "started_ms": item.started_ms,
        "ended_ms": item.ended_ms,
        "text": item.text,
    }
    if item.role == "assistant":
        out["interrupted"] = item.interrupted
        out["heard_text"] = item.heard_text
        out["latency_ms"] = item.latency_ms
    if item.is_tool_call:
        out["tool"] = {
            "name": item.tool_name,
            "call_id": item.tool_call_id,
            "arguments": item.tool_arguments,
            "result": item.tool_result,
            "status": item.tool_status,
            "duration_ms": item.tool_duration_ms,
        }
    out["upstream_item_id"] = item.upstream_item_id
    out["stored_at"] = _iso(item.stored_at)
    return out


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def render_json(session: SessionData, items: Iterable[ItemData]) -> Iterator[str]:
    """The whole session as one JSON object, items one per line, streamed."""
    head = json.dumps(session_dict(session), ensure_ascii=False, indent=2)
    yield head[:-2] + ',\n  "items": ['
    latencies: list[int] = []
    count = 0
    for item in items:
        yield ("\n    " if count == 0 else ",\n    ") + _dumps(item_dict(item))
        count += 1
        if item.latency_ms is not None:
            latencies.append(item.latency_ms)
    summary = {
        "items": count,
        "latency_ms": {
            "count": len(latencies),
            "median": statistics.median(latencies) if latencies else None,
            "max": max(latencies) if latencies else None,
        },
    }
    yield ("\n  ]" if count else "]") + ',\n  "summary": ' + _dumps(summary) + "\n}\n"
