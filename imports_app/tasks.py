"""Import jobs as tasks: run by the db_worker in production, at once in tests and development."""

from django.tasks import task

from imports_app.services import import_job_run


@task
def import_job_check(job_id: int) -> None:
    """The preview: check every row, write nothing."""
    import_job_run(job_id, dry_run=True)


@task
def import_job_write(job_id: int) -> None:
    """The confirmed import: check again (the data may have moved) and write in one transaction."""
    import_job_run(job_id, dry_run=False)
