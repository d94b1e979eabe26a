"""Exports as byte streams: one session in one format, many sessions in a zip or a file."""

import logging
from collections.abc import Callable, Iterable, Iterator

from django.db.models import QuerySet

from botbuilder.exports.data import ItemData, SessionData
from botbuilder.exports.formats import ExportFormat, export_format
from botbuilder.exports.redact import redact_item, redact_session
from botbuilder.exports.render_csv import csv_header, render_csv
from botbuilder.exports.selectors import SESSION_CHUNK_SIZE, session_data, session_items
from botbuilder.exports.zipstream import zip_stream
from botbuilder.models import Session

logger = logging.getLogger(__name__)

# Text is encoded and handed on in pieces of about this size.
STREAM_CHUNK_BYTES = 64 * 1024
# Formats that cannot hold several sessions in one file.
SINGLE_SESSION_FORMATS = ("vtt", "srt")

Progress = Callable[[Session], None]

Progress = Callable[[Session], None]


def _encoded(parts: Iterable[str]) -> Iterator[bytes]:
    """UTF-8 bytes of `parts`, coalesced into chunks of about STREAM_CHUNK_BYTES."""
    pending: list[str] = []
    size = 0
    for part in parts:
        pending.append(part)
        size += len(part)
        if size >= STREAM_CHUNK_BYTES:
            yield "".join(pending).encode()
            pending.clear()
            size = 0
    if pending:
        yield "".join(pending).encode()


def _plain(session: Session, redact: bool) -> tuple[SessionData, Iterator[ItemData]]:
    data = session_data(session=session)
    items = session_items(session_id=session.pk)
    if redact:
        return redact_session(data), map(redact_item, items)
    return data, items


def session_export(
    *, session: Session, fmt: str, redact: bool = False
) -> Iterator[bytes]:
    """One session rendered in `fmt` (a text format) as UTF-8 byte chunks."""
    spec = export_format(fmt)
    data, items = _plain(session, redact)
    return _encoded(spec.render(data, items))


RECORDING_CHUNK_BYTES = 256 * 1024  # read recordings in pieces, never whole


def session_export_filename(*, session: Session, fmt: str, redact: bool = False) -> str:
    """`<bot>-<YYYYmmdd-HHMMSS>-<id8>[-redacted].<ext>`: sortable, unique, safe on every
    filesystem, and a redacted copy never has the original's name."""
    spec = export_format(fmt) if fmt != "wav" else None
    extension = spec.extension if spec else "wav"
    slug = session.bot.slug if session.bot_id else "session"
    suffix = "-redacted" if redact else ""
    stamp = f"{session.started_at:%Y%m%d-%H%M%S}"
    return f"{slug}-{stamp}-{session.pk.hex[:8]}{suffix}.{extension}"


def _each(sessions: QuerySet[Session], progress: Progress | None) -> Iterator[Session]:
    for session in sessions.select_related("bot").iterator(
        chunk_size=SESSION_CHUNK_SIZE
    ):
        yield session
        if progress is not None:
            progress(session)


def sessions_export_zip(
    *,
    sessions: QuerySet[Session],
    fmt: str,
    redact: bool = False,
    progress: Progress | None = None,
) -> Iterator[bytes]:
    """A zip with one `fmt` file per session, streamed member by member; `progress` is
    called after each session. `wav`: the recordings; sessions without one are listed in
    a `no-recording.txt` member (redaction does not apply to audio)."""
    if fmt == "wav":
        return zip_stream(_recording_members(sessions, progress))
    export_format(fmt)  # fail before the first byte on a bad format

    def members() -> Iterator[tuple[str, Iterator[bytes]]]:
        for session in _each(sessions, progress):
            name = session_export_filename(session=session, fmt=fmt, redact=redact)
            yield name, session_export(session=session, fmt=fmt, redact=redact)

    return zip_stream(members())


def _file_chunks(field_file) -> Iterator[bytes]:
    with field_file.open("rb") as handle:
        while chunk := handle.read(RECORDING_CHUNK_BYTES):
            yield chunk


def _recording_members(
    sessions: QuerySet[Session], progress: Progress | None
) -> Iterator[tuple[str, Iterator[bytes]]]:
    missing = []
    for session in _each(sessions, progress):
        name = session_export_filename(session=session, fmt="wav")
        if session.recording and session.recording.storage.exists(
            session.recording.name
        ):
            yield name, _file_chunks(session.recording)
        else:
            missing.append(name)
    if missing:
        note = "No recording for these sessions:\n" + "\n".join(missing) + "\n"
        yield "no-recording.txt", iter([note.encode()])


def sessions_export_stream(
    *,
    sessions: QuerySet[Session],
    fmt: str,
    redact: bool = False,
    progress: Progress | None = None,
) -> Iterator[bytes]:
    """All `sessions` in one stream: a JSON array, one CSV table, JSONL lines, or txt/md
    transcripts one after another. Captions hold one session: ValueError for more."""
    spec = export_format(fmt)
    if fmt in SINGLE_SESSION_FORMATS and sessions.count() > 1:
        raise ValueError(f"{fmt} captions hold one session; export several as a zip.")
    return _encoded(_stream_parts(sessions, spec, redact, progress))


def _stream_parts(
    sessions: QuerySet[Session],
    spec: ExportFormat,
    redact: bool,
    progress: Progress | None,
) -> Iterator[str]:
    first = True
    if spec.name == "json":
        yield "["
    elif spec.name == "csv":
        yield csv_header()
    for session in _each(sessions, progress):
        data, items = _plain(session, redact)
        if spec.name == "csv":
            yield from render_csv(data, items, header=False)
        elif spec.name == "json":
            yield "" if first else ","
            yield from spec.render(data, items)
        else:
            if not first and spec.name in ("txt", "md"):
                yield "\n---\n\n" if spec.name == "md" else "\n" + "=" * 72 + "\n\n"
            yield from spec.render(data, items)
        first = False
    if spec.name == "json":
        yield "]\n"
