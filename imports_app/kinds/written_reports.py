"""Statuses of written reports, by member code and document symbol."""

from typing import Any

from imports_app.engine import (
    CellError,
    Column,
    ImportReport,
    RecordPlan,
    Row,
    changed_fields,
    choice_parser,
    parse_bool,
    parse_date,
    parse_decimal,
    parse_int,
    text_parser,
)
from imports_app.kinds.common import (
    Kind,
    RecordImporter,
    constraint_message,
    member_code_column,
    out_of_scope,
    parse_document_symbol,
)
from imports_app.resources import DecimalCommaWidget, ScopedResource, export_resource
from sessions_app import access
from sessions_app.choices import (
    ReportStatus,
)
from sessions_app.models import (
    Document,
    Member,
    WrittenReport,
)

REPORT_FIELDS = [
    "status",
    "submitted_on",
    "relates_to_practice",
    "action_plan",
    "grade",
    "reviewed_on",
    "reviewer_comment",
    "revision_count",
]


def parse_grade(value: Any):

    grade = parse_decimal(value)
    if not 0 <= grade <= 10:
        raise CellError("Điểm phải trong khoảng 0–10.")
    return grade.quantize(grade.__class__("0.01"))


class WrittenReportImporter(RecordImporter):
    """Statuses of written reports, by member code and document symbol."""

    kind = "written_reports"
    title = "bài thu hoạch"
    columns = [
        member_code_column(),
        Column(
            "Số ký hiệu văn bản",
            "symbol",
            parse_document_symbol,
            required=True,
            example="114-QĐ/TW",
            export="document__symbol",
        ),
        Column("Khóa văn bản", "term", text_parser(10), example="XIII", export="document__term"),
        Column("Tình trạng", "status", choice_parser(ReportStatus), required=True, example="Đạt"),
        Column("Ngày nộp", "submitted_on", parse_date, example="20/09/2023", default=None),
        Column(
            "Có liên hệ thực tế", "relates_to_practice", parse_bool, example="Có", default=False
        ),
        Column("Kế hoạch hành động", "action_plan", text_parser(10_000), example=""),
        Column("Điểm", "grade", parse_grade, example="8,5", default=None),
        Column("Ngày chấm", "reviewed_on", parse_date, example="25/09/2023", default=None),
        Column("Nhận xét của người chấm", "reviewer_comment", text_parser(10_000), example=""),
        Column("Số lần viết lại", "revision_count", parse_int, example="0", default=0),
    ]

    def __init__(self, *, user, context=None):
        super().__init__(user=user, context=context)
        self.seen: set[tuple[str, str, str]] = set()

    def prepare(self, rows: list[Row], report: ImportReport) -> RecordPlan:
        ok_rows = [row for row in rows if row.ok]
        codes = {row.values["code"] for row in ok_rows}
        members = {
            m.code: m
            for m in access.restrict(Member.objects.all(), self.user, "change").filter(
                code__in=codes
            )
        }
        documents = {
            (d.symbol, d.term): d
            for d in Document.objects.filter(symbol__in={r.values["symbol"] for r in ok_rows})
        }
        existing = {
            (r.member_id, r.document_id): r
            for r in self.lock(
                WrittenReport.objects.filter(
                    member__in=members.values(), document__in=documents.values()
                )
            )
        }
        fields = [n for n in REPORT_FIELDS if any(n in row.values for row in rows)]
        plan = RecordPlan(update_fields=fields)
        for row in ok_rows:
            values = row.values
            key = (values["code"], values["symbol"], values.get("term", ""))
            member, document = members.get(key[0]), documents.get(key[1:])
            if key in self.seen:
                report.error(
                    row,
                    "Mã đảng viên",
                    "Bài thu hoạch của đảng viên này cho văn bản này xuất hiện hai lần trong tệp.",
                )
                continue
            self.seen.add(key)
            if member is None:
                report.error(row, "Mã đảng viên", out_of_scope(key[0], "đảng viên"))
            if document is None:
                report.error(
                    row, "Số ký hiệu văn bản", f"Không có văn bản “{key[1]}” khóa “{key[2]}”."
                )
            if member and document:
                current = existing.get((member.pk, document.pk))
                self._plan_row(row, member, document, current, fields, plan, report)
        return plan

    def _plan_row(self, row, member, document, current, fields, plan, report) -> None:
        values, label = row.values, f"{member} – {document.symbol}"
        wr = current or WrittenReport(member=member, document=document)
        changed = changed_fields(wr, values, fields)
        for name in changed:
            setattr(wr, name, values[name])
        if not self._check(row, wr, member, report):
            return
        if current is None:
            plan.creates.append(wr)
            report.classify(row, "new", label)
        elif changed:
            plan.updates.append(wr)
            report.classify(row, "changed", label, map(self.header_of, changed), record=current)
        else:
            report.classify(row, "unchanged", label, record=current)

    def _check(self, row, wr: WrittenReport, member: Member, report) -> bool:
        if wr.status != ReportStatus.NOT_SUBMITTED and wr.submitted_on is None:
            report.error(
                row, "Ngày nộp", constraint_message(WrittenReport, "report_submitted_has_date")
            )
        if wr.reviewed_on and (wr.submitted_on is None or wr.reviewed_on < wr.submitted_on):
            report.error(
                row,
                "Ngày chấm",
                constraint_message(WrittenReport, "report_reviewed_after_submitted"),
            )
        if wr.lacks_required_action_plan():
            report.error(row, "Kế hoạch hành động", WrittenReport.LEADER_PLAN_MESSAGE)
        return row.ok


class WrittenReportExport(ScopedResource):
    def related(self, queryset):
        return queryset.select_related("member", "document")


KIND = Kind(
    importer=WrittenReportImporter,
    resource=export_resource(
        WrittenReportImporter,
        WrittenReport,
        WrittenReportExport,
        widgets={"grade": DecimalCommaWidget()},
    ),
    model=WrittenReport,
)
