"""Plain data the renderers work on: one session's metadata and its items (no Django)."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

ROLE_LABELS = {"user": "Caller", "assistant": "Bot", "system": "System", "tool": "Tool"}


@dataclass(frozen=True, slots=True)
class ItemData:
    """One stored transcript item, as plain values."""

    seq: int
    role: str
    kind: str = "message"
    text: str = ""
    heard_text: str = ""
    interrupted: bool = False
    started_ms: int | None = None
    ended_ms: int | None = None
    latency_ms: int | None = None
    tool_name: str = ""
    tool_call_id: str = ""
    tool_arguments: Any = None
    tool_result: str = ""
    tool_status: str = ""
    tool_duration_ms: int | None = None
    upstream_item_id: str = ""
    stored_at: datetime | None = None

    @property
    def is_tool_call(self) -> bool:
        return self.kind == "function_call"

    @property
    def spoken_text(self) -> str:
        """What the other side actually got: the heard part of an interrupted reply."""
        return self.heard_text if self.interrupted else self.text

    @property
    def unheard_text(self) -> str:
        """The generated remainder the caller never heard ('' when unknown or not cut)."""
        if not self.interrupted or not self.text.startswith(self.heard_text):
            return ""
        return self.text[len(self.heard_text) :].strip()


@dataclass(frozen=True, slots=True)
class SessionData:
    """One session's metadata, as plain values."""

    id: str
    bot_slug: str
    bot_name: str
    started_at: datetime
    ended_at: datetime | None = None
    channel: str = "preview"
    caller: str = ""
    provider_call_id: str = (
        ""  # the phone provider's call id (Twilio CallSid, SIP call)
    )
    status: str = ""
    end_reason: str = ""
    end_detail: str = ""
    model: str = ""
    voice: str = ""
    connection_kind: str = ""
    variables: dict[str, Any] = field(default_factory=dict)
    config_snapshot: dict[str, Any] = field(default_factory=dict)
    usage: dict[str, int] = field(default_factory=dict)
    cost_usd: str = "0"
    cost_lines: list[dict[str, Any]] = field(default_factory=list)  # pricing.cost_lines
    turn_count: int = 0
    recording: str = ""
    analysis: dict[str, Any] | None = None  # post-call analysis, when there is one
    engine: str = ""  # which engine answered, in words
    cost_summary: str = ""  # actual cost, with the estimate for the offline engine
    cost_is_estimate: bool = False  # nothing was paid: cost lines price the bot's model

    @property
    def instructions(self) -> str | None:
        """The instructions that were live (None when the snapshot does not hold them)."""
        config = self.config_snapshot if isinstance(self.config_snapshot, dict) else {}
        session = config.get("session")
        if not isinstance(session, dict):
            return None
        value = session.get("instructions")
        return value if isinstance(value, str) else None

    @property
    def duration_ms(self) -> int | None:
        if self.ended_at is None:
            return None
        return int((self.ended_at - self.started_at).total_seconds() * 1000)


def format_clock(ms: int | None) -> str:
    """Milliseconds from session start as M:SS (H:MM:SS past an hour); '--:--' if unknown."""
    if ms is None:
        return "--:--"
    seconds = ms // 1000
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes:02d}:{secs:02d}"
