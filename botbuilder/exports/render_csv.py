"""CSV: one row per item, UTF-8 with a header row; text cells never start a formula."""

import csv
import io
import json
from collections.abc import Iterable, Iterator

from botbuilder.exports.data import ItemData, SessionData

CSV_COLUMNS = (
    "session", "seq", "start_ms", "end_ms", "role", "kind", "text", "heard_text",
    "interrupted", "tool", "arguments", "result",
)  # fmt: skip
# Rows buffered per yielded chunk.
CSV_ROWS_PER_CHUNK = 200
# Spreadsheets run a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    """`text` safe to open in a spreadsheet: a formula start gets a leading apostrophe."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _row(session_id: str, item: ItemData) -> tuple:
    arguments = ""
    if item.tool_arguments is not None:
        arguments = json.dumps(item.tool_arguments, ensure_ascii=False)
    return (
        session_id,
        item.seq,
        "" if item.started_ms is None else item.started_ms,
        "" if item.ended_ms is None else item.ended_ms,
        item.role,
        item.kind,
        _cell(item.text),
        _cell(item.heard_text),
        "true" if item.interrupted else "false",
        _cell(item.tool_name),
        _cell(arguments),
        _cell(item.tool_result),
    )


def csv_header() -> str:
    """The header row alone."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(CSV_COLUMNS)
    return buffer.getvalue()


def render_csv(
    session: SessionData, items: Iterable[ItemData], *, header: bool = True
) -> Iterator[str]:
    """Rows for the session's items (with the header row unless `header=False`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if header:
        writer.writerow(CSV_COLUMNS)
    for n, item in enumerate(items, start=1):
        writer.writerow(_row(session.id, item))
        if n % CSV_ROWS_PER_CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()
