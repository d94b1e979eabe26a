"""Transcript writing: the conversation in the model's item order, each item stored once it
completes (the store keeps the writes in order and off the event loop)."""

from typing import Any, Protocol

from realtime.session.turns import AssistantTurn, Conversation, ToolTurn, Turn, UserTurn

ENDED_FIRST_OUTPUT = '{"error": "the session ended first"}'


class Store(Protocol):
    """Where a session's data goes (`realtime.session.store.SessionStore`)."""

    def append_item(self, record: dict[str, Any]) -> None: ...

    def set_usage(
        self, usage: Any, cost_usd: Any, turn_count: int, lines: Any = None
    ) -> None: ...

    def save_recording(self, path: str) -> None: ...

    async def close(self, *, status: str, reason: str, detail: str = "") -> None: ...


class Transcript:
    def __init__(self, store: Store) -> None:
        self.store_backend = store
        self.conversation = Conversation()

    def store(self, turn: Turn) -> None:
        """Write `turn` (again, with the same seq, if it changed since)."""
        turn.stored = True
        self.store_backend.append_item(turn.record())

    def flush_unstored(self, now_ms: int) -> None:
        """At the end, store what completed partly: caller turns whose transcript never
        came, replies cut off mid-stream, tool calls that never finished."""
        for turn in self.conversation.ordered():
            if turn.stored:
                continue
            if isinstance(turn, AssistantTurn):
                if not turn.done:
                    turn.done = True
                    if not turn.interrupted:  # text only (audio was cut by playback)
                        turn.interrupted = True
                        turn.heard_text = turn.text
                        turn.cut_reason = "disconnect"
                    turn.ended_ms = turn.ended_ms or now_ms
                if not turn.text and not turn.audio_bytes:
                    continue
            elif isinstance(turn, ToolTurn) and not turn.finished:
                turn.status, turn.output = "error", ENDED_FIRST_OUTPUT
            self.store(turn)

    def user_turns_unstored(self) -> list[UserTurn]:
        return [
            t
            for t in self.conversation.turns
            if isinstance(t, UserTurn) and not t.stored
        ]
