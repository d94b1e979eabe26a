"""What a running session needs, as plain data built once at start (no ORM on the audio path)."""

import copy
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from botbuilder.assembly import Assembly, Snapshot, ToolSpec
from botbuilder.knowledge.search import KnowledgeIndex, index_for
from realtime.providers import UpstreamTarget
from realtime.session.bargein import BYTES_PER_MS


@dataclass
class SessionSetup:
    session_id: str
    model: str
    session: dict[str, Any]  # the `session` of session.update, exactly as sent
    target: UpstreamTarget
    bot_id: int | None = None
    greeting_mode: str = "wait"  # bot_greeting | model_first | wait
    greeting: str = ""
    tools: list[ToolSpec] = field(default_factory=list)
    variables: dict[str, str] = field(default_factory=dict)
    knowledge: KnowledgeIndex | None = None
    prices: dict[str, dict[str, float]] = field(default_factory=dict)
    idle_reminder_after_s: float | None = None
    idle_reminder_max: int = 2
    idle_reminder_text: str = ""
    max_session_s: float = 1800
    wrap_up_message: str = ""
    audio_format: str = "pcm16"
    debug: bool = False
    # False for a SIP call's sideband: the caller's audio never passes through us, so the
    # service handles barge-in itself, and its normal close is the caller hanging up.
    media_relayed: bool = True
    # bottests: replaces botbuilder.tools.run_tool (same keyword arguments), e.g. tool mocks.
    tool_runner: Callable[..., Awaitable[Any]] | None = None

    @property
    def bytes_per_ms(self) -> int:
        return BYTES_PER_MS.get(self.audio_format, 48)

    @property
    def turn_detection(self) -> dict[str, Any] | None:
        return ((self.session.get("audio") or {}).get("input") or {}).get(
            "turn_detection"
        )

    @property
    def interrupt_response(self) -> bool:
        """Whether the caller's speech interrupts the bot (barge-in)."""
        detection = self.turn_detection
        return (
            bool(detection) and detection.get("interrupt_response", True) is not False
        )

    @property
    def transcription_enabled(self) -> bool:
        audio_input = (self.session.get("audio") or {}).get("input") or {}
        return bool(audio_input.get("transcription"))

    @property
    def endpointing_ms(self) -> int | None:
        """Configured silence that ends a caller turn (server VAD only; not measured)."""
        detection = self.turn_detection or {}
        if detection.get("type") == "server_vad":
            return detection.get("silence_duration_ms")
        return None


def session_config(assembly: Assembly, *, push_to_talk: bool = False) -> dict[str, Any]:
    """The session.update payload; push-to-talk turns server turn detection off."""
    session = copy.deepcopy(assembly.session)
    if push_to_talk:
        session.setdefault("audio", {}).setdefault("input", {})["turn_detection"] = None
    return session


def build_setup(
    *,
    session_id: str,
    snapshot: Snapshot,
    assembly: Assembly,
    session: dict[str, Any],
    target: UpstreamTarget,
    prices: dict[str, dict[str, float]] | None = None,
    debug: bool = False,
) -> SessionSetup:
    """The runner's setup from the assembled bot; the knowledge index is built here, once."""
    bot = snapshot.bot
    retrievable = set(assembly.report.retrievable_snippet_ids)
    snippets = [s for s in snapshot.snippets if s.id in retrievable]
    return SessionSetup(
        session_id=session_id,
        model=bot.model,
        session=session,
        target=target,
        bot_id=bot.id,
        greeting_mode=bot.greeting_mode,
        greeting=assembly.greeting,
        tools=list(assembly.tools),
        variables=dict(assembly.variables),
        knowledge=index_for(snippets) if snippets else None,
        prices=dict(prices or {}),
        idle_reminder_after_s=bot.idle_reminder_after_s,
        idle_reminder_max=bot.idle_reminder_max,
        idle_reminder_text=bot.idle_reminder_text,
        max_session_s=bot.max_session_s,
        wrap_up_message=bot.wrap_up_message,
        audio_format=snapshot.audio_format,
        debug=debug,
    )
