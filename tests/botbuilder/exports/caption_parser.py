"""A small strict WebVTT/SRT parser for the tests: format, numbering and timing order."""

import re

VTT_TIMING_RE = re.compile(
    r"^(\d{2,}):([0-5]\d):([0-5]\d)\.(\d{3}) --> (\d{2,}):([0-5]\d):([0-5]\d)\.(\d{3})$"
)
SRT_TIMING_RE = re.compile(
    r"^(\d{2}):([0-5]\d):([0-5]\d),(\d{3}) --> (\d{2}):([0-5]\d):([0-5]\d),(\d{3})$"
)


class CaptionError(ValueError):
    pass


def _ms(h, m, s, ms) -> int:
    return ((int(h) * 60 + int(m)) * 60 + int(s)) * 1000 + int(ms)


def _check_order(cues: list[tuple[int, int, str]]) -> None:
    last_start = -1
    for n, (start, end, _text) in enumerate(cues, start=1):
        if not start < end:
            raise CaptionError(f"cue {n}: start {start} is not before end {end}")
        if start < last_start:
            raise CaptionError(f"cue {n}: starts before the previous cue")
        last_start = start


def parse_vtt(text: str) -> list[tuple[int, int, str]]:
    """Cues as (start_ms, end_ms, payload); raises CaptionError on any format fault."""
    if "\r" in text:
        raise CaptionError("carriage return in file")
    blocks = text.split("\n\n")
    header = blocks[0]
    if not (header == "WEBVTT" or header.startswith(("WEBVTT ", "WEBVTT\t"))):
        raise CaptionError("missing WEBVTT header")
    if "\n" in header:
        raise CaptionError("header must be one line here")
    if not text.endswith("\n"):
        raise CaptionError("file must end with a newline")
    cues = []
    for block in blocks[1:]:
        if not block.strip():
            continue
        lines = block.split("\n")
        match = VTT_TIMING_RE.match(lines[0])
        if not match:
            raise CaptionError(f"bad timing line {lines[0]!r}")
        payload = lines[1:]
        if not payload or any(not line.strip() for line in payload):
            raise CaptionError("cue without text or with a blank line")
        if any("-->" in line for line in payload):
            raise CaptionError("'-->' inside cue text")
        for line in payload:
            if re.search(r"<(?!/?(v|c|i|b|u)\b)[^>]*>", line) or re.search(
                r"&(?!amp;|lt;|gt;)", line
            ):
                raise CaptionError(f"unescaped markup in {line!r}")
        g = match.groups()
        cues.append((_ms(*g[:4]), _ms(*g[4:]), "\n".join(payload)))
    _check_order(cues)
    return cues


def parse_srt(text: str) -> list[tuple[int, int, str]]:
    """Cues as (start_ms, end_ms, text); raises CaptionError on any format fault."""
    if not text.endswith("\n"):
        raise CaptionError("file must end with a newline")
    cues = []
    blocks = [b for b in text.split("\n\n") if b.strip()]
    for expected, block in enumerate(blocks, start=1):
        lines = block.split("\n")
        if lines[0] != str(expected):
            raise CaptionError(f"cue number {lines[0]!r}, expected {expected}")
        if len(lines) < 3:
            raise CaptionError(f"cue {expected} has no text")
        match = SRT_TIMING_RE.match(lines[1])
        if not match:
            raise CaptionError(f"bad timing line {lines[1]!r}")
        g = match.groups()
        cues.append((_ms(*g[:4]), _ms(*g[4:]), "\n".join(lines[2:])))
    _check_order(cues)
    return cues
