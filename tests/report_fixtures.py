"""A small study log, with figures computed by hand in the tests that use it.

Huyện A (Triệu Sơn): Xã A1 with cells A1a (An – leader, Bình, Cường) and A1b (Dung, Em,
Hoa – exempted). One session for Xã A1 on 01/08/2023 (21 days after 114-QĐ/TW of
11/07/2023): An present, Bình late, Cường excused, Dung unexcused, Em present; Cường
attends the make-up on 10/08/2023. Reports: An passed with an action plan, Bình
submitted, Cường sent back, Dung not submitted, Em none. Xã A1 issued its action
programme on 20/08/2023 (40 days). Huyện A inspected Xã A1 on 01/10/2023: one
remediation item open since 01/11/2023, one resolved.
Huyện B (Móng Cái): a counts-only conference for Phường Ka Long: 1.000 expected,
998 attended, 36 sites (99,8%).
"""

import datetime

import pytest

from sessions_app import services
from sessions_app.choices import AttendanceStatus, ReportStatus
from sessions_app.models import ActionProgramme, Inspection, RemediationItem, WrittenReport
from tests import builders

D = datetime.date


@pytest.fixture
def study_log(tree, roster):
    doc = builders.document("114-QĐ/TW", D(2023, 7, 11))
    hoa = builders.member(tree["cell_a2"], "Đỗ Thị Hoa", D(2015, 5, 1), code="A006")
    services.exemption_grant(member=hoa, started_on=D(2023, 1, 1), reason="Tuổi cao")
    session = builders.session(tree["commune_a"], [tree["commune_a"]], [doc], held_on=D(2023, 8, 1))
    statuses = {
        "an": AttendanceStatus.PRESENT,
        "binh": AttendanceStatus.LATE,
        "cuong": AttendanceStatus.ABSENT_EXCUSED,
        "dung": AttendanceStatus.ABSENT_UNEXCUSED,
        "em": AttendanceStatus.PRESENT,
    }
    services.attendance_record_roster(
        session=session, statuses={roster[k].pk: v for k, v in statuses.items()}
    )
    makeup = builders.session(
        tree["commune_a"], [tree["commune_a"]], [doc], held_on=D(2023, 8, 10), makeup_of=session
    )
    services.attendance_record(
        session=makeup, member=roster["cuong"], status=AttendanceStatus.PRESENT
    )
    _reports(doc, session, roster)
    ActionProgramme.objects.create(
        unit=tree["commune_a"], document=doc, symbol="05-CTr/ĐU", issued_on=D(2023, 8, 20)
    )
    inspection = Inspection.objects.create(
        inspecting_unit=tree["district_a"],
        inspected_unit=tree["commune_a"],
        started_on=D(2023, 10, 1),
        conclusion="Cơ bản đạt yêu cầu; còn đảng viên chưa nộp bài thu hoạch.",
    )
    inspection.documents.set([doc])
    RemediationItem.objects.create(
        inspection=inspection, description="Đôn đốc nộp bài thu hoạch", due_on=D(2023, 11, 1)
    )
    RemediationItem.objects.create(
        inspection=inspection,
        description="Bổ sung biên bản hội nghị",
        due_on=D(2023, 11, 1),
        resolved_on=D(2023, 10, 20),
        resolution="Đã bổ sung",
    )
    counts_only = builders.session(
        tree["district_b"],
        [tree["commune_b"]],
        [doc],
        held_on=D(2023, 9, 5),
        reported_expected=1000,
        reported_attended=998,
        reported_site_count=36,
    )
    return {"doc": doc, "session": session, "makeup": makeup, "counts_only": counts_only}


def _reports(doc, session, roster):
    def report(member, **fields):
        return WrittenReport.objects.create(member=member, document=doc, session=session, **fields)

    submitted = D(2023, 8, 15)
    an = report(roster["an"])
    services.written_report_submit(
        report=an, submitted_on=submitted, text="Bài", action_plan="Kế hoạch cá nhân"
    )
    services.written_report_review(
        report=an, status=ReportStatus.PASSED, reviewed_on=D(2023, 8, 20)
    )
    services.written_report_submit(report=report(roster["binh"]), submitted_on=submitted, text="B")
    cuong = report(roster["cuong"])
    services.written_report_submit(report=cuong, submitted_on=submitted, text="C")
    services.written_report_review(
        report=cuong, status=ReportStatus.REVISION_REQUESTED, reviewed_on=D(2023, 8, 20)
    )
    report(roster["dung"])
