"""Zip exports stream: memory stays flat from 20 to 200 sessions and the archive is valid."""

import io
import tracemalloc
import zipfile

from botbuilder.exports.selectors import sessions_for_export
from botbuilder.exports.services import session_export, sessions_export_zip
from botbuilder.exports.zipstream import zip_stream
from tests.botbuilder.exports.factories import create_sessions


def _consume_measuring(chunks) -> tuple[int, int, int]:
    """(bytes, chunks, peak traced bytes) while consuming `chunks` and keeping none."""
    tracemalloc.start()
    try:
        total = count = 0
        for chunk in chunks:
            total += len(chunk)
            count += 1
        return total, count, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_zip_of_200_sessions_streams_with_flat_memory(golden_bot):
    create_sessions(200, items=30, bot=golden_bot)
    all_sessions = sessions_for_export(bot_slug="acme-support")
    first_20 = sessions_for_export(bot_slug="acme-support").filter(
        pk__in=list(all_sessions.values_list("pk", flat=True)[:20])
    )
    small_bytes, _small_chunks, small_peak = _consume_measuring(
        sessions_export_zip(sessions=first_20, fmt="json")
    )
    big_bytes, big_chunks, big_peak = _consume_measuring(
        sessions_export_zip(sessions=all_sessions, fmt="json")
    )
    archive = zipfile.ZipFile(
        io.BytesIO(b"".join(sessions_export_zip(sessions=all_sessions, fmt="json")))
    )
    per_session_json = sum(i.file_size for i in archive.infolist()) / 200
    assert per_session_json > 8000  # each member is a real transcript (~10 KB of JSON)
    assert (
        big_bytes > 9 * small_bytes
    )  # ten times the sessions, ten times the output...
    assert big_chunks > 200  # ...handed on piece by piece...
    assert big_peak < 1.5 * small_peak  # ...while peak memory stays about the same:
    # what grows is the zip's central directory (a name and a ZipInfo per member).
    assert (big_peak - small_peak) / 180 < per_session_json / 5


def test_zip_of_200_sessions_opens_with_zipfile(golden_bot):
    sessions = create_sessions(200, items=3, bot=golden_bot)
    data = b"".join(sessions_export_zip(sessions=sessions_for_export(), fmt="jsonl"))
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    names = archive.namelist()
    assert len(names) == len(set(names)) == 200
    assert archive.read(names[-1]) == b"".join(
        session_export(session=sessions[-1], fmt="jsonl")
    )


def test_zip_stream_handles_empty_and_large_members():
    big = [b"x" * 100_000 for _ in range(30)]
    data = b"".join(
        zip_stream([("empty.txt", []), ("big.bin", iter(big)), ("é.txt", [b"ok"])])
    )
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.read("empty.txt") == b""
    assert archive.read("big.bin") == b"".join(big)
    assert archive.read("é.txt") == b"ok"


def test_zip_of_no_sessions_is_an_empty_archive(db):
    data = b"".join(sessions_export_zip(sessions=sessions_for_export(), fmt="csv"))
    assert zipfile.ZipFile(io.BytesIO(data)).namelist() == []
