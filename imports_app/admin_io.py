"""Import and export in the admin: upload, preview, confirm; templates; filtered exports.

The views only ask imports_app/services.py for a job's transitions. imports_app/admin.py
adds `RecordIOMixin` (with the kind's `io_kind`) to the admin of each kind's model and
`SessionAttendanceIOMixin` to the StudySession admin: sessions_app never imports this app.
"""

import tablib
from django import forms
from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import capfirst

from imports_app import services as job_services
from imports_app.engine import (
    DELIMITERS,
    ENCODINGS,
    ImportRefused,
    ImportReport,
    locate_header,
    max_import_bytes,
    neutralise_formula,
    read_table,
)
from imports_app.kinds import IMPORTERS, RESOURCES
from imports_app.models import ImportJob, ImportJobStatus
from sessions_app import access
from sessions_app.collation import roster_order
from sessions_app.models import Attendance, Organisation, StudySession
from sessions_app.text import download_name, sheet_title

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERRORS_SHOWN = 1000


class ImportFileForm(forms.Form):
    file = forms.FileField(
        label="Tệp CSV hoặc Excel (.xlsx)",
        error_messages={
            "empty": "Tệp rỗng, không có dữ liệu.",
            "required": "Hãy chọn tệp để tải lên.",
        },
    )
    encoding = forms.ChoiceField(
        label="Bảng mã (tệp CSV)",
        choices=[("", "Tự nhận biết"), *ENCODINGS.items()],
        required=False,
    )
    delimiter = forms.ChoiceField(
        label="Dấu phân cách cột (tệp CSV)",
        choices=[("", "Tự nhận biết"), *DELIMITERS.items()],
        required=False,
    )

    def __init__(self, *args, importer_class, **kwargs):
        super().__init__(*args, **kwargs)
        self.importer_class = importer_class
        self.data_bytes = b""

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is None:
            return cleaned
        if upload.size > max_import_bytes():
            limit = max_import_bytes() // (1024 * 1024)
            raise forms.ValidationError(f"Tệp quá lớn: tối đa {limit} MB.")
        self.data_bytes = upload.read()
        try:
            table = read_table(
                self.data_bytes,
                encoding=cleaned.get("encoding") or None,
                delimiter=cleaned.get("delimiter") or None,
            )
            # The header is checked now, so a wrong file is refused on the form at once.
            locate_header(self.importer_class(user=None), table, ImportReport())
        except ImportRefused as refusal:
            raise forms.ValidationError(refusal.message) from refusal
        return cleaned


def spreadsheet_response(
    dataset: tablib.Dataset, file_format: str, name: str, *, sheet: str = ""
) -> HttpResponse:
    """CSV with a UTF-8 BOM (Excel then shows Vietnamese) or XLSX; formulas neutralised.

    `name` is the file name without extension (text.download_name); `sheet` names the XLSX
    sheet, which tablib would otherwise call "Tablib Dataset".
    """
    safe = tablib.Dataset(headers=dataset.headers, title=sheet_title(sheet or name))
    for row in dataset:
        safe.append([neutralise_formula(value) for value in row])
    if file_format == "xlsx":
        response = HttpResponse(safe.export("xlsx"), content_type=XLSX_TYPE)
    elif file_format == "csv":
        response = HttpResponse(("\ufeff" + safe.export("csv")).encode(), content_type=CSV_TYPE)
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{download_name(name)}.{file_format}"'
    return response


def template_dataset(importer_class) -> tablib.Dataset:
    dataset = tablib.Dataset(headers=importer_class.headers())
    dataset.append(importer_class.example_row())
    return dataset


