"""A second hand-computed scenario, independent of tests/report_scenario.py, asked through
the CSV export a province manager downloads and the drill-down lists the page links to.

Tree (tests/conftest.py `tree`): TINH → HA → XA1 → CBA1, CBA2; TINH → HB → XB1 → CBB1.

Documents: D1 05-NQ/TW of 01/03/2024 (written report required);
           D2 10-CT/TW of 15/03/2024 (no written report).

Members (joined 01/01/2015):
  CBA1: Lan (leader, writes no action plan), Minh, Nam (moves to CBA2 on 15/04/2024),
        Oanh (exempted 25/03/2024–10/04/2024: over S1 only).
  CBA2: Phúc, Quân (leader, with a plan).
  CBB1: no roster; it reports counts.

Sessions (make-ups count on the session they make up):
  K  10/03/2024 D1, Huyện A's key-cadre session for Huyện A: Lan P, Quân P.
  S1 01/04/2024 D1+D2, Xã A1 for Xã A1: Lan P, Minh U, Nam E, Phúc P, Quân L (Oanh exempted).
  M  08/04/2024 make-up of S1: Nam P (still in CBA1).
  C  15/04/2024 D1, counts only, Huyện B for CBB1: 20 expected, 19 attended.
  S2 20/04/2024 D2, Xã A1 for Xã A1: Lan P, Minh P, Oanh P (CBA1), Nam P, Phúc E, Quân P (CBA2).
  S3 10/05/2024 D1, Xã A1 for CBA1 only: Lan P, Minh P, Oanh P.

Rows to attend (member@cell status):
  K:  Lan@CBA1 P, Quân@CBA2 P
  S1: Lan@CBA1 P, Minh@CBA1 U, Nam@CBA1 E (made up), Phúc@CBA2 P, Quân@CBA2 L
  S2: Lan@CBA1 P, Minh@CBA1 P, Oanh@CBA1 P, Nam@CBA2 P, Phúc@CBA2 E, Quân@CBA2 P
  S3: Lan@CBA1 P, Minh@CBA1 P, Oanh@CBA1 P

Written reports owed (D1 only), placed where the member was at the first study requiring them:
  Lan@CBA1 (K, Q1) submitted, no plan (so it cannot pass); Quân@CBA2 (K, Q1) submitted
  with a plan; Minh@CBA1 (S1, Q2) nothing; Nam@CBA1 (S1, Q2; left for CBA2 later) passed;
  Phúc@CBA2 (S1, Q2) passed; Oanh@CBA1 (S3, Q2; exempted at S1) sent back.
  Phúc also hands in a report on D2, which nobody owed: it counts nowhere.
Action programme: Xã A1 on D1, 20/03/2024.
"""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from sessions_app import services
from sessions_app.choices import Audience, ReportStatus, StaffRole
from sessions_app.models import ActionProgramme
from tests import builders
from tests.report_scenario import D, E, L, P, U, hand_in_report, roll_call
from tests.report_tables import COLUMNS as ALL_COLUMNS
from tests.report_tables import export_rows, hand_table


