"""Finding records: dated names resolve to their base, unknown names to None."""

import re

from botbuilder.catalogue.realtime import DEFAULT_MODEL, REALTIME_MODELS
from botbuilder.catalogue.records import (
    RealtimeModelRecord,
    Status,
    TranscriptionModelRecord,
)
from botbuilder.catalogue.transcription import TRANSCRIPTION_MODELS

# A snapshot name is its base name plus "-YYYY-MM-DD" (gpt-realtime-2025-08-28).
DATED_SUFFIX_RE = re.compile(r"-\d{4}-\d{2}-\d{2}$")
REASONING_EFFORTS = ("minimal", "low", "medium", "high", "xhigh")
DEFAULT_REASONING_EFFORT = "low"

_REALTIME = {m.name: m for m in REALTIME_MODELS}
_TRANSCRIPTION = {m.name: m for m in TRANSCRIPTION_MODELS}


def base_name(model: str) -> str:
    """`model` without a snapshot date: gpt-realtime-mini-2025-12-15 → gpt-realtime-mini."""
    return DATED_SUFFIX_RE.sub("", (model or "").strip())


def realtime_model(model: str) -> RealtimeModelRecord | None:
    """The record of `model` or of its base name; None for a model not in the catalogue."""
    name = (model or "").strip()
    return _REALTIME.get(name) or _REALTIME.get(base_name(name))


def realtime_model_or_default(model: str) -> RealtimeModelRecord:
    """The record of `model`, or of the default model for names the catalogue lacks."""
    return realtime_model(model) or _REALTIME[DEFAULT_MODEL]


def transcription_model(model: str) -> TranscriptionModelRecord | None:
    name = (model or "").strip()
    return _TRANSCRIPTION.get(name) or _TRANSCRIPTION.get(base_name(name))


def successor_of(model: str) -> RealtimeModelRecord | None:
    """Where a bot on a legacy or retired `model` should move (None for current models)."""
    record = realtime_model(model)
    seen: set[str] = set()
    while record is not None and record.successor and record.name not in seen:
        seen.add(record.name)
        record = _REALTIME.get(record.successor)
        if record is not None and record.status == Status.CURRENT:
            return record
    return None


def model_start_refusal(model: str) -> str | None:
    """Why a session on `model` cannot start (a retired model), or None if it can."""
    record = realtime_model(model)
    if record is None or not record.is_retired:
        return None
    successor = successor_of(model)
    move = (
        f" Move the bot to {successor.name} (bot list: 'Move to the successor model')."
        if successor
        else " Choose a current model for the bot."
    )
    return (
        f"The model {record.name} was shut down on {record.shutdown:%Y-%m-%d} and can no "
        f"longer take sessions.{move}"
    )


def is_reasoning_model(model: str) -> bool:
    record = realtime_model(model)
    return bool(record and record.reasoning)


def in_reasoning_family(model: str) -> bool:
    """gpt-realtime-2, 2.1, 2.1-mini (and their snapshots): preambles, parallel calls."""
    record = realtime_model(model)
    return bool(record and record.family == "gpt-realtime-2")


def realtime_model_choices() -> list[tuple[str, str]]:
    """(name, label) of every realtime model, current first (for a model field)."""
    return [(m.name, m.label) for m in REALTIME_MODELS]


def transcription_model_choices() -> list[tuple[str, str]]:
    return [("", "Off (no caller transcript)")] + [
        (m.name, m.label) for m in TRANSCRIPTION_MODELS
    ]
