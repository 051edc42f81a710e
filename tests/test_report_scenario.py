"""Every figure of the rich scenario (tests/report_scenario.py) at every level, unfiltered,
per document and per quarter, read from the CSV export a manager downloads, against numbers
worked out by hand below. The rules (the page "Cách tính số liệu"):

- attendance figures count the members required at each session (one row per member and
  session; make-ups count on the session they make up), placed where the member was on
  the session's date; a key-cadre session requires only leaders and committee members;
- a unit's sessions are those at which its members were required, plus the counts-only
  sessions held for it; its first session is the earliest of them;
- participation rate = (attended + made up + reported attended) ÷ (required + reported
  expected), rounded half up to 0,1; the basis says which kinds of figures it rests on;
- a written report is owed once per member per document needing one, placed by the
  member's unit at the first study that required them, in the period of that study;
- programmes count by issue date, inspections by their start date.
"""

import pytest
from django.urls import reverse

from tests.report_scenario import scenario  # noqa: F401 (fixture)
from tests.report_tables import COLUMNS, export_rows, hand_table

# Unfiltered. Rows to attend (member@cell status), make-up sessions left out:
#   S0: An@CBA1 P, Cường@CBA1 P
#   S1: An@CBA1 P, Bình@CBA1 L, Cường@CBA1 E (made up at M1), Dung@CBA2 U, Em@CBA2 P,
#       Khanh@CBA2 P
#   S2: Dung@CBA2 P, Khanh@CBA2 U, Hoa@CBA2 P, Giang@CBB1 P
#   S3: An@CBA1 P, Cường@CBA1 P, Bình@CBA2 P, Dung@CBA2 P, Khanh@CBA2 P, Hoa@CBA2 E
# CBA1: S0, S1, S3 → 3 sessions, first 28/07 (S0 required its leaders); 2+3+2 = 7 required,
#       attended 2+2+2 = 6 (Bình late), Cường excused and made up: (6+1)/7 = 100,0.
#       Reports owed (D1): An, Cường (S0), Bình (S1, placed in CBA1 although he left):
#       3, submitted 3 (An, Bình, Cường), passed 1 (An), sent back 1 (Cường);
#       leaders An, Cường: 2, with a plan 1 (An).
# CBA2: S1, S2, S3 → 3, first 01/08 (S0 required nobody here); 3+3+4 = 10 required,
#       attended 2+2+3 = 7, excused 1 (Hoa S3), unexcused 2 (Dung S1, Khanh S2): 7/10 = 70,0.
#       Reports owed: Dung, Em, Khanh (S1), Hoa (S3): 4, submitted 2 (Em, Hoa), passed 2:
#       50% < 100% fails.
# XA1 = HA: S0..S3 → 4 sessions; 17 required, 13 attended, late 1, excused 2, unexcused 2,
#       made up 1: (13+1)/17 = 82,35 → 82,4. Reports 7, submitted 5 (71,4%), passed 3.
# CBB1 = XB1: S2 (estimated date) → 1, first 20/09/2023 ≈; Giang 1/1 = 100,0.
# XB2: C1 only, as reported: 998/1000 = 99,8.
# HB: S2 and C1 → 2, first 05/09 (C1, not estimated); roster 1/1 plus reported 998/1000:
#       (1+998)/(1+1000) = 999/1001 = 99,80 → 99,8, on both bases.
# TINH: S0, S1, S2, S3, C1 → 5 (S2 once though it reached both districts); roster 18
#       required (17+1), 14 attended, made up 1; (14+1+998)/(18+1000) = 1013/1018 = 99,51 →
#       99,5; reports 5/7 = 71,4% fails.
UNFILTERED = hand_table("""
CBA1 | 3 | 28/07/2023 |   |    | 7  | 6  | 1 | 1 | 0 | 1 | 0    | 0   | 100,0 | ĐD | 3 | 3 | 1 | 1 | 2 | 1 | Đạt
CBA2 | 3 | 01/08/2023 |   |    | 10 | 7  | 0 | 1 | 2 | 0 | 0    | 0   | 70,0  | ĐD | 4 | 2 | 2 | 0 | 0 | 0 | Chưa đạt
XA1  | 4 | 28/07/2023 |   |    | 17 | 13 | 1 | 2 | 2 | 1 | 0    | 0   | 82,4  | ĐD | 7 | 5 | 3 | 1 | 2 | 1 | Chưa đạt
HA   | 4 | 28/07/2023 |   |    | 17 | 13 | 1 | 2 | 2 | 1 | 0    | 0   | 82,4  | ĐD | 7 | 5 | 3 | 1 | 2 | 1 | Chưa đạt
CBB1 | 1 | 20/09/2023 | ≈ |    | 1  | 1  | 0 | 0 | 0 | 0 | 0    | 0   | 100,0 | ĐD | 0 | 0 | 0 | 0 | 0 | 0 | Đạt
XB1  | 1 | 20/09/2023 | ≈ |    | 1  | 1  | 0 | 0 | 0 | 0 | 0    | 0   | 100,0 | ĐD | 0 | 0 | 0 | 0 | 0 | 0 | Đạt
XB2  | 1 | 05/09/2023 |   |    | 0  | 0  | 0 | 0 | 0 | 0 | 1000 | 998 | 99,8  | BC | 0 | 0 | 0 | 0 | 0 | 0 | Đạt
HB   | 2 | 05/09/2023 |   |    | 1  | 1  | 0 | 0 | 0 | 0 | 1000 | 998 | 99,8  | KH | 0 | 0 | 0 | 0 | 0 | 0 | Đạt
TINH | 5 | 28/07/2023 |   |    | 18 | 14 | 1 | 2 | 2 | 1 | 1000 | 998 | 99,5  | KH | 7 | 5 | 3 | 1 | 2 | 1 | Chưa đạt
""")

