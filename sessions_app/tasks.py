"""Tasks of the study log (django.tasks): scheduled by cron through db_worker, or run at once."""

from django.tasks import task
from django.utils import timezone

from sessions_app.reminders import reminders_send


@task
def reminders_send_task(days: int | None = None) -> dict:
    """The daily reminders, as a task; returns what the run did."""
    run = reminders_send(today=timezone.localdate(), days=days)
    return {"sent": run.sent, "skipped": run.skipped, "failed": run.failed}
