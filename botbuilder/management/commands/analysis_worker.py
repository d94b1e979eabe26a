"""Run the background jobs (post-call analysis, webhooks): django-tasks-db's db_worker,
after putting back jobs a dead worker on this host had claimed.

django-tasks-db leaves a job RUNNING forever when its worker is killed (SIGKILL, power
loss). This command names its worker `<host>:<pid>`; on start, every RUNNING job whose
worker on this host is no longer alive goes back to READY, so it runs again. Jobs claimed
on other hosts are left alone (their own worker recovers them when it restarts).
"""

import logging
import os
import socket

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

WORKER_ID_MAX_CHARS = 64  # db_worker's limit


def worker_id(pid: int | None = None) -> str:
    """This process's worker id: host name and process id."""
    host = socket.gethostname()[: WORKER_ID_MAX_CHARS - 12]
    return f"{host}:{pid or os.getpid()}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def recover_orphaned_jobs() -> int:
    """Put RUNNING jobs of dead workers on this host back in the queue; how many."""
    prefix = worker_id(1).rsplit(":", 1)[0] + ":"
    recovered = 0
    with transaction.atomic():
        running = DBTaskResult.objects.select_for_update().filter(
            status=TaskResultStatus.RUNNING
        )
        for job in running:
            last = (job.worker_ids or [""])[-1]
            pid = last[len(prefix) :] if last.startswith(prefix) else ""
            if pid.isdigit() and not _alive(int(pid)):
                job.status, job.started_at = TaskResultStatus.READY, None
                job.save(update_fields=["status", "started_at"])
                recovered += 1
    return recovered


class Command(BaseCommand):
    help = "Run post-call analysis and webhook jobs (restarts jobs of dead workers)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch", action="store_true", help="Run what is due, then exit."
        )
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds between polls."
        )

    def handle(self, *args, batch: bool, interval: float, **options):
        recovered = recover_orphaned_jobs()
        if recovered:
            logger.warning("Re-queued %d job(s) of a worker that died", recovered)
        call_command(
            "db_worker",
            worker_id=worker_id(),
            batch=batch,
            interval=interval,
            reload=False,
            startup_delay=False,
            verbosity=options.get("verbosity", 1),
        )
