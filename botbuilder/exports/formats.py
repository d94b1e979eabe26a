"""The export formats: renderer, file extension and content type of each."""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from botbuilder.exports.data import ItemData, SessionData
from botbuilder.exports.render_captions import render_srt, render_vtt
from botbuilder.exports.render_csv import render_csv
from botbuilder.exports.render_json import render_json
from botbuilder.exports.render_jsonl import render_jsonl
from botbuilder.exports.render_text import render_md, render_txt

Renderer = Callable[[SessionData, Iterable[ItemData]], Iterator[str]]


@dataclass(frozen=True)
class ExportFormat:
    name: str
    label: str
    extension: str
    content_type: str
    render: Renderer


TEXT_FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat(
            "json", "JSON (full detail)", "json", "application/json", render_json
        ),
        ExportFormat(
            "csv",
            "CSV (one row per item)",
            "csv",
            "text/csv; charset=utf-8",
            render_csv,
        ),
        ExportFormat("txt", "Text", "txt", "text/plain; charset=utf-8", render_txt),
        ExportFormat("md", "Markdown", "md", "text/markdown; charset=utf-8", render_md),
        ExportFormat(
            "vtt", "WebVTT captions", "vtt", "text/vtt; charset=utf-8", render_vtt
        ),
        ExportFormat(
            "srt",
            "SRT captions",
            "srt",
            "application/x-subrip; charset=utf-8",
            render_srt,
        ),
        ExportFormat(
            "jsonl",
            "JSONL (chat messages)",
            "jsonl",
            "application/jsonl; charset=utf-8",
            render_jsonl,
        ),
    )
}
WAV_FORMAT = "wav"
WAV_CONTENT_TYPE = "audio/wav"
# Formats offered on a session's page: every text format plus the recording.
SESSION_FORMATS = (*TEXT_FORMATS, WAV_FORMAT)


class UnknownFormatError(ValueError):
    """Raised for a format name that is not one of TEXT_FORMATS."""


def export_format(name: str) -> ExportFormat:
    """The text format called `name`, or UnknownFormatError listing the valid ones."""
    try:
        return TEXT_FORMATS[name]
    except KeyError:
        valid = ", ".join(TEXT_FORMATS)
        raise UnknownFormatError(
            f"Unknown export format {name!r}; use one of: {valid}."
        ) from None