# D1 (114-QĐ/TW of 11/07/2023): S0, S1, S3 and C1; S2 (D2 only) drops out.
# CBA1: all its rows are D1 sessions: as unfiltered; first 28/07 = 17 days after 11/07.
# CBA2: S1 (Dung U, Em P, Khanh P) + S3 (Bình P, Dung P, Khanh P, Hoa E): 2 sessions,
#       first 01/08 = 21 days; 7 required, 5 attended, excused 1, unexcused 1: 5/7 = 71,4.
# XA1 = HA: 3 sessions, first 28/07 (17 days); 14 required, 11 attended, late 1, excused 2,
#       unexcused 1, made up 1: 12/14 = 85,7. Reports as unfiltered (all are on D1).
# CBB1 = XB1: no D1 session required Giang: nothing held.
# XB2 = HB: C1 only: first 05/09 = 20 (July) + 31 + 5 = 56 days; 998/1000 = 99,8 reported.
# TINH: S0, S1, S3, C1 → 4; (11+1+998)/(14+1000) = 1010/1014 = 99,61 → 99,6.
DOCUMENT_1 = hand_table("""
CBA1 | 3 | 28/07/2023 |   | 17 | 7  | 6  | 1 | 1 | 0 | 1 | 0    | 0   | 100,0 | ĐD | 3 | 3 | 1 | 1 | 2 | 1 | Đạt
CBA2 | 2 | 01/08/2023 |   | 21 | 7  | 5  | 0 | 1 | 1 | 0 | 0    | 0   | 71,4  | ĐD | 4 | 2 | 2 | 0 | 0 | 0 | Chưa đạt
XA1  | 3 | 28/07/2023 |   | 17 | 14 | 11 | 1 | 2 | 1 | 1 | 0    | 0   | 85,7  | ĐD | 7 | 5 | 3 | 1 | 2 | 1 | Chưa đạt
HA   | 3 | 28/07/2023 |   | 17 | 14 | 11 | 1 | 2 | 1 | 1 | 0    | 0   | 85,7  | ĐD | 7 | 5 | 3 | 1 | 2 | 1 | Chưa đạt
CBB1 | 0 |            |   |    | 0  | 0  | 0 | 0 | 0 | 0 | 0    | 0   |       |    | 0 | 0 | 0 | 0 | 0 | 0 | Chưa đạt
XB1  | 0 |            |   |    | 0  | 0  | 0 | 0 | 0 | 0 | 0    | 0   |       |    | 0 | 0 | 0 | 0 | 0 | 0 | Chưa đạt
XB2  | 1 | 05/09/2023 |   | 56 | 0  | 0  | 0 | 0 | 0 | 0 | 1000 | 998 | 99,8  | BC | 0 | 0 | 0 | 0 | 0 | 0 | Chưa đạt
HB   | 1 | 05/09/2023 |   | 56 | 0  | 0  | 0 | 0 | 0 | 0 | 1000 | 998 | 99,8  | BC | 0 | 0 | 0 | 0 | 0 | 0 | Chưa đạt
TINH | 4 | 28/07/2023 |   | 17 | 14 | 11 | 1 | 2 | 1 | 1 | 1000 | 998 | 99,6  | KH | 7 | 5 | 3 | 1 | 2 | 1 | Chưa đạt
""")

