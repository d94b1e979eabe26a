"""The conversation as the relay sees it: items in the upstream's order, and what to store.

A position (`seq`) is given to an item when the upstream announces it (a committed caller
turn, an assistant output item, a function call) or when the relay sends a typed message;
the row is written only when the item completes, with that seq. So a caller transcript that
arrives after the bot's reply still sorts before it.
"""

import json
from dataclasses import dataclass, field
from typing import Any

from realtime.session.bargein import heard_prefix, speech_ms_estimate


@dataclass
class Turn:
    seq: int
    item_id: str = ""
    started_ms: int | None = None
    ended_ms: int | None = None
    stored: bool = False

    def record(self) -> dict[str, Any]:
        """The TranscriptItem fields of this turn (see botbuilder.services.sessions)."""
        return {
            "seq": self.seq,
            "upstream_item_id": self.item_id,
            "started_ms": self.started_ms,
            "ended_ms": self.ended_ms,
        }


@dataclass
class UserTurn(Turn):
    text: str = ""
    complete: bool = False  # the transcript (or its failure) arrived, or none will come

    def record(self) -> dict[str, Any]:
        return {
            **super().record(),
            "role": "user",
            "kind": "message",
            "text": self.text,
        }


@dataclass
class AssistantTurn(Turn):
    response_id: str = ""
    deltas: list[str] = field(default_factory=list)
    final_text: str | None = None
    done: bool = False
    audio_bytes: int = 0  # assistant audio passed to the transport
    generated_bytes: int = 0  # all audio the model made, incl. what a barge-in dropped
    # time.monotonic() when the caller starts hearing it (queued after earlier items)
    first_audio_at: float | None = None
    flushed: bool = False  # the caller interrupted: drop further audio of this item
    previous_connection: bool = False  # made on an earlier upstream connection
    interrupted: bool = False
    heard_ms: int | None = None  # audio the caller heard before interrupting
    heard_text: str = ""
    # why the caller heard only part of it: barge_in | disconnect | reconnect ("" if whole)
    cut_reason: str = ""
    latency_ms: int | None = None

    @property
    def text(self) -> str:
        return self.final_text if self.final_text is not None else "".join(self.deltas)

    def sent_ms(self, bytes_per_ms: int) -> int:
        """Audio passed to the caller so far, in ms."""
        return self.audio_bytes // bytes_per_ms

    def mark_cut(self, heard_ms: int, reason: str, bytes_per_ms: int) -> None:
        """The caller heard the first `heard_ms` of this reply, then it ended (`reason`)."""
        total_ms = max(self.generated_bytes // bytes_per_ms, self.sent_ms(bytes_per_ms))
        if not self.done:  # more audio was coming: the text tells how much, roughly
            total_ms = max(total_ms, speech_ms_estimate(self.text))
        self.interrupted, self.heard_ms, self.cut_reason = True, heard_ms, reason
        self.heard_text = heard_prefix(self.text, heard_ms, total_ms)
        self.ended_ms = (self.started_ms or 0) + heard_ms

    def record(self) -> dict[str, Any]:
        return {
            **super().record(),
            "role": "assistant",
            "kind": "message",
            "text": self.text,
            "heard_text": self.heard_text if self.interrupted else "",
            "interrupted": self.interrupted,
            "cut_reason": self.cut_reason if self.interrupted else "",
            "latency_ms": self.latency_ms,
        }


@dataclass
class ToolTurn(Turn):
    response_id: str = ""
    call_id: str = ""
    name: str = ""
    arguments: str = ""
    started: bool = False
    finished: bool = False
    output: str = ""
    status: str = ""
    duration_ms: int | None = None
    action: str | None = None
    closing_line: str = ""

    def parsed_arguments(self) -> Any:
        """The arguments as JSON if they parse, else the raw string."""
        try:
            return json.loads(self.arguments) if self.arguments else {}
        except ValueError:
            return self.arguments

    def record(self) -> dict[str, Any]:
        return {
            **super().record(),
            "role": "tool",
            "kind": "function_call",
            "tool_name": self.name,
            "tool_call_id": self.call_id,
            "tool_arguments": self.parsed_arguments(),
            "tool_result": self.output,
            "tool_status": self.status,
            "tool_duration_ms": self.duration_ms,
        }


class Conversation:
    """Turns by upstream item id, with seq allocated in announcement order."""

    def __init__(self) -> None:
        self._next_seq = 1
        self._by_item: dict[str, Turn] = {}
        self.turns: list[Turn] = []

    def _add(self, turn: Turn) -> Turn:
        self.turns.append(turn)
        if turn.item_id:
            self._by_item[turn.item_id] = turn
        return turn

    def _seq(self) -> int:
        seq, self._next_seq = self._next_seq, self._next_seq + 1
        return seq

    def get(self, item_id: str) -> Turn | None:
        return self._by_item.get(item_id)

    def user(self, item_id: str) -> UserTurn:
        turn = self._by_item.get(item_id)
        if isinstance(turn, UserTurn):
            return turn
        return self._add(UserTurn(seq=self._seq(), item_id=item_id))

    def typed_user(self, text: str, at_ms: int) -> UserTurn:
        """A caller message typed in the browser (complete as soon as it is sent)."""
        turn = UserTurn(seq=self._seq(), text=text, complete=True, started_ms=at_ms)
        turn.ended_ms = at_ms
        return self._add(turn)

    def assistant(self, item_id: str, response_id: str = "") -> AssistantTurn:
        turn = self._by_item.get(item_id)
        if isinstance(turn, AssistantTurn):
            return turn
        return self._add(
            AssistantTurn(seq=self._seq(), item_id=item_id, response_id=response_id)
        )

    def tool(
        self, item_id: str, call_id: str, name: str, response_id: str = ""
    ) -> ToolTurn:
        turn = self._by_item.get(item_id) if item_id else None
        if turn is None:
            turn = next((t for t in self.tool_turns() if t.call_id == call_id), None)
        if isinstance(turn, ToolTurn):
            turn.name = turn.name or name
            turn.call_id = turn.call_id or call_id
            return turn
        return self._add(
            ToolTurn(
                seq=self._seq(),
                item_id=item_id,
                call_id=call_id,
                name=name,
                response_id=response_id,
            )
        )

    def tool_turns(self, response_id: str | None = None) -> list[ToolTurn]:
        return [
            t
            for t in self.turns
            if isinstance(t, ToolTurn)
            and (response_id is None or t.response_id == response_id)
        ]

    def last_audio_turn(self) -> AssistantTurn | None:
        """The assistant turn that most recently sent audio."""
        for turn in reversed(self.turns):
            if isinstance(turn, AssistantTurn) and turn.audio_bytes:
                return turn
        return None

    def audio_turns(self) -> list[AssistantTurn]:
        """Assistant turns that sent audio, in the order the caller hears them."""
        return [t for t in self.turns if isinstance(t, AssistantTurn) and t.audio_bytes]

    def ordered(self) -> list[Turn]:
        return sorted(self.turns, key=lambda t: t.seq)