class ImportFlow:
    """The upload → preview → confirm → progress pages, shared by both mixins."""

    def io_start(self, request, *, kind: str, context_id=None, back_url: str, title: str):
        importer_class = IMPORTERS[kind]
        form = ImportFileForm(
            request.POST or None, request.FILES or None, importer_class=importer_class
        )
        if request.method == "POST" and form.is_valid():
            job = job_services.import_job_create(
                user=request.user,
                kind=kind,
                name=form.cleaned_data["file"].name,
                data=form.data_bytes,
                context_id=context_id,
                encoding=form.cleaned_data["encoding"],
                delimiter=form.cleaned_data["delimiter"],
            )
            return redirect(request.path.rstrip("/") + f"/{job.pk}/")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "form": form,
            "columns": importer_class.columns,
            "back_url": back_url,
            "template_csv": request.path.rstrip("/") + "/mau.csv",
            "template_xlsx": request.path.rstrip("/") + "/mau.xlsx",
            "max_mb": max_import_bytes() // (1024 * 1024),
        }
        return TemplateResponse(request, "admin/io/import.html", context)

    def io_job(self, request, job_id: int, *, back_url: str, title: str):
        job = get_object_or_404(ImportJob, pk=job_id, user=request.user)
        if request.method == "POST":
            if "sheet" in request.POST:
                if not job_services.import_job_pick_sheet(job=job, sheet=request.POST["sheet"]):
                    messages.error(request, "Lượt nhập này đang chạy, chưa đổi được trang tính.")
            elif not job_services.import_job_confirm(job=job):
                messages.warning(request, _not_waiting_message(job))
            else:
                job.refresh_from_db()
                if job.status == ImportJobStatus.DONE:
                    messages.success(request, _done_message(job))
            return redirect(request.path)
        errors = job.report.get("errors", [])
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "job": job,
            "report": job.report,
            "errors": [_error_text(e) for e in errors[:ERRORS_SHOWN]],
            "errors_hidden": max(0, len(errors) - ERRORS_SHOWN),
            "back_url": back_url,
            "restart_url": request.path.rstrip("/").rsplit("/", 1)[0] + "/",
        }
        return TemplateResponse(request, "admin/io/import_job.html", context)

    def io_template(self, request, *, kind: str, file_format: str):
        importer_class = IMPORTERS[kind]
        name = download_name(f"Mẫu nhập {importer_class.title}")
        return spreadsheet_response(
            template_dataset(importer_class), file_format, name, sheet=f"Mẫu {importer_class.title}"
        )


def _error_text(error) -> str:
    row, column, message = error
    where = f"Dòng {row}" if row else "Tệp"
    return f"{where}, cột “{column}”: {message}" if column else f"{where}: {message}"


def _not_waiting_message(job: ImportJob) -> str:
    job.refresh_from_db(fields=["status", "report"])
    if job.status == ImportJobStatus.WRITING:
        return "Lượt nhập này đang được ghi (có thể bạn đã bấm xác nhận hai lần); hãy chờ."
    if job.status == ImportJobStatus.DONE:
        return "Lượt nhập này đã được xác nhận trước đó. " + _done_message(job)
    return "Lượt nhập này không còn chờ xác nhận."


def _done_message(job: ImportJob) -> str:
    counts = job.report.get("counts", {})
    return (
        f"Đã nhập xong {job.report.get('rows', 0)} dòng: {counts.get('new', 0)} mới, "
        f"{counts.get('changed', 0)} thay đổi, {counts.get('unchanged', 0)} không đổi"
        + (f", {counts['skipped']} bỏ qua." if counts.get("skipped") else ".")
    )


class RecordIOMixin(ImportFlow):
    """Import from and export to CSV/XLSX on a model's changelist."""

    io_kind: str = ""
    io_import = True  # False where rows need a context (attendance: import from the session)
    change_list_template = "admin/io/change_list.html"

    def get_urls(self):
        prefix = f"{self.model._meta.app_label}_{self.model._meta.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path("nhap-tu-tep/", wrap(self.import_view), name=f"{prefix}_import"),
            path(
                "nhap-tu-tep/mau.<str:file_format>",
                wrap(self.template_view),
                name=f"{prefix}_import_template",
            ),
            path(
                "nhap-tu-tep/<int:job_id>/",
                wrap(self.import_job_view),
                name=f"{prefix}_import_job",
            ),
            path("xuat.<str:file_format>", wrap(self.export_view), name=f"{prefix}_export"),
            *super().get_urls(),
        ]

    def has_import_permission(self, request) -> bool:
        return self.io_import and access.has_permissions(request.user, self.model, "import")

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "has_import_permission": self.has_import_permission(request),
        }
        return super().changelist_view(request, extra_context)

    def _changelist_url(self):
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")

    def _title(self) -> str:
        return f"Nhập {IMPORTERS[self.io_kind].title} từ tệp CSV hoặc Excel"

    def import_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        return self.io_start(
            request, kind=self.io_kind, back_url=self._changelist_url(), title=self._title()
        )

    def import_job_view(self, request, job_id: int):
        if not self.has_import_permission(request):
            raise PermissionDenied
        return self.io_job(request, job_id, back_url=self._changelist_url(), title=self._title())

    def template_view(self, request, file_format: str):
        return self.io_template(request, kind=self.io_kind, file_format=file_format)

    def export_view(self, request, file_format: str):
        if not access.has_permissions(request.user, self.model, "export"):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            messages.error(request, "Bộ lọc không hợp lệ.")
            return HttpResponseRedirect(self._changelist_url())
        # The changelist's queryset carries the admin's current filters and search.
        queryset = changelist.get_queryset(request)
        dataset = RESOURCES[self.io_kind](user=request.user).export(queryset)
        title = str(self.model._meta.verbose_name_plural)
        unit = export_unit(request)
        name = download_name(title, unit.name if unit else "", day=timezone.localdate())
        return spreadsheet_response(dataset, file_format, name, sheet=capfirst(title))