# D2 (117-QĐ/TW of 18/07/2023, no written report): S1 and S2.
# CBA1: S1: An P, Bình L, Cường E made up: 1 session, first 01/08 = 13 + 1 = 14 days;
#       3 required, 2 attended, made up 1: 3/3 = 100,0.
# CBA2: S1 (Dung U, Em P, Khanh P) + S2 (Dung P, Khanh U, Hoa P): 2 sessions, first 01/08
#       (14 days); 6 required, 4 attended, 2 unexcused: 4/6 = 66,7.
# XA1 = HA: 2 sessions; 9 required, 6 attended, late 1, excused 1, unexcused 2, made up 1:
#       7/9 = 77,8; no programme on D2.
# CBB1 = XB1 = HB: S2 (XB2 held nothing on D2): first 20/09 ≈ = 13 + 31 + 20 = 64 days > 30; 1/1 = 100,0.
# TINH: S1, S2 → 2; 10 required, 7 attended, made up 1: 8/10 = 80,0.
# No report is owed for D2: Dung's report on it counts nowhere.
DOCUMENT_2 = hand_table("""
CBA1 | 1 | 01/08/2023 |   | 14 | 3  | 2  | 1 | 1 | 0 | 1 | 0 | 0 | 100,0 | ĐD | 0 | 0 | 0 | 0 | 0 | 0 | Đạt
CBA2 | 2 | 01/08/2023 |   | 14 | 6  | 4  | 0 | 0 | 2 | 0 | 0 | 0 | 66,7  | ĐD | 0 | 0 | 0 | 0 | 0 | 0 | Chưa đạt
XA1  | 2 | 01/08/2023 |   | 14 | 9  | 6  | 1 | 1 | 2 | 1 | 0 | 0 | 77,8  | ĐD | 0 | 0 | 0 | 0 | 0 | 0 | Chưa đạt
HA   | 2 | 01/08/2023 |   | 14 | 9  | 6  | 1 | 1 | 2 | 1 | 0 | 0 | 77,8  | ĐD | 0 | 0 | 0 | 0 | 0 | 0 | Chưa đạt
CBB1 | 1 | 20/09/2023 | ≈ | 64 | 1  | 1  | 0 | 0 | 0 | 0 | 0 | 0 | 100,0 | ĐD | 0 | 0 | 0 | 0 | 0 | 0 | Chưa đạt
XB1  | 1 | 20/09/2023 | ≈ | 64 | 1  | 1  | 0 | 0 | 0 | 0 | 0 | 0 | 100,0 | ĐD | 0 | 0 | 0 | 0 | 0 | 0 | Chưa đạt
XB2  | 0 |            |   |    | 0  | 0  | 0 | 0 | 0 | 0 | 0 | 0 |       |    | 0 | 0 | 0 | 0 | 0 | 0 | Chưa đạt
HB   | 1 | 20/09/2023 | ≈ | 64 | 1  | 1  | 0 | 0 | 0 | 0 | 0 | 0 | 100,0 | ĐD | 0 | 0 | 0 | 0 | 0 | 0 | Chưa đạt
TINH | 2 | 01/08/2023 |   | 14 | 10 | 7  | 1 | 1 | 2 | 1 | 0 | 0 | 80,0  | ĐD | 0 | 0 | 0 | 0 | 0 | 0 | Chưa đạt
""")