@pytest.fixture
def second(tree):
    t = tree
    d1 = builders.document("05-NQ/TW", D(2024, 3, 1))
    d2 = builders.document("10-CT/TW", D(2024, 3, 15), report_required=False)
    joined = D(2015, 1, 1)
    m = {
        "lan": builders.member(t["cell_a1"], "Nguyễn Thị Lan", joined, is_leader=True),
        "minh": builders.member(t["cell_a1"], "Trần Văn Minh", joined),
        "nam": builders.member(t["cell_a1"], "Lê Hoài Nam", joined),
        "oanh": builders.member(t["cell_a1"], "Đặng Kim Oanh", joined),
        "phuc": builders.member(t["cell_a2"], "Phan Văn Phúc", joined),
        "quan": builders.member(t["cell_a2"], "Bùi Minh Quân", joined, is_leader=True),
    }
    services.exemption_grant(
        member=m["oanh"], started_on=D(2024, 3, 25), ended_on=D(2024, 4, 10), reason="Ốm"
    )
    k = builders.session(
        t["district_a"],
        [t["district_a"]],
        [d1],
        held_on=D(2024, 3, 10),
        audience=Audience.KEY_CADRES,
        title="Hội nghị cán bộ chủ chốt",
    )
    roll_call(k, [(m["lan"], P), (m["quan"], P)])
    s1 = builders.session(t["commune_a"], [t["commune_a"]], [d1, d2], held_on=D(2024, 4, 1))
    roll_call(s1, [(m["lan"], P), (m["minh"], U), (m["nam"], E), (m["phuc"], P), (m["quan"], L)])
    makeup = builders.session(
        t["commune_a"], [t["commune_a"]], [d1, d2], held_on=D(2024, 4, 8), makeup_of=s1
    )
    services.attendance_record(session=makeup, member=m["nam"], status=P)
    builders.session(
        t["district_b"],
        [t["cell_b1"]],
        [d1],
        held_on=D(2024, 4, 15),
        reported_expected=20,
        reported_attended=19,
        title="Hội nghị báo cáo số liệu",
    )
    services.member_transfer(member=m["nam"], to_unit=t["cell_a2"], on=D(2024, 4, 15))
    s2 = builders.session(t["commune_a"], [t["commune_a"]], [d2], held_on=D(2024, 4, 20))
    roll_call(
        s2,
        [(m["lan"], P), (m["minh"], P), (m["oanh"], P), (m["nam"], P), (m["phuc"], E)]
        + [(m["quan"], P)],
    )
    s3 = builders.session(t["commune_a"], [t["cell_a1"]], [d1], held_on=D(2024, 5, 10))
    roll_call(s3, [(m["lan"], P), (m["minh"], P), (m["oanh"], P)])

    hand_in_report(m["lan"], d1, k, status=ReportStatus.SUBMITTED, on=D(2024, 3, 15))
    hand_in_report(
        m["quan"], d1, k, status=ReportStatus.SUBMITTED, on=D(2024, 3, 15), plan="Kế hoạch"
    )
    hand_in_report(m["nam"], d1, s1, status=ReportStatus.PASSED, on=D(2024, 4, 20))
    hand_in_report(m["phuc"], d1, s1, status=ReportStatus.PASSED, on=D(2024, 4, 10))
    hand_in_report(m["oanh"], d1, s3, status=ReportStatus.REVISION_REQUESTED, on=D(2024, 5, 20))
    hand_in_report(m["phuc"], d2, s1, status=ReportStatus.SUBMITTED, on=D(2024, 4, 10))
    ActionProgramme.objects.create(
        unit=t["commune_a"], document=d1, symbol="07-CTr/ĐU", issued_on=D(2024, 3, 20)
    )
    return {"d1": d1, "d2": d2, "members": m}


# The export's columns this scenario checks: every one but the estimated-date mark.
COLUMNS = {key: header for key, header in ALL_COLUMNS.items() if key != "approx"}


def _table(text):
    return hand_table(text, COLUMNS)


