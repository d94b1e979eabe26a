"""Export stored sessions to a file or stdout, streamed, with an optional progress bar."""

import os
from datetime import datetime, time, timedelta
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from botbuilder.exports.formats import TEXT_FORMATS
from botbuilder.exports.selectors import sessions_for_export
from botbuilder.exports.services import (
    SINGLE_SESSION_FORMATS,
    sessions_export_stream,
    sessions_export_zip,
)
from botbuilder.models import Bot

PROGRESS_BAR_WIDTH = 30


def parse_moment(value: str, option: str, *, end_of_day: bool = False) -> datetime:
    """YYYY-MM-DD or an ISO 8601 date-time (naive = server time zone); CommandError if not."""
    moment = None
    try:
        day = parse_date(value)
        if day is not None:
            moment = datetime.combine(day + timedelta(days=int(end_of_day)), time.min)
        else:
            moment = parse_datetime(value)
    except ValueError:
        moment = None
    if moment is None:
        raise CommandError(
            f"{option} {value!r} is not a date: use YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][+HH:MM]."
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class ProgressBar:
    """A one-line text bar on stderr: [#####-----] 12/200 sessions."""

    def __init__(self, stream, total: int) -> None:
        self.stream = stream
        self.total = total
        self.done = 0

    def __call__(self, _session=None) -> None:
        self.done += 1
        filled = PROGRESS_BAR_WIDTH * self.done // max(self.total, 1)
        bar = "#" * filled + "-" * (PROGRESS_BAR_WIDTH - filled)
        self.stream.write(f"\r[{bar}] {self.done}/{self.total} sessions", ending="")
        self.stream.flush()

    def finish(self) -> None:
        self.stream.write("")
        self.stream.flush()


class Command(BaseCommand):
    help = (
        "Export session transcripts. Writes to stdout, or to --output (a .zip output holds one "
        "file per session, in any format). --until with a date includes that whole day."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", required=True, choices=sorted(TEXT_FORMATS))
        parser.add_argument("--bot", metavar="SLUG", help="Only this bot's sessions.")
        parser.add_argument(
            "--since", metavar="DATE", help="Sessions started on or after."
        )
        parser.add_argument(
            "--until", metavar="DATE", help="Sessions started before / on."
        )
        parser.add_argument(
            "--output", metavar="PATH", help="File to write (default stdout)."
        )
        parser.add_argument(
            "--redact",
            action="store_true",
            help="Replace e-mail addresses, phone numbers, card numbers and IBANs.",
        )
        parser.add_argument(
            "--progress",
            action="store_true",
            help="Show the progress bar even when stderr is not a terminal.",
        )

    def handle(self, *args, **options) -> None:
        fmt = options["format"]
        since = parse_moment(options["since"], "--since") if options["since"] else None
        until = (
            parse_moment(options["until"], "--until", end_of_day=True)
            if options["until"]
            else None
        )
        if since and until and since >= until:
            raise CommandError("--since must be before --until.")
        slug = options["bot"]
        if slug and not Bot.objects.filter(slug=slug).exists():
            raise CommandError(f"No bot with the slug {slug!r}.")
        sessions = sessions_for_export(bot_slug=slug, since=since, until=until)
        total = sessions.count()
        output = options["output"]
        as_zip = bool(output) and output.lower().endswith(".zip")
        if fmt in SINGLE_SESSION_FORMATS and total > 1 and not as_zip:
            raise CommandError(
                f"{total} sessions match, and a {fmt} file holds one session: "
                f"use --output FILE.zip (one file per session) or narrow the selection."
            )
        if total == 0:
            self.stderr.write("No sessions match.")
        show_progress = options["progress"] or (total and self.stderr.isatty())
        bar = ProgressBar(self.stderr, total) if show_progress else None
        export = sessions_export_zip if as_zip else sessions_export_stream
        chunks = export(
            sessions=sessions, fmt=fmt, redact=options["redact"], progress=bar
        )
        if output:
            self._write_file(Path(output), chunks)
        else:
            self._write_stdout(chunks)
        if bar is not None:
            bar.finish()
        if output:
            self.stderr.write(f"Exported {total} session(s) to {output}.")

    def _write_file(self, path: Path, chunks) -> None:
        """Write to PATH.part and rename at the end, so a failure leaves no half file."""
        if path.is_dir():
            raise CommandError(f"--output {path} is a directory; give a file name.")
        partial = path.with_name(path.name + ".part")
        try:
            with open(partial, "wb") as fh:
                for chunk in chunks:
                    fh.write(chunk)
            os.replace(partial, path)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise CommandError(f"Could not write {path}: {exc}") from exc
        except BaseException:
            partial.unlink(missing_ok=True)
            raise

    def _write_stdout(self, chunks) -> None:
        raw = self.stdout._out
        raw.flush()
        binary = getattr(raw, "buffer", None)
        for chunk in chunks:
            if binary is not None:
                binary.write(chunk)
            else:
                raw.write(chunk.decode())
        (binary or raw).flush()