# Q3 2023 (01/07–30/09): S0, S1, S2, C1.
# CBA1: S0 + S1: 2 sessions; 5 required, 4 attended, late 1, excused 1 made up: 5/5 = 100,0.
#       Reports owed from Q3 studies: An, Cường (S0), Bình (S1): 3, submitted 3, passed 1.
# CBA2: S1 + S2: 2; 6 required, 4 attended, 2 unexcused: 66,7. Reports owed from Q3:
#       Dung, Em, Khanh (S1): 3, submitted 1 (Em) = 33,3%, passed 1. (Hoa's is Q4's.)
# XA1 = HA: 3 sessions; 11 required, 8 attended, late 1, excused 1, unexcused 2, made up 1:
#       9/11 = 81,8; reports 6, submitted 4 (66,7%), passed 2, sent back 1.
# CBB1, XB1, XB2 and HB as unfiltered (S2 and C1 are both in Q3).
# TINH: 4 sessions; (8+1+1 + 998)/(11+1+1000) = 1008/1012 = 99,60 → 99,6.
QUARTER_3 = hand_table("""
CBA1 | 2 | 28/07/2023 |   |  | 5  | 4 | 1 | 1 | 0 | 1 | 0    | 0   | 100,0 | ĐD | 3 | 3 | 1 | 1 | 2 | 1 | Đạt
CBA2 | 2 | 01/08/2023 |   |  | 6  | 4 | 0 | 0 | 2 | 0 | 0    | 0   | 66,7  | ĐD | 3 | 1 | 1 | 0 | 0 | 0 | Chưa đạt
XA1  | 3 | 28/07/2023 |   |  | 11 | 8 | 1 | 1 | 2 | 1 | 0    | 0   | 81,8  | ĐD | 6 | 4 | 2 | 1 | 2 | 1 | Chưa đạt
HA   | 3 | 28/07/2023 |   |  | 11 | 8 | 1 | 1 | 2 | 1 | 0    | 0   | 81,8  | ĐD | 6 | 4 | 2 | 1 | 2 | 1 | Chưa đạt
CBB1 | 1 | 20/09/2023 | ≈ |  | 1  | 1 | 0 | 0 | 0 | 0 | 0    | 0   | 100,0 | ĐD | 0 | 0 | 0 | 0 | 0 | 0 | Đạt
XB1  | 1 | 20/09/2023 | ≈ |  | 1  | 1 | 0 | 0 | 0 | 0 | 0    | 0   | 100,0 | ĐD | 0 | 0 | 0 | 0 | 0 | 0 | Đạt
XB2  | 1 | 05/09/2023 |   |  | 0  | 0 | 0 | 0 | 0 | 0 | 1000 | 998 | 99,8  | BC | 0 | 0 | 0 | 0 | 0 | 0 | Đạt
HB   | 2 | 05/09/2023 |   |  | 1  | 1 | 0 | 0 | 0 | 0 | 1000 | 998 | 99,8  | KH | 0 | 0 | 0 | 0 | 0 | 0 | Đạt
TINH | 4 | 28/07/2023 |   |  | 12 | 9 | 1 | 1 | 2 | 1 | 1000 | 998 | 99,6  | KH | 6 | 4 | 2 | 1 | 2 | 1 | Chưa đạt
""")

# Q4 2023 (01/10–31/12): S3 only; Bình now counts in CBA2.
# CBA1: An, Cường present: 1 session, 2/2 = 100,0; no report owed from a Q4 study.
# CBA2: Bình, Dung, Khanh present, Hoa excused: 3/4 = 75,0; Hoa's report (owed from S3) passed.
# XA1 = HA = TINH: 6 required, 5 attended, 1 excused: 5/6 = 83,3; reports 1/1.
# Huyện B held nothing in Q4.
QUARTER_4 = hand_table("""
CBA1 | 1 | 10/10/2023 |  |  | 2 | 2 | 0 | 0 | 0 | 0 | 0 | 0 | 100,0 | ĐD | 0 | 0 | 0 | 0 | 0 | 0 | Đạt
CBA2 | 1 | 10/10/2023 |  |  | 4 | 3 | 0 | 1 | 0 | 0 | 0 | 0 | 75,0  | ĐD | 1 | 1 | 1 | 0 | 0 | 0 | Chưa đạt
XA1  | 1 | 10/10/2023 |  |  | 6 | 5 | 0 | 1 | 0 | 0 | 0 | 0 | 83,3  | ĐD | 1 | 1 | 1 | 0 | 0 | 0 | Chưa đạt
HA   | 1 | 10/10/2023 |  |  | 6 | 5 | 0 | 1 | 0 | 0 | 0 | 0 | 83,3  | ĐD | 1 | 1 | 1 | 0 | 0 | 0 | Chưa đạt
CBB1 | 0 |            |  |  | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |       |    | 0 | 0 | 0 | 0 | 0 | 0 | Chưa đạt
XB1  | 0 |            |  |  | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |       |    | 0 | 0 | 0 | 0 | 0 | 0 | Chưa đạt
XB2  | 0 |            |  |  | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |       |    | 0 | 0 | 0 | 0 | 0 | 0 | Chưa đạt
HB   | 0 |            |  |  | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |       |    | 0 | 0 | 0 | 0 | 0 | 0 | Chưa đạt
TINH | 1 | 10/10/2023 |  |  | 6 | 5 | 0 | 1 | 0 | 0 | 0 | 0 | 83,3  | ĐD | 1 | 1 | 1 | 0 | 0 | 0 | Chưa đạt
""")

