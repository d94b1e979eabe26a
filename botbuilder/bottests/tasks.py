"""Background jobs (django-tasks, database backend): one bot's test run."""

from django.db import transaction
from django_tasks import task

from botbuilder.bottests import services
from botbuilder.models import Bot, BotTestRun


@task()
def run_bot_tests(run_id: int) -> str:
    """Execute one queued test run."""
    return services.run_execute(run_id=run_id).status


def run_enqueue(*, bot: Bot, mode: str = "text", requested_by=None) -> BotTestRun:
    """A queued run of the bot's tests, sent to the worker once the transaction commits."""
    run = services.run_create(bot=bot, mode=mode, requested_by=requested_by)
    transaction.on_commit(lambda: run_bot_tests.enqueue(run_id=run.pk))
    return run
