"""The rich scenario of issue 8, built through the services as staff would enter it.

Tree (tests/conftest.py `tree`): Tỉnh (TINH) → Huyện A (HA) → Xã A1 (XA1) → CBA1, CBA2;
                                  Tỉnh → Huyện B (HB) → Phường B1 (XB1) → CBB1;
                                                        Huyện B → Công ty Điện lực (XB2),
      a grassroots committee whose roster is not loaded (it reports counts).

Documents: D1 114-QĐ/TW of 11/07/2023 (written report required),
           D2 117-QĐ/TW of 18/07/2023 (no written report).

Members (all joined 01/05/2015 unless said):
  CBA1: An (leader), Bình (moves to CBA2 on 01/10/2023), Cường (leader).
  CBA2: Dung; Em (exempted 01/09/2023–31/10/2023); Khanh (probationary from 01/10/2022,
        full member from 01/10/2023); Hoa (joins the party on 15/09/2023).
  CBB1: Giang.

Sessions (make-ups count on the session they make up):
  S0 28/07/2023 D1, Huyện A's key-cadre session for Huyện A: only An and Cường required.
     An present, Cường present.
  S1 01/08/2023 D1+D2, Xã A1 for Xã A1: An present, Bình late, Cường excused, Dung
     unexcused, Em present, Khanh present. (Hoa has not joined yet.)
  M1 10/08/2023 make-up of S1: Cường present (Dung never makes up).
  C1 05/09/2023 D1, counts only, for Công ty Điện lực (XB2): 1.000 expected, 998 attended, 36 sites.
  S2 20/09/2023 (date estimated) D2, a shared class of CBA2 and CBB1 run by the province:
     Dung present, Khanh unexcused, Hoa present, Giang present. (Em exempted.)
  S3 10/10/2023 D1, Xã A1 for Xã A1: An, Cường (CBA1), Bình (now CBA2), Dung, Khanh
     present, Hoa excused. (Em exempted.)

Written reports (only D1 needs one): An passed with an action plan; Bình submitted;
Cường (leader, no plan) sent back; Dung none; Em passed; Khanh a record not submitted;
Hoa passed. Dung also handed in a report on D2, which nobody owed.

Action programmes on D1: Xã A1 on 20/08/2023, Huyện A on 05/10/2023.
Inspection: Huyện A inspected Xã A1 on 05/11/2023 on D1, concluded; one remediation item
open (due 01/12/2023, so overdue today), one resolved.
"""

import datetime

import pytest

from sessions_app import services
from sessions_app.choices import AttendanceStatus, Audience, ReportStatus, UnitKind
from sessions_app.models import ActionProgramme, Inspection, RemediationItem, WrittenReport
from tests import builders

D = datetime.date
P, L = AttendanceStatus.PRESENT, AttendanceStatus.LATE
E, U = AttendanceStatus.ABSENT_EXCUSED, AttendanceStatus.ABSENT_UNEXCUSED


def roll_call(session, statuses):
    services.attendance_record_roster(
        session=session, statuses={member.pk: status for member, status in statuses}
    )


AUGUST_15 = D(2023, 8, 15)


def hand_in_report(member, document, session, *, status, plan="", on=AUGUST_15):
    report = WrittenReport.objects.create(member=member, document=document, session=session)
    if status == ReportStatus.NOT_SUBMITTED:
        return report
    services.written_report_submit(report=report, submitted_on=on, text="Bài", action_plan=plan)
    if status != ReportStatus.SUBMITTED:
        services.written_report_review(report=report, status=status, reviewed_on=on)
    return report


