"""Import jobs as tasks: run by the db_worker in production, at once in tests and development."""

from django.db import connection, connections
from django.tasks import task
from django.utils import timezone

from imports_app.models import ImportJob, ImportJobStatus
from sessions_app.importers import IMPORTERS
from sessions_app.imports import ImportRefused, import_run, read_table
from sessions_app.models import StudySession

PROGRESS_EVERY = 1000


@task
def import_job_check(job_id: int) -> None:
    """The preview: check every row, write nothing."""
    _run(job_id, dry_run=True)


@task
def import_job_write(job_id: int) -> None:
    """The confirmed import: check again (the data may have moved) and write in one transaction."""
    _run(job_id, dry_run=False)


def importer_for(job: ImportJob):
    context = None
    if job.context_id is not None:
        context = StudySession.objects.filter(pk=job.context_id).first()
    importer = IMPORTERS[job.kind](user=job.user, context=context)
    importer.source_name = job.original_name
    return importer


def _run(job_id: int, *, dry_run: bool) -> None:
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    with job.file.open("rb") as handle:
        data = handle.read()
    progress = _ProgressWriter(job.pk)
    try:
        table = read_table(data, encoding=job.encoding or None, delimiter=job.delimiter or None)
        report = import_run(importer_for(job), table, dry_run=dry_run, progress=progress)
        report_dict = report.as_dict()
    except ImportRefused as refusal:
        report_dict = {"errors": [[0, "", refusal.message]], "rows": 0}
    finally:
        progress.close()
    job.report = report_dict
    job.rows_done = report_dict.get("rows", 0)
    if report_dict["errors"]:
        job.status = ImportJobStatus.INVALID
    else:
        job.status = ImportJobStatus.READY if dry_run else ImportJobStatus.DONE
    job.finished_at = timezone.now()
    fields = ["report", "rows_done", "status", "finished_at"]
    if job.status == ImportJobStatus.DONE:
        job.file.delete(save=False)  # written: the upload is no longer needed
        fields.append("file")
    job.save(update_fields=fields)


class _ProgressWriter:
    """Writes the rows done so far where the page can see them.

    The import itself runs inside one transaction, so on PostgreSQL the progress goes
    through a second connection that commits on its own. SQLite (development) allows one
    writer at a time: there the count appears when the job ends.
    """

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.connection = None
        if connection.vendor == "postgresql":
            self.connection = connections.create_connection("default")

    def __call__(self, rows_done: int) -> None:
        if self.connection is None or rows_done % PROGRESS_EVERY:
            return
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {ImportJob._meta.db_table} SET rows_done = %s WHERE id = %s",
                [rows_done, self.job_id],
            )

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
