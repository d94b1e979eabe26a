"""WebVTT and SRT captions, timed from the items' session-clock timings.

Times are milliseconds from session start, the clock the recording is aligned on, so the
captions line up with the recording when there is one. Only spoken messages (caller and bot)
become cues; interrupted replies show what was heard. Items without a start time are left
out (there is nothing honest to place them at); an item with a start but no usable end gets
an end estimated from its length. A cue never runs past the next cue's start: at a barge-in
the caller's speech starts before the bot's reply is cut, and the two must not overlap.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from botbuilder.exports.data import ROLE_LABELS, ItemData, SessionData

# Speaking rate used to estimate a missing end time (≈ 14 characters per second).
ESTIMATED_MS_PER_CHAR = 70
MIN_CUE_MS = 1000
MAX_ESTIMATED_CUE_MS = 15000
CAPTION_ROLES = ("user", "assistant")


@dataclass(frozen=True, slots=True)
class Cue:
    start_ms: int
    end_ms: int
    speaker: str
    text: str


def _cue_text(item: ItemData) -> str:
    lines = (line.strip() for line in item.spoken_text.splitlines())
    return "\n".join(line for line in lines if line)


def caption_cues(items: Iterable[ItemData]) -> list[Cue]:
    """The caption cues of `items`, sorted by start time (conversation order on ties)."""
    timed = []
    for item in items:
        if item.kind != "message" or item.role not in CAPTION_ROLES:
            continue
        text = _cue_text(item)
        if not text or item.started_ms is None:
            continue
        timed.append((item.started_ms, item.seq, item.ended_ms, item.role, text))
    timed.sort()
    cues = []
    for n, (start, _seq, end, role, text) in enumerate(timed):
        if end is None or end <= start:
            estimate = min(
                max(len(text) * ESTIMATED_MS_PER_CHAR, MIN_CUE_MS), MAX_ESTIMATED_CUE_MS
            )
            end = start + estimate
        nxt = n + 1
        while nxt < len(timed) and timed[nxt][0] <= start:
            nxt += 1
        if nxt < len(timed):
            end = min(end, timed[nxt][0])
        cues.append(Cue(start, end, ROLE_LABELS[role], text))
    return cues


def _clock(ms: int, sep: str) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{sep}{millis:03d}"


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_vtt(session: SessionData, items: Iterable[ItemData]) -> Iterator[str]:
    """WebVTT with `<v Caller>` / `<v Bot>` voice spans."""
    title = " ".join(f"{session.bot_name} {session.id}".split())
    yield f"WEBVTT - {_vtt_escape(title)}\n\n"
    for cue in caption_cues(items):
        timing = f"{_clock(cue.start_ms, '.')} --> {_clock(cue.end_ms, '.')}"
        yield f"{timing}\n<v {cue.speaker}>{_vtt_escape(cue.text)}\n\n"


# SubRip has no escapes; a zero-width space keeps a caller's `-->`, `<b>` or `{\\an8}` from
# being read as a timing line, a formatting tag or a position override (text looks the same).
ZERO_WIDTH_SPACE = "\u200b"


def _srt_escape(text: str) -> str:
    return (
        text.replace("-->", f"--{ZERO_WIDTH_SPACE}>")
        .replace("<", f"<{ZERO_WIDTH_SPACE}")
        .replace("{", f"{{{ZERO_WIDTH_SPACE}")
    )


def render_srt(session: SessionData, items: Iterable[ItemData]) -> Iterator[str]:
    """SubRip: numbered cues, speaker as a `Name:` prefix."""
    for n, cue in enumerate(caption_cues(items), start=1):
        timing = f"{_clock(cue.start_ms, ',')} --> {_clock(cue.end_ms, ',')}"
        yield f"{n}\n{timing}\n{cue.speaker}: {_srt_escape(cue.text)}\n\n"