# Unfiltered.
# CBA1: K, S1, S2, S3 → 4, first 10/03; required 1+3+3+3 = 10, attended 1+1+3+3 = 8,
#       Nam excused (made up), Minh unexcused: (8+1)/10 = 90,0. Reports: Lan, Minh, Nam,
#       Oanh = 4, submitted 3 (Lan, Nam, Oanh), passed 1 (Nam), sent back 1; leader Lan, no plan.
# CBA2: K, S1, S2 → 3; required 1+2+3 = 6, attended 5 (Quân late at S1), Phúc excused at
#       S2: 5/6 = 83,3. Reports Quân, Phúc: 2, submitted 2, passed 1; leader Quân with plan.
# XA1 = HA: 4 sessions; 16 required, 13 attended, late 1, excused 2, unexcused 1, made up 1:
#       14/16 = 87,5; reports 6, submitted 5, passed 2, sent back 1; leaders 2, with plan 1.
# CBB1 = XB1 = HB: C only: 19/20 = 95,0 as reported, meets 95%.
# TINH: 5 sessions; (13 + 1 + 19)/(16 + 20) = 33/36 = 91,67 → 91,7.
UNFILTERED = _table("""
CBA1 | 4 | 10/03/2024 |    | 10 | 8  | 0 | 1 | 1 | 1 | 0  | 0  | 90,0  | ĐD | 4 | 3 | 1 | 1 | 1 | 0 | Chưa đạt
CBA2 | 3 | 10/03/2024 |    | 6  | 5  | 1 | 1 | 0 | 0 | 0  | 0  | 83,3  | ĐD | 2 | 2 | 1 | 0 | 1 | 1 | Chưa đạt
XA1  | 4 | 10/03/2024 |    | 16 | 13 | 1 | 2 | 1 | 1 | 0  | 0  | 87,5  | ĐD | 6 | 5 | 2 | 1 | 2 | 1 | Chưa đạt
HA   | 4 | 10/03/2024 |    | 16 | 13 | 1 | 2 | 1 | 1 | 0  | 0  | 87,5  | ĐD | 6 | 5 | 2 | 1 | 2 | 1 | Chưa đạt
CBB1 | 1 | 15/04/2024 |    | 0  | 0  | 0 | 0 | 0 | 0 | 20 | 19 | 95,0  | BC | 0 | 0 | 0 | 0 | 0 | 0 | Đạt
XB1  | 1 | 15/04/2024 |    | 0  | 0  | 0 | 0 | 0 | 0 | 20 | 19 | 95,0  | BC | 0 | 0 | 0 | 0 | 0 | 0 | Đạt
HB   | 1 | 15/04/2024 |    | 0  | 0  | 0 | 0 | 0 | 0 | 20 | 19 | 95,0  | BC | 0 | 0 | 0 | 0 | 0 | 0 | Đạt
TINH | 5 | 10/03/2024 |    | 16 | 13 | 1 | 2 | 1 | 1 | 20 | 19 | 91,7  | KH | 6 | 5 | 2 | 1 | 2 | 1 | Chưa đạt
""")

# D1 (01/03/2024): K, S1, S3, C. 10/03 is 9 days after; 15/04 is 30 + 15 = 45 days.
# CBA1: K, S1, S3 → 3; required 1+3+3 = 7, attended 5, excused 1 made up, unexcused 1:
#       6/7 = 85,7; reports as unfiltered.
# CBA2: K, S1 → 2; Quân, Phúc, Quân (late): 3/3 = 100,0; reports 2/2; first after 9 days:
#       a cell issues no programme, so it meets every target.
# XA1 = HA: 3; 10 required, 8 attended, late 1, excused 1, unexcused 1, made up 1: 9/10 = 90,0.
# CBB1 = XB1 = HB: C: 45 days > 30, fails.
# TINH: 4; (8 + 1 + 19)/(10 + 20) = 28/30 = 93,3.
DOCUMENT_1 = _table("""
CBA1 | 3 | 10/03/2024 | 9  | 7  | 5 | 0 | 1 | 1 | 1 | 0  | 0  | 85,7  | ĐD | 4 | 3 | 1 | 1 | 1 | 0 | Chưa đạt
CBA2 | 2 | 10/03/2024 | 9  | 3  | 3 | 1 | 0 | 0 | 0 | 0  | 0  | 100,0 | ĐD | 2 | 2 | 1 | 0 | 1 | 1 | Đạt
XA1  | 3 | 10/03/2024 | 9  | 10 | 8 | 1 | 1 | 1 | 1 | 0  | 0  | 90,0  | ĐD | 6 | 5 | 2 | 1 | 2 | 1 | Chưa đạt
HA   | 3 | 10/03/2024 | 9  | 10 | 8 | 1 | 1 | 1 | 1 | 0  | 0  | 90,0  | ĐD | 6 | 5 | 2 | 1 | 2 | 1 | Chưa đạt
CBB1 | 1 | 15/04/2024 | 45 | 0  | 0 | 0 | 0 | 0 | 0 | 20 | 19 | 95,0  | BC | 0 | 0 | 0 | 0 | 0 | 0 | Chưa đạt
XB1  | 1 | 15/04/2024 | 45 | 0  | 0 | 0 | 0 | 0 | 0 | 20 | 19 | 95,0  | BC | 0 | 0 | 0 | 0 | 0 | 0 | Chưa đạt
HB   | 1 | 15/04/2024 | 45 | 0  | 0 | 0 | 0 | 0 | 0 | 20 | 19 | 95,0  | BC | 0 | 0 | 0 | 0 | 0 | 0 | Chưa đạt
TINH | 4 | 10/03/2024 | 9  | 10 | 8 | 1 | 1 | 1 | 1 | 20 | 19 | 93,3  | KH | 6 | 5 | 2 | 1 | 2 | 1 | Chưa đạt
""")