class SessionAttendanceIOMixin(ImportFlow):
    """On a study session: import and export its attendance list (member code and status)."""

    change_form_template = "admin/io/session_change_form.html"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:object_id>/diem-danh/nhap-tu-tep/",
                wrap(self.attendance_import_view),
                name="sessions_app_studysession_attendance_import",
            ),
            path(
                "<int:object_id>/diem-danh/nhap-tu-tep/mau.<str:file_format>",
                wrap(self.attendance_template_view),
                name="sessions_app_studysession_attendance_template",
            ),
            path(
                "<int:object_id>/diem-danh/nhap-tu-tep/<int:job_id>/",
                wrap(self.attendance_job_view),
                name="sessions_app_studysession_attendance_job",
            ),
            path(
                "<int:object_id>/diem-danh/xuat.<str:file_format>",
                wrap(self.attendance_export_view),
                name="sessions_app_studysession_attendance_export",
            ),
            *super().get_urls(),
        ]

    def has_attendance_permission(self, request, session) -> bool:
        """Recording attendance at a visible session needs a writing role, not the session
        itself: a cell records its members at the district's session it may not edit.
        Which members it may record is the service's rule (its own subtree)."""
        return access.has_permissions(request.user, Attendance, "import")

    def _session_for(self, request, object_id: int, *, change: bool) -> StudySession:
        session = access.get_for_user_or_404(StudySession, request.user, object_id, "view")
        allowed = (
            self.has_attendance_permission(request, session)
            if change
            else self.has_view_permission(request, session)
        )
        if not allowed:
            raise PermissionDenied
        return session

    def _back(self, session) -> str:
        return reverse("admin:sessions_app_studysession_change", args=[session.pk])

    def attendance_import_view(self, request, object_id: int):
        session = self._session_for(request, object_id, change=True)
        return self.io_start(
            request,
            kind="attendance",
            context_id=session.pk,
            back_url=self._back(session),
            title=f"Nhập điểm danh hội nghị “{session}” từ tệp",
        )

    def attendance_job_view(self, request, object_id: int, job_id: int):
        session = self._session_for(request, object_id, change=True)
        return self.io_job(
            request, job_id, back_url=self._back(session), title=f"Nhập điểm danh “{session}”"
        )

    def attendance_template_view(self, request, object_id: int, file_format: str):
        self._session_for(request, object_id, change=False)  # another unit's session: 404
        return self.io_template(request, kind="attendance", file_format=file_format)

    def attendance_export_view(self, request, object_id: int, file_format: str):
        session = self._session_for(request, object_id, change=False)
        queryset = Attendance.objects.filter(session=session).order_by(*roster_order("member__"))
        dataset = RESOURCES["attendance"](user=request.user).export(queryset)
        name = download_name("Điểm danh", session.title, day=session.held_on)
        return spreadsheet_response(dataset, file_format, name, sheet="Điểm danh")


def export_unit(request) -> Organisation | None:
    """The unit an export is about: the one chosen in the list's unit filter, else the user's."""
    chosen = request.GET.get("don_vi", "")
    if chosen.isdigit():
        unit = (
            access.restrict(Organisation.objects.all(), request.user, "view")
            .filter(pk=chosen)
            .first()
        )
        if unit is not None:
            return unit
    profile = getattr(request.user, "staff_profile", None)
    return profile.unit if profile is not None else None


def write_bytes(dataset: tablib.Dataset, file_format: str) -> bytes:
    """The bytes an export download carries (used by the round-trip test and the bench)."""
    return spreadsheet_response(dataset, file_format, "x").content
