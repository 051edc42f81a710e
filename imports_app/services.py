"""The life of an import job: uploaded, checked (the preview), confirmed once, written.

Every change of a job's state happens here, never in a view: a view asks for the
transition and the task runs the work. Whatever goes wrong on the way, the job ends in a
state the user can read (INVALID with the rows to fix, or FAILED), never "running" forever.
"""

import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, connections, transaction
from django.utils import timezone

from imports_app.engine import ImportRefused, import_run, read_table
from imports_app.kinds import IMPORTERS
from imports_app.models import ImportJob, ImportJobStatus
from sessions_app.models import StudySession

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 1000
FAILED_MESSAGE = (
    "Có lỗi không lường trước khi xử lý tệp (lượt nhập số {id}); chưa ghi dòng nào. "
    "Lỗi đã được ghi vào nhật ký để người quản trị kiểm tra; bạn có thể tải tệp lên lại."
)


def import_job_create(
    *, user, kind: str, name: str, data: bytes, context_id=None, encoding="", delimiter=""
) -> ImportJob:
    """Keep the uploaded file and start its check (in the background where configured)."""
    job = ImportJob(
        user=user,
        kind=kind,
        context_id=context_id,
        original_name=name[:255],
        encoding=encoding,
        delimiter=delimiter,
    )
    job.file.save(name, ContentFile(data), save=False)
    job.save()
    _enqueue_check(job.pk, size=len(data))
    return job


def import_job_pick_sheet(*, job: ImportJob, sheet: str) -> bool:
    """Check the file again from another sheet; only a job that is not running may."""
    moved = ImportJob.objects.filter(
        pk=job.pk, status__in=[ImportJobStatus.READY, ImportJobStatus.INVALID]
    ).update(status=ImportJobStatus.CHECKING, sheet=sheet[:100], rows_done=0)
    if moved:
        _enqueue_check(job.pk, size=job.file.size if job.file else 0)
    return bool(moved)


def import_job_confirm(*, job: ImportJob) -> bool:
    """Start writing a checked job. Exactly one request wins: the state moves from READY to
    WRITING in one conditional UPDATE, so a double click or two tabs write once; the
    loser is told the job is already running or done."""
    moved = ImportJob.objects.filter(pk=job.pk, status=ImportJobStatus.READY).update(
        status=ImportJobStatus.WRITING, rows_done=0
    )
    if moved:
        from imports_app.tasks import import_job_write

        rows = job.report.get("rows", 0)
        import_job_write.using(backend=_backend_for(rows)).enqueue(job.pk)
    return bool(moved)


# Bytes a row of a roster takes in a CSV, to tell a small upload before it is read.
BYTES_PER_ROW = 150


def _backend_for(rows: int) -> str:
    """Small jobs run at once in the request; bigger ones go to the default backend, which
    is the background queue in production (settings.TASKS)."""
    return "inline" if rows <= settings.IMPORT_BACKGROUND_ROWS else "default"


def _enqueue_check(job_id: int, *, size: int) -> None:
    from imports_app.tasks import import_job_check

    rows = size // BYTES_PER_ROW
    import_job_check.using(backend=_backend_for(rows)).enqueue(job_id)


def importer_for(job: ImportJob):
    context = None
    if job.context_id is not None:
        context = StudySession.objects.filter(pk=job.context_id).first()
    importer = IMPORTERS[job.kind](user=job.user, context=context)
    importer.source_name = job.original_name
    return importer


def import_job_run(job_id: int, *, dry_run: bool) -> None:
    """The task's body: the preview (dry_run) or the confirmed write.

    Any unexpected exception ends the job FAILED with a Vietnamese message and the detail
    in the log, then propagates so the task is marked failed too.
    """
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    expected = ImportJobStatus.CHECKING if dry_run else ImportJobStatus.WRITING
    if job.status != expected:
        return  # a duplicate or stale task: the job has moved on
    progress = _ProgressWriter(job.pk)
    try:
        report = _run(job, dry_run=dry_run, progress=progress)
    except Exception:
        logger.exception("Import job %s (%s) failed", job.pk, job.kind)
        _finish(
            job, {"errors": [[0, "", FAILED_MESSAGE.format(id=job.pk)]], "rows": 0}, failed=True
        )
        raise
    finally:
        progress.close()
    _finish(job, report, dry_run=dry_run)


def _run(job: ImportJob, *, dry_run: bool, progress) -> dict:
    with job.file.open("rb") as handle:
        data = handle.read()
    try:
        table = read_table(data, encoding=job.encoding or None, delimiter=job.delimiter or None)
        report = import_run(
            importer_for(job),
            table,
            dry_run=dry_run,
            progress=progress,
            sheet=job.sheet,
            seen_versions=None if dry_run else job.seen_versions,
        )
    except ImportRefused as refusal:
        return {"errors": [[0, "", refusal.message]], "rows": 0}
    result = report.as_dict()
    if dry_run:
        result["seen_versions"] = report.versions
    return result


@transaction.atomic
def _finish(job: ImportJob, report: dict, *, dry_run: bool = True, failed: bool = False) -> None:
    seen_versions = report.pop("seen_versions", None)
    job.report = report
    job.rows_done = report.get("rows", 0)
    if failed:
        job.status = ImportJobStatus.FAILED
    elif report["errors"]:
        job.status = ImportJobStatus.INVALID
    else:
        job.status = ImportJobStatus.READY if dry_run else ImportJobStatus.DONE
    job.finished_at = timezone.now()
    fields = ["report", "rows_done", "status", "finished_at"]
    if seen_versions is not None:
        job.seen_versions = seen_versions
        fields.append("seen_versions")
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
