"""End sessions whose worker stopped beating (killed or crashed): failed, "worker lost"."""

from django.core.management.base import BaseCommand

from botbuilder.services.heartbeats import lost_after_s, sessions_sweep_lost


class Command(BaseCommand):
    help = "End active sessions whose worker stopped sending heartbeats."

    def add_arguments(self, parser):
        parser.add_argument(
            "--stale-after",
            type=float,
            default=None,
            help="Seconds without a heartbeat (default SESSION_LOST_AFTER_S).",
        )

    def handle(self, *args, **options):
        stale = options["stale_after"] or lost_after_s()
        ended = sessions_sweep_lost(stale_after_s=stale)
        self.stdout.write(f"Ended {len(ended)} session(s) of lost workers.")
        for session_id in ended:
            self.stdout.write(f"  {session_id}")
