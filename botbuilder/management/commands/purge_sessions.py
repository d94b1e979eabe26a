"""Delete sessions, their transcripts and recordings once their bot's retention has passed."""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from botbuilder.exports.retention import (
    PURGE_BATCH_SIZE,
    default_retention_days,
    sessions_expired,
    sessions_purge,
)

# Sessions listed one by one in a dry run; more are only counted.
DRY_RUN_LIST_LIMIT = 200


class Command(BaseCommand):
    help = (
        "Delete sessions older than their bot's 'keep transcripts for (days)', with their "
        "transcript items and recording files. Sessions whose bot was deleted are kept for "
        "--default-retention-days (default: SESSION_DEFAULT_RETENTION_DAYS, 90)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List what would be deleted; delete nothing.",
        )
        parser.add_argument(
            "--default-retention-days",
            type=int,
            default=None,
            metavar="DAYS",
            help="Retention for sessions whose bot was deleted.",
        )
        parser.add_argument(
            "--batch-size", type=int, default=PURGE_BATCH_SIZE, metavar="N"
        )

    def handle(self, *args, **options) -> None:
        default_days = options["default_retention_days"]
        if default_days is None:
            default_days = default_retention_days()
        if default_days < 1:
            raise CommandError("--default-retention-days must be at least 1.")
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        now = timezone.now()
        if options["dry_run"]:
            self._dry_run(now, default_days)
            return
        result = sessions_purge(
            now=now, default_days=default_days, batch_size=options["batch_size"]
        )
        self.stdout.write(
            f"Deleted {result.sessions} session(s), {result.items} transcript item(s) and "
            f"{result.recordings} recording file(s)."
        )
        if result.missing_recordings:
            self.stdout.write(
                f"{result.missing_recordings} recording file(s) were already gone."
            )
        if result.failed_recordings:
            names = ", ".join(result.failed_recordings)
            raise CommandError(f"Could not delete these recording files: {names}")

    def _dry_run(self, now, default_days: int) -> None:
        expired = sessions_expired(now=now, default_days=default_days).select_related(
            "bot"
        )
        total = expired.count()
        recordings = expired.exclude(recording="").count()
        for session in expired[:DRY_RUN_LIST_LIMIT]:
            bot = (
                session.bot.slug
                if session.bot_id
                else f"(deleted bot: {session.bot_name})"
            )
            extra = f" + {session.recording.name}" if session.recording else ""
            self.stdout.write(
                f"{session.pk}  {bot}  started {session.started_at:%Y-%m-%d %H:%M}{extra}"
            )
        if total > DRY_RUN_LIST_LIMIT:
            self.stdout.write(f"... and {total - DRY_RUN_LIST_LIMIT} more.")
        self.stdout.write(
            f"Dry run: {total} session(s) and {recordings} recording file(s) would be deleted."
        )
