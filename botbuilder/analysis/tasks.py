"""Background jobs (django-tasks, database backend): the analysis and webhook attempts.

Each job is one attempt; a retry is a new job with `run_after` set (the backoff), so a
pending retry survives a restart like any other job. Job bodies are services.
"""

from django_tasks import task

from botbuilder.analysis import services, webhook


@task()
def run_analysis(session_id: str, attempt: int = 1) -> str:
    """Analyse one ended session (attempt `attempt`)."""
    return services.analysis_run(session_id=session_id, attempt=attempt)


@task()
def deliver_webhook(delivery_id: int, attempt: int = 1) -> str:
    """Send one attempt of an end-of-call webhook delivery."""
    return webhook.webhook_deliver(delivery_id=delivery_id, attempt=attempt)