# Every report page a manager opens: each unit with children, and a cell's own page.
ROOTS = ["province", "district_a", "commune_a", "cell_a1", "cell_a2", "district_b", "commune_b"]
ROOTS += ["company_b"]
CHILDREN = {
    "TINH": ["HA", "HB"],
    "HA": ["XA1"],
    "XA1": ["CBA1", "CBA2"],
    "CBA1": [],
    "CBA2": [],
    "HB": ["XB1", "XB2"],
    "XB1": ["CBB1"],
    "XB2": [],
}


def _filters(scenario, name):
    return {
        "unfiltered": {},
        "d1": {"document": scenario["d1"].pk},
        "d2": {"document": scenario["d2"].pk},
        "q3": {"year": 2023, "quarter": 3},
        "q4": {"year": 2023, "quarter": 4},
    }[name]


EXPECTED = {
    "unfiltered": UNFILTERED,
    "d1": DOCUMENT_1,
    "d2": DOCUMENT_2,
    "q3": QUARTER_3,
    "q4": QUARTER_4,
}


def _shown(row: dict[str, str]) -> dict[str, str]:
    return {key: row[header] for key, header in COLUMNS.items()}


@pytest.mark.parametrize("period", list(EXPECTED))
@pytest.mark.parametrize("root", ROOTS)
def test_every_figure_of_every_row_matches_the_hand_computed_scenario(
    client, superuser, tree, scenario, root, period
):
    client.force_login(superuser)
    expected = EXPECTED[period]
    rows = export_rows(client, tree[root], _filters(scenario, period))
    code = tree[root].code
    children = CHILDREN[code]
    assert [row["Mã đơn vị"] for row in rows] == [code, *children]
    assert _shown(rows[0]) == expected[code], code
    for child, row in zip(children, rows[1:], strict=True):
        assert _shown(row) == expected[child], child


ADDS_UP = ["req", "att", "late", "exc", "unexc", "mu", "r_exp", "r_att", "wr", "sub", "pass"]


@pytest.mark.parametrize("period", list(EXPECTED))
@pytest.mark.parametrize("root", ["province", "commune_a", "district_b"])
def test_the_children_add_up_to_their_parent(client, superuser, tree, scenario, root, period):
    client.force_login(superuser)
    total, *parts = export_rows(client, tree[root], _filters(scenario, period))
    for key in ADDS_UP:
        header = COLUMNS[key]
        assert int(total[header]) == sum(int(part[header]) for part in parts), header


REASONS = {
    # Unfiltered: no document, so only participation and written reports are judged.
    ("unfiltered", "CBA2"): "Tỷ lệ tham gia 70% (theo điểm danh), thấp hơn chỉ tiêu 95%; "
    "Bài thu hoạch đã nộp 50%, thấp hơn chỉ tiêu 100%",
    ("unfiltered", "TINH"): "Bài thu hoạch đã nộp 71,4%, thấp hơn chỉ tiêu 100%",
    # D1: Huyện A's programme came 20 + 31 + 30 + 5 = 86 days after 11/07; Xã A1's after 40.
    ("d1", "HA"): "Tỷ lệ tham gia 85,7% (theo điểm danh), thấp hơn chỉ tiêu 95%; "
    "Bài thu hoạch đã nộp 71,4%, thấp hơn chỉ tiêu 100%; "
    "Chương trình hành động ban hành sau 86 ngày, quá 60 ngày",
    ("d1", "XA1"): "Tỷ lệ tham gia 85,7% (theo điểm danh), thấp hơn chỉ tiêu 95%; "
    "Bài thu hoạch đã nộp 71,4%, thấp hơn chỉ tiêu 100%",
    ("d1", "XB2"): "Hội nghị đầu tiên sau 56 ngày, quá 30 ngày; "
    "Chưa ban hành chương trình hành động",
    ("d1", "HB"): "Hội nghị đầu tiên sau 56 ngày, quá 30 ngày; "
    "Chưa ban hành chương trình hành động",
    ("d1", "CBB1"): "Chưa tổ chức học tập, quán triệt",
    ("d1", "TINH"): "Bài thu hoạch đã nộp 71,4%, thấp hơn chỉ tiêu 100%; "
    "Chưa ban hành chương trình hành động",
    ("d2", "CBB1"): "Hội nghị đầu tiên sau 64 ngày, quá 30 ngày",
    ("d2", "XA1"): "Tỷ lệ tham gia 77,8% (theo điểm danh), thấp hơn chỉ tiêu 95%; "
    "Chưa ban hành chương trình hành động",
    ("q3", "CBA2"): "Tỷ lệ tham gia 66,7% (theo điểm danh), thấp hơn chỉ tiêu 95%; "
    "Bài thu hoạch đã nộp 33,3%, thấp hơn chỉ tiêu 100%",
    ("q4", "HB"): "Chưa tổ chức học tập, quán triệt",
    ("q4", "TINH"): "Tỷ lệ tham gia 83,3% (theo điểm danh), thấp hơn chỉ tiêu 95%",
}


