"""Every text format of the realistic session, compared with its human-checked golden file."""

from pathlib import Path

import pytest

from botbuilder.exports.formats import TEXT_FORMATS
from botbuilder.exports.services import session_export

GOLDEN_DIR = Path(__file__).parent / "golden"


def _export(session, fmt: str, redact: bool = False) -> str:
    return b"".join(session_export(session=session, fmt=fmt, redact=redact)).decode()


@pytest.mark.parametrize("fmt", sorted(TEXT_FORMATS))
def test_session_export_matches_golden_file(golden_session, fmt):
    expected = (GOLDEN_DIR / f"session.{fmt}").read_bytes().decode("utf-8")
    assert _export(golden_session, fmt) == expected


@pytest.mark.parametrize("fmt", ["txt", "jsonl"])
def test_redacted_export_matches_golden_file(golden_session, fmt):
    expected = (GOLDEN_DIR / f"session.redacted.{fmt}").read_bytes().decode("utf-8")
    assert _export(golden_session, fmt, redact=True) == expected
