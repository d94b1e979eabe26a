"""export_transcripts and purge_sessions, run through call_command."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from botbuilder.exports.recordings import session_recording_save
from botbuilder.exports.wav import stereo_wav_bytes
from botbuilder.models import Session, TranscriptItem
from tests.botbuilder.exports.factories import BULK_START, create_sessions
from tests.conftest import create_bot


def export(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("export_transcripts", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_export_jsonl_to_stdout_one_line_per_session(golden_bot):
    create_sessions(3, items=2, bot=golden_bot)
    out, _err = export("--format", "jsonl")
    lines = out.splitlines()
    assert len(lines) == 3 and all("messages" in json.loads(line) for line in lines)


def test_export_filters_by_bot_and_dates(golden_bot):
    other = create_bot(name="Other", slug="other")
    create_sessions(5, items=1, bot=golden_bot, step=timedelta(days=1))  # Feb 1..5
    create_sessions(2, items=1, bot=other)
    out, _ = export(
        "--format",
        "json",
        "--bot",
        "acme-support",
        "--since",
        "2026-02-02",
        "--until",
        "2026-02-04",
    )
    started = [s["started_at"][:10] for s in json.loads(out)]
    assert started == [
        "2026-02-02",
        "2026-02-03",
        "2026-02-04",
    ]  # --until's whole day included
    out, _ = export("--format", "json", "--since", "2026-02-03T08:00:00+00:00")
    assert len(json.loads(out)) == 3 + 0  # Feb 3, 4, 5 of acme; other's are on Feb 1


def test_export_csv_to_a_file_has_one_header(golden_bot, tmp_path):
    create_sessions(4, items=3, bot=golden_bot)
    target = tmp_path / "all.csv"
    _out, err = export("--format", "csv", "--output", str(target), "--redact")
    text = target.read_text(encoding="utf-8")
    assert text.count("session,seq,start_ms") == 1 and len(text.splitlines()) == 1 + 12
    assert "Exported 4 session(s)" in err and not (tmp_path / "all.csv.part").exists()


def test_export_zip_output_holds_one_file_per_session_for_captions(
    golden_bot, tmp_path
):
    create_sessions(3, items=3, bot=golden_bot)
    export("--format", "vtt", "--output", str(tmp_path / "captions.zip"))
    names = zipfile.ZipFile(tmp_path / "captions.zip").namelist()
    assert len(names) == 3 and all(n.endswith(".vtt") for n in names)


def test_export_refuses_several_sessions_in_one_caption_file(golden_bot):
    create_sessions(2, items=1, bot=golden_bot)
    with pytest.raises(CommandError, match="use --output FILE.zip"):
        export("--format", "srt")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "yesterday"], "is not a date"),
        (["--until", "2026-02-30"], "is not a date"),
        (
            ["--since", "2026-03-01", "--until", "2026-02-01"],
            "--since must be before --until",
        ),
        (["--bot", "nope"], "No bot with the slug 'nope'"),
    ],
)
def test_export_rejects_bad_options_clearly(db, args, message):
    with pytest.raises(CommandError, match=message):
        export("--format", "json", *args)


def test_export_progress_bar_goes_to_stderr(golden_bot):
    create_sessions(3, items=1, bot=golden_bot)
    out, err = export("--format", "txt", "--progress")
    assert "3/3 sessions" in err and "sessions" not in out.split("Transcript:")[0]
    assert out.count("Transcript: Acme support") == 3


def test_export_of_nothing_says_so(db):
    out, err = export("--format", "json")
    assert json.loads(out) == [] and "No sessions match" in err


# --- purge_sessions ---


def purge(*args) -> str:
    out = io.StringIO()
    call_command("purge_sessions", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def aged(db, tmp_path, settings):
    """Sessions on both sides of the cutoff, with recordings on disk."""
    settings.MEDIA_ROOT = tmp_path / "media"
    now = timezone.now()
    short = create_bot(name="Clinic", slug="clinic", retention_days=7)
    long = create_bot(name="Bank", slug="bank", retention_days=365)
    wav = tmp_path / "r.wav"
    wav.write_bytes(stereo_wav_bytes(b"\0\0" * 240, b"\0\0" * 240))
    made = {}
    for label, bot, age_days in [
        ("clinic_old", short, 8),
        ("clinic_new", short, 6),
        ("bank_old", long, 366),
        ("bank_new", long, 300),
        ("orphan_old", None, 91),
        ("orphan_new", None, 89),
    ]:
        (session,) = create_sessions(
            1, items=2, bot=bot, start=now - timedelta(days=age_days)
        )
        session_recording_save(session=session, path=wav)
        session.refresh_from_db()
        made[label] = session
    return made


def test_purge_dry_run_lists_and_deletes_nothing(aged):
    out = purge("--dry-run")
    for label in ("clinic_old", "bank_old", "orphan_old"):
        assert str(aged[label].pk) in out
    for label in ("clinic_new", "bank_new", "orphan_new"):
        assert str(aged[label].pk) not in out
    assert "3 session(s) and 3 recording file(s) would be deleted" in out
    assert Session.objects.count() == 6


def test_purge_deletes_old_sessions_items_and_recording_files(aged, settings):
    media = settings.MEDIA_ROOT
    old_files = [
        media / aged[k].recording.name for k in ("clinic_old", "bank_old", "orphan_old")
    ]
    new_files = [
        media / aged[k].recording.name for k in ("clinic_new", "bank_new", "orphan_new")
    ]
    assert all(f.exists() for f in old_files + new_files)
    out = purge("--batch-size", "2")
    assert "Deleted 3 session(s), 6 transcript item(s) and 3 recording file(s)" in out
    remaining = set(Session.objects.values_list("pk", flat=True))
    assert remaining == {aged[k].pk for k in ("clinic_new", "bank_new", "orphan_new")}
    assert TranscriptItem.objects.count() == 6
    assert not any(f.exists() for f in old_files) and all(f.exists() for f in new_files)


def test_purge_default_retention_applies_to_sessions_of_deleted_bots(aged):
    purge("--default-retention-days", "30")
    assert not Session.objects.filter(pk=aged["orphan_new"].pk).exists()
    with override_settings(SESSION_DEFAULT_RETENTION_DAYS=1000):
        purge()
    assert Session.objects.filter(bot__isnull=True).count() == 0


def test_purge_rejects_a_zero_default_retention(db):
    with pytest.raises(CommandError, match="at least 1"):
        purge("--default-retention-days", "0")


def test_purge_reports_recordings_already_gone(aged, settings):
    (settings.MEDIA_ROOT / aged["clinic_old"].recording.name).unlink()
    out = purge()
    assert (
        "Deleted 3 session(s)" in out and "1 recording file(s) were already gone" in out
    )


def test_export_dates_are_stored_in_utc(golden_bot):
    create_sessions(1, items=1, bot=golden_bot, start=BULK_START)
    out, _ = export(
        "--format",
        "json",
        "--since",
        "2026-02-01T08:00:00+00:00",
        "--until",
        "2026-02-01T08:00:01+00:00",
    )
    assert len(json.loads(out)) == 1


def test_session_purge_at_matches_what_purge_deletes(aged, settings):
    from botbuilder.exports.retention import session_purge_at

    settings.SESSION_DEFAULT_RETENTION_DAYS = 90
    now = timezone.now()
    for label, session in aged.items():
        due = session_purge_at(Session.objects.select_related("bot").get(pk=session.pk))
        assert (due < now) == label.endswith("_old"), label