@pytest.fixture
def scenario(tree):
    t = tree
    d1 = builders.document("114-QĐ/TW", D(2023, 7, 11))
    d2 = builders.document("117-QĐ/TW", D(2023, 7, 18), report_required=False)
    joined = D(2015, 5, 1)
    m = {
        "an": builders.member(t["cell_a1"], "Nguyễn Văn An", joined, is_leader=True),
        "binh": builders.member(t["cell_a1"], "Trần Thị Bình", joined),
        "cuong": builders.member(t["cell_a1"], "Lê Văn Cường", joined, is_leader=True),
        "dung": builders.member(t["cell_a2"], "Phạm Thị Dung", joined),
        "em": builders.member(t["cell_a2"], "Hoàng Văn Em", joined),
        "khanh": builders.member(
            t["cell_a2"], "Ngô Văn Khánh", D(2022, 10, 1), full_member_on=D(2023, 10, 1)
        ),
        "giang": builders.member(t["cell_b1"], "Vũ Thị Giang", joined),
    }
    services.exemption_grant(
        member=m["em"], started_on=D(2023, 9, 1), ended_on=D(2023, 10, 31), reason="Ốm"
    )

    s0 = builders.session(
        t["district_a"],
        [t["district_a"]],
        [d1],
        held_on=D(2023, 7, 28),
        audience=Audience.KEY_CADRES,
        title="Hội nghị cán bộ chủ chốt",
    )
    roll_call(s0, [(m["an"], P), (m["cuong"], P)])
    s1 = builders.session(t["commune_a"], [t["commune_a"]], [d1, d2], held_on=D(2023, 8, 1))
    roll_call(
        s1,
        [
            (m["an"], P),
            (m["binh"], L),
            (m["cuong"], E),
            (m["dung"], U),
            (m["em"], P),
            (m["khanh"], P),
        ],
    )
    m1 = builders.session(
        t["commune_a"], [t["commune_a"]], [d1, d2], held_on=D(2023, 8, 10), makeup_of=s1
    )
    services.attendance_record(session=m1, member=m["cuong"], status=P)
    t["company_b"] = builders.unit(
        t["district_b"], "Đảng bộ Công ty Điện lực", UnitKind.GRASSROOTS_COMMITTEE, code="XB2"
    )
    c1 = builders.session(
        t["district_b"],
        [t["company_b"]],
        [d1],
        held_on=D(2023, 9, 5),
        reported_expected=1000,
        reported_attended=998,
        reported_site_count=36,
        title="Hội nghị trực tuyến 36 điểm cầu",
    )
    m["hoa"] = builders.member(t["cell_a2"], "Đỗ Thị Hoa", D(2023, 9, 15))
    s2 = builders.session(
        t["province"],
        [t["cell_a2"], t["cell_b1"]],
        [d2],
        held_on=D(2023, 9, 20),
        date_is_estimated=True,
        title="Lớp học chung",
    )
    roll_call(s2, [(m["dung"], P), (m["khanh"], U), (m["hoa"], P), (m["giang"], P)])
    services.member_transfer(member=m["binh"], to_unit=t["cell_a2"], on=D(2023, 10, 1))
    s3 = builders.session(t["commune_a"], [t["commune_a"]], [d1], held_on=D(2023, 10, 10))
    roll_call(
        s3,
        [
            (m["an"], P),
            (m["cuong"], P),
            (m["binh"], P),
            (m["dung"], P),
            (m["khanh"], P),
            (m["hoa"], E),
        ],
    )

    hand_in_report(m["an"], d1, s0, status=ReportStatus.PASSED, plan="Kế hoạch hành động cá nhân")
    hand_in_report(m["binh"], d1, s1, status=ReportStatus.SUBMITTED)
    hand_in_report(m["cuong"], d1, s0, status=ReportStatus.REVISION_REQUESTED)
    hand_in_report(m["em"], d1, s1, status=ReportStatus.PASSED)
    hand_in_report(m["khanh"], d1, s1, status=ReportStatus.NOT_SUBMITTED)
    hand_in_report(m["hoa"], d1, s3, status=ReportStatus.PASSED, on=D(2023, 10, 20))
    hand_in_report(m["dung"], d2, s1, status=ReportStatus.SUBMITTED)

    ActionProgramme.objects.create(
        unit=t["commune_a"], document=d1, symbol="05-CTr/ĐU", issued_on=D(2023, 8, 20)
    )
    ActionProgramme.objects.create(
        unit=t["district_a"], document=d1, symbol="12-CTr/HU", issued_on=D(2023, 10, 5)
    )
    inspection = Inspection.objects.create(
        inspecting_unit=t["district_a"],
        inspected_unit=t["commune_a"],
        started_on=D(2023, 11, 5),
        conclusion="Cơ bản đạt yêu cầu.",
    )
    inspection.documents.set([d1])
    RemediationItem.objects.create(
        inspection=inspection, description="Đôn đốc nộp bài thu hoạch", due_on=D(2023, 12, 1)
    )
    RemediationItem.objects.create(
        inspection=inspection,
        description="Bổ sung biên bản",
        due_on=D(2023, 12, 1),
        resolved_on=D(2023, 11, 20),
        resolution="Đã bổ sung",
    )
    return {
        "d1": d1,
        "d2": d2,
        "members": m,
        "sessions": {"s0": s0, "s1": s1, "m1": m1, "c1": c1, "s2": s2, "s3": s3},
    }
