"""Admin of written reports (bài thu hoạch): hand-in, review, versions, files, copy flags."""

import csv
import io

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from openpyxl import Workbook

from reports_app.admin_filters import ReportLinksMixin
from reports_app.exports import neutralise
from sessions_app import access, audit, selectors, services
from sessions_app.admin_base import ScopedAdmin, UnitSubtreeFilter
from sessions_app.choices import CopyFlagStatus, ReportRating, ReportStatus
from sessions_app.forms import (
    CopyFlagDismissForm,
    DocumentOutlineForm,
    SendBackForm,
    WrittenReportForm,
)
from sessions_app.models import CopyFlag, Document, DocumentOutline, Organisation, WrittenReport
from sessions_app.models.scoping import user_scope_path
from sessions_app.report_files import CONTENT_TYPES, ascii_name, content_disposition


def report_for_user_or_404(user, pk) -> WrittenReport:
    """The report, if the user may see it (the one access rule for report files and pages)."""
    return access.get_for_user_or_404(WrittenReport, user, pk, "view")


def file_response(stored_file, *, name: str, kind: str) -> FileResponse:
    """A report file as a download: never inline, the type from its checked kind."""
    if not stored_file:
        raise Http404("Bài thu hoạch này không có tệp.")
    try:
        handle = stored_file.storage.open(stored_file.name, "rb")
    except FileNotFoundError as exc:
        raise Http404("Không tìm thấy tệp trên máy chủ.") from exc
    response = FileResponse(
        handle, content_type=CONTENT_TYPES.get(kind, "application/octet-stream")
    )
    response["Content-Disposition"] = content_disposition(name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def owed_unit_for(user, code: str | None) -> Organisation:
    """The unit whose owed list is asked for: by code within the user's subtree, else their own."""
    path = user_scope_path(user)
    if path is None:
        raise PermissionDenied
    units = Organisation.objects.filter(path__startswith=path)
    if code:
        unit = units.filter(code=code.strip()).first()
        if unit is None:
            raise Http404("Không tìm thấy đơn vị này trong phạm vi của bạn.")
        return unit
    profile = getattr(user, "staff_profile", None)
    if profile is not None and profile.unit_id:
        return profile.unit
    unit = units.order_by("path").first()
    if unit is None:
        raise Http404("Chưa có đơn vị nào.")
    return unit


OWED_HEADERS = [
    "Mã đảng viên",
    "Họ và tên",
    "Chi bộ",
    "Văn bản",
    "Ngày học",
    "Hạn nộp",
    "Tình trạng",
    "Lý do trả lại",
]


def owed_export(rows, *, unit, today, kind):
    """The owed list as CSV (UTF-8 with BOM, for Excel) or XLSX, formula-safe."""
    values = [
        [
            neutralise(v)
            for v in (
                row["obligation"].member.code,
                row["obligation"].member.full_name,
                row["obligation"].unit.name,
                row["obligation"].document.symbol,
                row["obligation"].studied_on.strftime("%d/%m/%Y"),
                row["obligation"].due_on.strftime("%d/%m/%Y"),
                row["state"],
                row["obligation"].report.reviewer_comment
                if row["obligation"].report
                and row["obligation"].report_status == ReportStatus.REVISION_REQUESTED
                else "",
            )
        ]
        for row in rows
    ]
    stem = ascii_name(f"bai thu hoach con no {unit.code} {today:%Y-%m-%d}.x").rsplit(".", 1)[0]
    if kind == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow(OWED_HEADERS)
        writer.writerows(values)
        response = HttpResponse(
            buffer.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
        return response
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Bài thu hoạch còn nợ"
    sheet.append(OWED_HEADERS)
    for line in values:
        sheet.append(line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{stem}.xlsx"'
    return response


@admin.action(description="Đánh giá Đạt các bài đã chọn", permissions=["change"])
def pass_selected(modeladmin, request, queryset):
    result = services.written_reports_review_many(
        reports=list(
            access.restrict(queryset, request.user, "change").select_related("member", "document")
        ),
        rating=ReportRating.PASS,
        by=request.user,
    )
    modeladmin.report_bulk(request, result, "Đã đánh giá Đạt")


@admin.action(
    description="Trả lại các bài đã chọn để viết lại (một lý do chung)", permissions=["change"]
)
def send_back_selected(modeladmin, request, queryset):
    form = SendBackForm(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        result = services.written_reports_review_many(
            reports=list(
                access.restrict(queryset, request.user, "change").select_related(
                    "member", "document"
                )
            ),
            status=ReportStatus.REVISION_REQUESTED,
            comment=form.cleaned_data["reason"],
            by=request.user,
        )
        modeladmin.report_bulk(request, result, "Đã trả lại để viết lại")
        return None
    return TemplateResponse(
        request,
        "admin/sessions_app/writtenreport/send_back.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": "Trả lại bài thu hoạch để viết lại",
            "opts": modeladmin.opts,
            "form": form,
            "reports": queryset.select_related("member", "document"),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        },
    )


@admin.register(WrittenReport)
class WrittenReportAdmin(ReportLinksMixin, ScopedAdmin):
    report_unit_lookup = "member__unit__path"
    report_lookups = frozenset(
        {
            "document__report_required__exact",
            "document__sessions__held_on__gte",
            "document__sessions__held_on__lte",
            "document__sessions__makeup_of__isnull",
        }
    )
    form = WrittenReportForm
    change_form_template = "admin/sessions_app/writtenreport/change_form.html"
    list_display = [
        "member",
        "document_symbol",
        "status",
        "rating",
        "submitted_on",
        "revision_count",
        "reviewed_on",
        "has_file",
        "open_copy_flags",
    ]
    list_select_related = ["member", "document"]
    list_filter = [UnitSubtreeFilter, "status", "rating", "relates_to_practice", "submitted_on"]
    date_hierarchy = "submitted_on"
    # Served by the (submitted_on, id) index: newest first without sorting by a joined name.
    ordering = ["-submitted_on", "-id"]
    folded_search_fields = ("member__search_text", "document__search_text")
    autocomplete_fields = ["member", "document", "session"]
    actions = [pass_selected, send_back_selected]
    # Set by the services: hand-in and review decide these.
    readonly_fields = [
        "status",
        "rating",
        "reviewer",
        "revision_count",
        "file_link",
        "versions_link",
        "copy_flags_list",
    ]
    fieldsets = [
        (None, {"fields": ["member", "document", "session"]}),
        (
            "Nộp bài",
            {
                "fields": [
                    "submitted_on",
                    "text",
                    "upload",
                    "file_link",
                    "relates_to_practice",
                    "action_plan",
                ]
            },
        ),
        (
            "Chấm bài",
            {
                "fields": [
                    "status",
                    "rating",
                    "decision",
                    "grade",
                    "reviewer_comment",
                    "reviewed_on",
                    "reviewer",
                    "revision_count",
                    "versions_link",
                ]
            },
        ),
        ("Kiểm tra sao chép", {"fields": ["copy_flags_list"]}),
    ]

    def get_queryset(self, request):
        open_flags = (
            CopyFlag.objects.filter(report=OuterRef("pk"), status=CopyFlagStatus.OPEN)
            .order_by()
            .values("report")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            super()
            .get_queryset(request)
            # A correlated count, not a join grouped over every report: PostgreSQL
            # evaluates it for the page's 50 rows only (after ORDER BY … LIMIT).
            .annotate(n_open_flags=Coalesce(Subquery(open_flags), 0))
        )

    @admin.display(description="văn bản", ordering="document__symbol")
    def document_symbol(self, report):
        return report.document.symbol

    @admin.display(description="có tệp", boolean=True)
    def has_file(self, report):
        return bool(report.file)

    @admin.display(description="nghi sao chép", ordering="n_open_flags")
    def open_copy_flags(self, report):
        return report.n_open_flags or ""

    @admin.display(description="tệp đã nộp")
    def file_link(self, report):
        if not report.pk or not report.file:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:sessions_app_writtenreport_file", args=[report.pk]),
            report.file_name or "Tải tệp",
        )

    @admin.display(description="các lần nộp")
    def versions_link(self, report):
        if not report.pk:
            return "—"
        count = report.versions.count()
        if not count:
            return "Chưa có lần nộp nào."
        return format_html(
            '<a href="{}">Xem {} lần nộp, mỗi lần cạnh lần trước</a>',
            reverse("admin:sessions_app_writtenreport_versions", args=[report.pk]),
            count,
        )

    @admin.display(description="cảnh báo")
    def copy_flags_list(self, report):
        if not report.pk:
            return "—"
        flags = selectors.copy_flags_of(report)
        if not flags:
            return "Không phát hiện bài nào giống."
        return format_html_join(
            "",
            '<p><a href="{}">{} – giống {}%</a> ({})</p>',
            (
                (
                    reverse("admin:sessions_app_writtenreport_copy", args=[report.pk, flag.pk]),
                    flag.get_source_display(),
                    round(flag.score * 100),
                    flag.get_status_display(),
                )
                for flag in flags
            ),
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [  # most specific first: object ids are <path:> in the admin
            path("con-no/", view(self.owed_view), name="sessions_app_writtenreport_owed"),
            path(
                "<path:object_id>/phien-ban/",
                view(self.versions_view),
                name="sessions_app_writtenreport_versions",
            ),
            path(
                "<path:object_id>/phien-ban/<int:number>/tep/",
                view(self.version_file_view),
                name="sessions_app_writtenreport_version_file",
            ),
            # After the version file: <path:> would swallow "1/phien-ban/1" otherwise.
            path(
                "<path:object_id>/tep/",
                view(self.file_view),
                name="sessions_app_writtenreport_file",
            ),
            path(
                "<path:object_id>/sao-chep/<int:flag_id>/",
                view(self.copy_view),
                name="sessions_app_writtenreport_copy",
            ),
            *super().get_urls(),
        ]

    def _visible_report(self, request, object_id) -> WrittenReport:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return report_for_user_or_404(request.user, object_id)

    def file_view(self, request, object_id):
        report = self._visible_report(request, object_id)
        return file_response(report.file, name=report.download_name(), kind=report.file_kind)

    def version_file_view(self, request, object_id, number):
        report = self._visible_report(request, object_id)
        version = report.versions.filter(number=number).first()
        if version is None:
            raise Http404("Không có lần nộp này.")
        name = report.download_name(version=number).rsplit(".", 1)[0]
        return file_response(
            version.file, name=f"{name}.{version.file_kind or 'bin'}", kind=version.file_kind
        )

    def versions_view(self, request, object_id):
        report = self._visible_report(request, object_id)
        return TemplateResponse(
            request,
            "admin/sessions_app/writtenreport/versions.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Các lần nộp: {report}",
                "opts": self.opts,
                "report": report,
                "pairs": selectors.report_version_pairs(report),
                "change_url": reverse("admin:sessions_app_writtenreport_change", args=[report.pk]),
            },
        )

    def copy_view(self, request, object_id, flag_id):
        report = self._visible_report(request, object_id)
        flag = selectors.copy_flags_of(report, pk=flag_id)
        if flag is None:
            raise Http404("Không có cảnh báo này.")
        may_dismiss = flag.is_open and access.allowed(request.user, "change", WrittenReport, report)
        form = CopyFlagDismissForm(request.POST or None) if may_dismiss else None
        if request.method == "POST":
            if not may_dismiss:
                raise PermissionDenied
            if form.is_valid():
                try:
                    services.copy_flag_dismiss(
                        flag=flag, reason=form.cleaned_data["reason"], by=request.user
                    )
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    self.message_user(request, "Đã bỏ qua cảnh báo sao chép.", messages.SUCCESS)
                    return HttpResponseRedirect(
                        reverse("admin:sessions_app_writtenreport_change", args=[report.pk])
                    )
        comparison = selectors.copy_comparison(flag, request.user)
        return TemplateResponse(
            request,
            "admin/sessions_app/writtenreport/copy.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Nghi sao chép: {report}",
                "opts": self.opts,
                "report": report,
                "flag": flag,
                "comparison": comparison,
                "form": form,
                "change_url": reverse("admin:sessions_app_writtenreport_change", args=[report.pk]),
            },
        )

    def owed_view(self, request):
        """Who under a unit has not handed in their report, or was sent back: page, print, files."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        unit = owed_unit_for(request.user, request.GET.get("don-vi"))
        document_id = request.GET.get("van-ban") or None
        if document_id is not None and not str(document_id).isdigit():
            document_id = None
        today = timezone.localdate()
        rows = [
            {"obligation": o, "state": selectors.owed_state(o, today), "overdue": o.due_on < today}
            for o in selectors.reports_owed(path=unit.path, document_id=document_id)
        ]
        output = request.GET.get("dinh-dang")
        if output in ("csv", "xlsx"):
            return owed_export(rows, unit=unit, today=today, kind=output)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Bài thu hoạch còn nợ: {unit.name}",
            "opts": self.opts,
            "unit": unit,
            "rows": rows,
            "today": today,
            "overdue": sum(1 for row in rows if row["overdue"]),
            "documents": Document.objects.filter(report_required=True).order_by(
                "-issued_on", "symbol"
            ),
            "document_id": str(document_id or ""),
            "query": request.GET.urlencode(),
        }
        template = (
            "admin/sessions_app/writtenreport/owed_print.html"
            if output == "in"
            else "admin/sessions_app/writtenreport/owed.html"
        )
        return TemplateResponse(request, template, context)

    def report_bulk(self, request, result, done_label):
        if result.done:
            self.message_user(
                request, f"{done_label} {len(result.done)} bài thu hoạch.", messages.SUCCESS
            )
        for report, reason in result.refused:
            self.message_user(request, f"Không thay đổi {report}: {reason}", messages.WARNING)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if form.is_submitting():
            services.written_report_submit(
                report=obj,
                submitted_on=data["submitted_on"],
                text=data.get("text") or "",
                action_plan=data.get("action_plan") or "",
                relates_to_practice=bool(data.get("relates_to_practice")),
                upload=data.get("upload"),
                by=request.user,
            )
        else:
            audit.attribute(obj, by=request.user)
            super().save_model(request, obj, form, change)
        decision = data.get("decision")
        if decision:
            services.written_report_review(
                report=obj,
                status=form.review_status(),
                rating="" if decision == "yeu_cau_sua" else decision,
                by=request.user,
                grade=data.get("grade"),
                comment=data.get("reviewer_comment") or "",
                reviewed_on=data.get("reviewed_on"),
            )


@admin.register(DocumentOutline)
class DocumentOutlineAdmin(ScopedAdmin):
    """The document's own text, pasted or uploaded, that reports are compared against.

    Shared reference data like the documents: staff who write may set it; only
    superusers delete it.
    """

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    list_display = ["document", "file_name", "updated_at", "updated_by"]
    list_select_related = ["document", "updated_by"]
    folded_search_fields = ("document__search_text",)
    readonly_fields = ["updated_at", "updated_by"]
    add_form_template = change_form_template = "admin/sessions_app/documentoutline/form.html"

    def has_add_permission(self, request, *args):
        return access.has_permissions(request.user, DocumentOutline, "add")

    def add_view(self, request, form_url="", extra_context=None):
        return self.outline_view(request, None)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return self.outline_view(request, object_id)

    def outline_view(self, request, object_id):
        outline = self.get_object(request, object_id) if object_id else None
        action = "change" if outline else "add"
        if request.method == "POST" and not access.has_permissions(
            request.user, DocumentOutline, action
        ):
            raise PermissionDenied
        documents = Document.objects.order_by("-issued_on", "symbol")
        form = DocumentOutlineForm(
            request.POST or None,
            request.FILES or None,
            initial={"text": outline.text if outline else ""},
        )
        document_id = request.POST.get("document") or (outline.document_id if outline else "")
        if request.method == "POST" and form.is_valid():
            document = documents.filter(pk=document_id).first() if document_id else None
            if document is None:
                form.add_error(None, "Phải chọn văn bản.")
            else:
                services.document_outline_save(
                    document=document,
                    text=form.cleaned_data.get("text") or "",
                    upload=form.cleaned_data.get("upload"),
                    by=request.user,
                )
                self.message_user(
                    request, f"Đã lưu nội dung {document.symbol} để so sánh.", messages.SUCCESS
                )
                return HttpResponseRedirect(
                    reverse("admin:sessions_app_documentoutline_changelist")
                )
        return TemplateResponse(
            request,
            "admin/sessions_app/documentoutline/form.html",
            {
                **self.admin_site.each_context(request),
                "title": "Nội dung văn bản để so sánh",
                "opts": self.opts,
                "form": form,
                "outline": outline,
                "documents": documents.only("pk", "symbol", "title"),
                "document_id": str(document_id),
                "may_save": access.has_permissions(
                    request.user, DocumentOutline, "change" if outline else "add"
                ),
            },
        )