@pytest.mark.parametrize(("period", "code"), list(REASONS))
def test_the_verdict_gives_its_reasons(client, superuser, tree, scenario, period, code):
    client.force_login(superuser)
    root = {"TINH": "province", "HA": "province", "HB": "province"}.get(code)
    root = root or {"XA1": "district_a", "XB1": "district_b", "XB2": "district_b"}.get(code)
    root = root or {"CBA2": "commune_a", "CBB1": "commune_b"}[code]
    rows = export_rows(client, tree[root], _filters(scenario, period))
    row = next(row for row in rows if row["Mã đơn vị"] == code)
    assert row["Lý do chưa đạt"] == REASONS[period, code]


# Programmes by issue date, inspections by start date (05/11/2023, so Q4):
# own programme of each unit and programmes in its subtree; the inspection of Xã A1 has one
# item open past its due date 01/12/2023 and one resolved.
PROGRAMMES = {
    #            (own programme date, programmes in subtree, inspections, open, overdue)
    "unfiltered": {
        "TINH": ("", 2, 1, 1, 1),
        "HA": ("05/10/2023", 2, 1, 1, 1),
        "XA1": ("20/08/2023", 1, 1, 1, 1),
        "CBA1": ("", 0, 0, 0, 0),
        "HB": ("", 0, 0, 0, 0),
    },
    "d2": {"TINH": ("", 0, 0, 0, 0), "HA": ("", 0, 0, 0, 0), "XA1": ("", 0, 0, 0, 0)},
    "q3": {"TINH": ("", 1, 0, 0, 0), "HA": ("", 1, 0, 0, 0), "XA1": ("20/08/2023", 1, 0, 0, 0)},
    "q4": {"TINH": ("", 1, 1, 1, 1), "HA": ("05/10/2023", 1, 1, 1, 1), "XA1": ("", 0, 1, 1, 1)},
}


@pytest.mark.parametrize("period", list(PROGRAMMES))
def test_programmes_and_inspections_count_in_their_own_period(
    client, superuser, tree, scenario, period
):
    client.force_login(superuser)
    for root in ("province", "district_a", "commune_a"):
        for row in export_rows(client, tree[root], _filters(scenario, period)):
            expected = PROGRAMMES[period].get(row["Mã đơn vị"])
            if expected is None:
                continue
            shown = (
                row["Ngày ban hành chương trình"],
                int(row["Chương trình hành động trong đơn vị"]),
                int(row["Cuộc kiểm tra"]),
                int(row["Yêu cầu khắc phục chưa xong"]),
                int(row["Quá hạn khắc phục"]),
            )
            assert shown == expected, (root, row["Mã đơn vị"])


def test_the_page_marks_the_estimated_date_on_the_session_that_has_it(
    client, superuser, tree, scenario
):
    """S2 (20/09/2023) has an estimated date; Huyện B's first session is C1 (05/09/2023),
    which has not: Phường B1's row carries the mark, the total row does not."""
    client.force_login(superuser)
    url = reverse("reports_app:unit", kwargs={"pk": tree["district_b"].pk})
    html = client.get(url).content.decode()
    assert "≈</abbr>20/09/2023" in html
    assert "≈</abbr>05/09/2023" not in html
    assert "05/09/2023" in html


def test_an_inverted_period_is_refused_naming_the_field(client, superuser, tree, scenario):
    client.force_login(superuser)
    url = reverse("reports_app:unit", kwargs={"pk": tree["province"].pk})
    response = client.get(url, {"date_from": "31/12/2023", "date_to": "01/07/2023"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Đến ngày" in html
    assert "không được trước" in html
