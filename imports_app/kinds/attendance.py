"""The attendance list of one study session, by member code."""

from dataclasses import dataclass, field

from imports_app.engine import (
    Column,
    Importer,
    ImportReport,
    Row,
    choice_parser,
    text_parser,
)
from imports_app.kinds.common import Kind, member_code_column, out_of_scope
from imports_app.resources import ScopedResource, export_resource
from sessions_app import access, services
from sessions_app.choices import (
    AttendanceStatus,
)
from sessions_app.models import (
    Attendance,
    Member,
    StudySession,
)


@dataclass
class AttendancePlan:
    statuses: dict[int, str] = field(default_factory=dict)
    notes: dict[int, str] = field(default_factory=dict)


class AttendanceImporter(Importer):
    """The attendance list of one session (the import is started from that session)."""

    kind = "attendance"
    title = "điểm danh"
    columns = [
        member_code_column(),
        Column(
            "Họ và tên",
            "full_name",
            text_parser(200),
            example="Nguyễn Văn An",
            export="member__full_name",
        ),
        Column(
            "Điểm danh",
            "status",
            choice_parser(AttendanceStatus),
            required=True,
            example="Có mặt",
        ),
        Column("Ghi chú", "note", text_parser(300), example=""),
    ]

    def __init__(self, *, user, context: StudySession | None = None):
        super().__init__(user=user, context=context)
        self.seen: set[str] = set()

    def check_allowed(self) -> str | None:
        session = self.context
        if (
            session is None
            or not access.restrict(StudySession.objects.all(), self.user, "view")
            .filter(pk=session.pk)
            .exists()
        ):
            return "Không có hội nghị này trong phạm vi đơn vị của bạn."
        return None

    def prepare(self, rows: list[Row], report: ImportReport) -> AttendancePlan:
        session = self.context
        codes = {row.values["code"] for row in rows if row.ok}
        members = {
            m.code: m
            for m in access.restrict(Member.objects.all(), self.user, "view").filter(code__in=codes)
        }
        # The roll call's own rule (services): required at the session that day, and in
        # the user's subtree (a cell never records a neighbouring cell's members).
        outsiders, others = services.attendance_outsiders(
            session=session, member_ids={m.pk for m in members.values()}, by=self.user
        )
        existing = {
            a.member.code: a
            for a in Attendance.objects.filter(session=session, member__code__in=codes)
            .select_related("member")
            .only("status", "note", "member__code")
        }
        plan = AttendancePlan()
        for row in rows:
            if not row.ok:
                continue
            code = row.values["code"]
            if code in self.seen:
                report.error(
                    row, "Mã đảng viên", f"Mã đảng viên “{code}” xuất hiện hai lần trong tệp."
                )
                continue
            self.seen.add(code)
            member = members.get(code)
            if member is None:
                report.error(row, "Mã đảng viên", out_of_scope(code, "đảng viên"))
            elif member.pk in outsiders:
                report.error(
                    row, "Mã đảng viên", f"{services.not_at_session_message(session)}: {member}."
                )
            elif member.pk in others:
                report.error(row, "Mã đảng viên", f"{services.NOT_OWN_MEMBER_MESSAGE}: {member}.")
            else:
                self._plan_row(row, member, existing.get(code), plan, report)
        return plan

    def _plan_row(self, row, member, attendance, plan, report) -> None:
        status = row.values["status"]
        note = row.values.get("note", attendance.note if attendance else "")
        plan.statuses[member.pk], plan.notes[member.pk] = status, note
        label = str(member)
        if attendance is None:
            report.classify(row, "new", label)
        elif (attendance.status, attendance.note) != (status, note):
            changed = ["Điểm danh"] if attendance.status != status else []
            report.classify(
                row, "changed", label, changed + (["Ghi chú"] * (attendance.note != note))
            )
        else:
            report.classify(row, "unchanged", label)

    def write(self, plan: AttendancePlan) -> None:
        if plan.statuses:
            services.attendance_record_roster(
                session=self.context, statuses=plan.statuses, notes=plan.notes, **self.audit
            )


class AttendanceExport(ScopedResource):
    # At a shared class every unit sees the session but only the rows of members it had
    # on that day (the organiser sees them all): the access rule of attendance (scope()).

    def related(self, queryset):
        return queryset.select_related("member")


KIND = Kind(
    importer=AttendanceImporter,
    resource=export_resource(AttendanceImporter, Attendance, AttendanceExport),
    model=Attendance,
    import_on_list=False,
)