# D2 (15/03/2024, no report): S1, S2; 01/04 is 16 + 1 = 17 days after.
# CBA1: S1 (Lan P, Minh U, Nam E made up) + S2 (Lan, Minh, Oanh P): 6 required, 4 attended:
#       5/6 = 83,3. CBA2: S1 (Phúc P, Quân L) + S2 (Nam P, Phúc E, Quân P): 4/5 = 80,0.
# XA1 = HA = TINH: 11 required, 8 attended, late 1, excused 2, unexcused 1, made up 1:
#       9/11 = 81,8. Nothing owed: Phúc's report on D2 counts nowhere. Huyện B held nothing.
DOCUMENT_2 = _table("""
CBA1 | 2 | 01/04/2024 | 17 | 6  | 4 | 0 | 1 | 1 | 1 | 0 | 0 | 83,3 | ĐD | 0 | 0 | 0 | 0 | 0 | 0 | Chưa đạt
CBA2 | 2 | 01/04/2024 | 17 | 5  | 4 | 1 | 1 | 0 | 0 | 0 | 0 | 80,0 | ĐD | 0 | 0 | 0 | 0 | 0 | 0 | Chưa đạt
XA1  | 2 | 01/04/2024 | 17 | 11 | 8 | 1 | 2 | 1 | 1 | 0 | 0 | 81,8 | ĐD | 0 | 0 | 0 | 0 | 0 | 0 | Chưa đạt
HA   | 2 | 01/04/2024 | 17 | 11 | 8 | 1 | 2 | 1 | 1 | 0 | 0 | 81,8 | ĐD | 0 | 0 | 0 | 0 | 0 | 0 | Chưa đạt
CBB1 | 0 |            |    | 0  | 0 | 0 | 0 | 0 | 0 | 0 | 0 |      |    | 0 | 0 | 0 | 0 | 0 | 0 | Chưa đạt
XB1  | 0 |            |    | 0  | 0 | 0 | 0 | 0 | 0 | 0 | 0 |      |    | 0 | 0 | 0 | 0 | 0 | 0 | Chưa đạt
HB   | 0 |            |    | 0  | 0 | 0 | 0 | 0 | 0 | 0 | 0 |      |    | 0 | 0 | 0 | 0 | 0 | 0 | Chưa đạt
TINH | 2 | 01/04/2024 | 17 | 11 | 8 | 1 | 2 | 1 | 1 | 0 | 0 | 81,8 | ĐD | 0 | 0 | 0 | 0 | 0 | 0 | Chưa đạt
""")

# Q1 2024: K only. Reports owed from Q1 studies: Lan (CBA1, submitted, no plan) and Quân
# (CBA2, submitted with a plan): none passed yet.
QUARTER_1 = _table("""
CBA1 | 1 | 10/03/2024 |  | 1 | 1 | 0 | 0 | 0 | 0 | 0 | 0 | 100,0 | ĐD | 1 | 1 | 0 | 0 | 1 | 0 | Đạt
CBA2 | 1 | 10/03/2024 |  | 1 | 1 | 0 | 0 | 0 | 0 | 0 | 0 | 100,0 | ĐD | 1 | 1 | 0 | 0 | 1 | 1 | Đạt
XA1  | 1 | 10/03/2024 |  | 2 | 2 | 0 | 0 | 0 | 0 | 0 | 0 | 100,0 | ĐD | 2 | 2 | 0 | 0 | 2 | 1 | Đạt
HA   | 1 | 10/03/2024 |  | 2 | 2 | 0 | 0 | 0 | 0 | 0 | 0 | 100,0 | ĐD | 2 | 2 | 0 | 0 | 2 | 1 | Đạt
CBB1 | 0 |            |  | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |       |    | 0 | 0 | 0 | 0 | 0 | 0 | Chưa đạt
XB1  | 0 |            |  | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |       |    | 0 | 0 | 0 | 0 | 0 | 0 | Chưa đạt
HB   | 0 |            |  | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |       |    | 0 | 0 | 0 | 0 | 0 | 0 | Chưa đạt
TINH | 1 | 10/03/2024 |  | 2 | 2 | 0 | 0 | 0 | 0 | 0 | 0 | 100,0 | ĐD | 2 | 2 | 0 | 0 | 2 | 1 | Đạt
""")

# Q2 2024: S1, S2, S3 and C.
# CBA1: S1, S2, S3 → 3, first 01/04; 9 required, 7 attended, made up 1: 8/9 = 88,9.
#       Reports owed from Q2 studies: Minh, Nam (S1), Oanh (S3): 3, submitted 2, passed 1
#       (Nam), sent back 1.
# CBA2: S1, S2 → 2; 5 required, 4 attended: 80,0; Phúc's report: 1/1, passed.
# XA1 = HA: 3; 14 required, 11 attended, late 1, excused 2, unexcused 1, made up 1:
#       12/14 = 85,7; reports 4, submitted 3, passed 2 (Nam, Phúc), sent back 1.
# TINH: 4; (11 + 1 + 19)/(14 + 20) = 31/34 = 91,18 → 91,2.
QUARTER_2 = _table("""
CBA1 | 3 | 01/04/2024 |  | 9  | 7  | 0 | 1 | 1 | 1 | 0  | 0  | 88,9 | ĐD | 3 | 2 | 1 | 1 | 0 | 0 | Chưa đạt
CBA2 | 2 | 01/04/2024 |  | 5  | 4  | 1 | 1 | 0 | 0 | 0  | 0  | 80,0 | ĐD | 1 | 1 | 1 | 0 | 0 | 0 | Chưa đạt
XA1  | 3 | 01/04/2024 |  | 14 | 11 | 1 | 2 | 1 | 1 | 0  | 0  | 85,7 | ĐD | 4 | 3 | 2 | 1 | 0 | 0 | Chưa đạt
HA   | 3 | 01/04/2024 |  | 14 | 11 | 1 | 2 | 1 | 1 | 0  | 0  | 85,7 | ĐD | 4 | 3 | 2 | 1 | 0 | 0 | Chưa đạt
CBB1 | 1 | 15/04/2024 |  | 0  | 0  | 0 | 0 | 0 | 0 | 20 | 19 | 95,0 | BC | 0 | 0 | 0 | 0 | 0 | 0 | Đạt
XB1  | 1 | 15/04/2024 |  | 0  | 0  | 0 | 0 | 0 | 0 | 20 | 19 | 95,0 | BC | 0 | 0 | 0 | 0 | 0 | 0 | Đạt
HB   | 1 | 15/04/2024 |  | 0  | 0  | 0 | 0 | 0 | 0 | 20 | 19 | 95,0 | BC | 0 | 0 | 0 | 0 | 0 | 0 | Đạt
TINH | 4 | 01/04/2024 |  | 14 | 11 | 1 | 2 | 1 | 1 | 20 | 19 | 91,2 | KH | 4 | 3 | 2 | 1 | 0 | 0 | Chưa đạt
""")

EXPECTED = {
    "unfiltered": UNFILTERED,
    "d1": DOCUMENT_1,
    "d2": DOCUMENT_2,
    "q1": QUARTER_1,
    "q2": QUARTER_2,
}
CHILDREN = {
    "province": ("TINH", ["HA", "HB"]),
    "district_a": ("HA", ["XA1"]),
    "commune_a": ("XA1", ["CBA1", "CBA2"]),
    "cell_a1": ("CBA1", []),
    "cell_a2": ("CBA2", []),
    "district_b": ("HB", ["XB1"]),
    "commune_b": ("XB1", ["CBB1"]),
    "cell_b1": ("CBB1", []),
}
# Figures whose drill-down lists one row per counted thing, keyed by their export column.
DRILLED = {
    "sessions": "ses",
    "required": "req",
    "attended": "att",
    "late": "late",
    "excused": "exc",
    "unexcused": "unexc",
    "made_up": "mu",
    "reports_required": "wr",
    "submitted": "sub",
    "passed": "pass",
    "sent_back": "back",
    "leaders": "lead",
    "leaders_with_plan": "plan",
}


def _query(second, period):
    return {
        "unfiltered": {},
        "d1": {"document": second["d1"].pk},
        "d2": {"document": second["d2"].pk},
        "q1": {"year": "2024", "quarter": "1"},
        "q2": {"year": "2024", "quarter": "2"},
    }[period]


@pytest.fixture
def manager(client, tree):
    user = get_user_model().objects.create_user(username="tinh", password="x", is_staff=True)
    services.staff_profile_save(user=user, unit=tree["province"], role=StaffRole.MANAGER)
    client.force_login(user)
    return client


@pytest.mark.parametrize("period", list(EXPECTED))
@pytest.mark.parametrize("root", list(CHILDREN))
def test_every_figure_matches_the_second_scenario(manager, tree, second, root, period):
    code, children = CHILDREN[root]
    rows = export_rows(manager, tree[root], _query(second, period))
    assert [row["Mã đơn vị"] for row in rows] == [code, *children]
    expected = EXPECTED[period]
    for row in rows:
        shown = {key: row[header] for key, header in COLUMNS.items()}
        assert shown == expected[row["Mã đơn vị"]], (root, row["Mã đơn vị"])


@pytest.mark.parametrize("period", list(EXPECTED))
def test_every_drill_down_lists_as_many_rows_as_its_figure(manager, tree, second, period):
    by_code = {unit.code: unit for unit in tree.values()}
    query = _query(second, period)
    for code, row in EXPECTED[period].items():
        for key, column in DRILLED.items():
            url = reverse("reports_app:figure", kwargs={"pk": by_code[code].pk, "key": key})
            response = manager.get(url, query)
            assert response.status_code == 200, (code, key)
            assert response.context["count"] == int(row[column]), (period, code, key)


def test_made_up_lists_nam_and_not_minh(manager, tree, second):
    url = reverse("reports_app:figure", kwargs={"pk": tree["cell_a1"].pk, "key": "made_up"})
    html = manager.get(url).content.decode()
    assert "Lê Hoài Nam" in html and "Trần Văn Minh" not in html


def test_reports_owed_follow_the_cell_at_the_study_not_today(manager, tree, second):
    """Nam is in CBA2 now but owes his D1 report to CBA1, where he was at S1."""
    key = "reports_required"
    a1 = manager.get(reverse("reports_app:figure", kwargs={"pk": tree["cell_a1"].pk, "key": key}))
    a2 = manager.get(reverse("reports_app:figure", kwargs={"pk": tree["cell_a2"].pk, "key": key}))
    assert "Lê Hoài Nam" in a1.content.decode()
    assert "Lê Hoài Nam" not in a2.content.decode()


def test_the_exempted_member_is_not_listed_at_the_session_she_was_exempted_from(
    manager, tree, second
):
    url = reverse("reports_app:figure", kwargs={"pk": tree["cell_a1"].pk, "key": "required"})
    html = manager.get(url, {"document": second["d1"].pk}).content.decode()
    # Oanh is required at S3 (10/05) only among D1 sessions.
    assert html.count("Đặng Kim Oanh") == 1


def test_the_page_shows_the_same_rates_as_the_export(manager, tree, second):
    """The page drops a trailing ",0" (95%), the export keeps it (95,0); the monthly trend
    reads March 2/2, April (3 + 5 + 1 made up + 19)/(5 + 6 + 20) = 28/31 = 90,3, May 3/3."""
    url = reverse("reports_app:unit", kwargs={"pk": tree["province"].pk})
    html = manager.get(url).content.decode()
    for shown in ("91,7% <small>", "87,5% <small>", "95% <small>", ">90,3%<"):
        assert shown in html, shown
