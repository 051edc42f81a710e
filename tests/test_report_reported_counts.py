"""Figures reported as counts (no roster): rates from the right totals, each session counted
once, and combined with roster figures by the one stated rule (reports_app.figures.participation).

Values computed by hand. The tree (tests/conftest.py): Tỉnh → Huyện A (HA) → Xã A1 (XA1) →
cells CBA1, CBA2; Tỉnh → Huyện B (HB) → Xã B1 (XB1) → cell CBB1.
"""

import csv
import datetime
import io
from decimal import Decimal

from django.urls import reverse

from reports_app.compliance import build_report, trend
from reports_app.selectors import ReportFilters
from sessions_app.choices import Sector
from sessions_app.models import Document, Organisation
from tests import builders
from tests.report_fixtures import study_log  # noqa: F401 (fixture)

D = datetime.date
TODAY = D(2024, 12, 31)
JULY = D(2024, 7, 1)


def _rows(report):
    return {row.unit.code: row for row in report.rows}


def _counts(units, held_on=JULY, **reported):
    """A counts-only session held for these units, on 114-QĐ/TW."""
    doc = Document.objects.filter(symbol="114-QĐ/TW").first() or builders.document()
    return builders.session(units[0], units, [doc], held_on=held_on, **reported)


# --- the rate divides attended by expected of the same sessions -------------------------


def test_attended_without_an_expected_count_stays_out_of_the_rate(tree):
    _counts([tree["commune_b"]], held_on=D(2024, 6, 1), reported_attended=1700)
    _counts([tree["commune_b"]], reported_expected=100, reported_attended=90)

    report = build_report(tree["district_b"], ReportFilters(), TODAY)

    for f in (_rows(report)["XB1"].figures, report.total.figures):
        assert (f.reported_sessions, f.reported_attended, f.reported_expected) == (2, 1790, 100)
        assert f.participation_rate == Decimal("90.0")  # 90 / 100, not 1.790 / 100
        assert f.rate_basis == "theo số liệu báo cáo"


def test_without_any_expected_count_the_reported_rates_are_averaged(tree):
    _counts([tree["commune_b"]], held_on=D(2024, 6, 1), reported_attended=1700, reported_rate=99)
    _counts([tree["commune_b"]], reported_rate=Decimal("96.6"))

    f = build_report(tree["district_b"], ReportFilters(), TODAY).total.figures

    assert f.participation_rate == Decimal("97.8")  # (99 + 96,6) / 2: each conference alike


def test_a_parent_averages_the_rates_of_all_its_children_not_the_first(tree):
    _counts([tree["commune_a"]], reported_rate=90)
    _counts([tree["commune_b"]], reported_rate=Decimal("99.8"))

    report = build_report(tree["province"], ReportFilters(), TODAY)

    assert _rows(report)["HA"].figures.participation_rate == Decimal("90.0")
    assert _rows(report)["HB"].figures.participation_rate == Decimal("99.8")
    assert report.total.figures.participation_rate == Decimal("94.9")  # (90 + 99,8) / 2


def test_a_parent_weighs_its_childrens_rates_by_expected(tree):
    _counts([tree["commune_a"]], reported_expected=100, reported_attended=80)
    _counts([tree["commune_b"]], reported_expected=1000, reported_attended=990)

    f = build_report(tree["province"], ReportFilters(), TODAY).total.figures

    assert f.participation_rate == Decimal("97.3")  # 1.070 / 1.100, not (80% + 99%) / 2


# --- a shared session counts once, at the closest unit above its participants ------------


def test_a_session_shared_by_two_children_belongs_to_the_parent_itself(tree):
    _counts([tree["commune_a"], tree["commune_b"]], reported_expected=1000, reported_attended=950)

    report = build_report(tree["province"], ReportFilters(), TODAY)

    rows = _rows(report)
    for code in ("HA", "HB"):  # neither district can claim the joint count
        f = rows[code].figures
        assert (f.reported_sessions, f.reported_expected, f.reported_attended) == (0, 0, 0)
    own = report.own.figures  # the province's own row: the children add up with it
    assert (own.reported_sessions, own.reported_expected, own.reported_attended) == (1, 1000, 950)
    total = report.total.figures
    assert (total.reported_sessions, total.reported_expected, total.reported_attended) == (
        1,
        1000,
        950,
    )
    assert total.participation_rate == Decimal("95.0")


def test_the_own_row_is_exported_after_the_children(admin_client, tree):
    _counts([tree["commune_a"], tree["commune_b"]], reported_expected=1000, reported_attended=950)

    url = reverse("reports_app:export_csv", kwargs={"pk": tree["province"].pk})
    content = admin_client.get(url).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert [row[0] for row in rows[1:]] == ["TINH", "HA", "HB", "TINH (trực tiếp)"]


def test_a_session_for_two_cells_of_one_commune_counts_once_for_the_commune(tree):
    _counts([tree["cell_a1"], tree["cell_a2"]], reported_expected=60, reported_attended=57)

    report = build_report(tree["district_a"], ReportFilters(), TODAY)

    for f in (_rows(report)["XA1"].figures, report.total.figures):
        assert (f.reported_sessions, f.reported_expected, f.reported_attended) == (1, 60, 57)


def test_a_shared_session_counts_once_per_document_in_the_matrix(tree):
    from reports_app.compliance import build_matrix

    _counts([tree["cell_a1"], tree["cell_a2"]], reported_expected=60, reported_attended=57)

    matrix = build_matrix(tree["district_a"], ReportFilters(), TODAY)

    [(commune, [cell])] = matrix.rows
    assert commune == tree["commune_a"]
    f = cell.row.figures
    assert (f.reported_sessions, f.reported_expected, f.reported_attended) == (1, 60, 57)


# --- roster and reported figures combined by one rule -------------------------------------


def _district_conference(tree):
    """A counts-only conference for all of Huyện A, which also has rosters (study_log):
    400 expected, 350 attended, 12 sites."""
    return _counts(
        [tree["district_a"]],
        held_on=D(2023, 9, 20),
        reported_expected=400,
        reported_attended=350,
        reported_site_count=12,
    )


def test_a_unit_with_rosters_combines_its_reported_counts_by_their_numbers(tree, study_log):
    _district_conference(tree)

    report = build_report(tree["province"], ReportFilters(), TODAY)

    f = _rows(report)["HA"].figures
    assert (f.required, f.attended, f.made_up) == (5, 3, 1)
    assert (f.reported_sessions, f.reported_expected, f.reported_attended) == (1, 400, 350)
    # (3 attended + 1 made up + 350) / (5 + 400) = 354 / 405 = 87,41%
    assert f.participation_rate == Decimal("87.4")
    assert f.rate_basis == "kết hợp điểm danh và số liệu báo cáo"
    total = report.total.figures  # Huyện A's conference and Móng Cái's 998 of 1.000
    assert (total.reported_sessions, total.reported_expected, total.reported_attended) == (
        2,
        1400,
        1348,
    )
    # (4 + 1.348) / (5 + 1.400) = 1.352 / 1.405 = 96,23%
    assert total.participation_rate == Decimal("96.2")


def test_one_small_roll_call_does_not_outweigh_a_large_reported_conference(tree):
    """8 members on a roll call, 5 present, beside 10.600 delegates of whom 10.580 came."""
    from sessions_app import services
    from sessions_app.choices import AttendanceStatus as S

    _counts([tree["commune_b"]], reported_expected=10600, reported_attended=10580)
    doc = Document.objects.get()
    session = builders.session(tree["commune_a"], [tree["cell_a1"]], [doc], held_on=JULY)
    members = [builders.member(tree["cell_a1"], f"Đảng viên {i}") for i in range(8)]
    statuses = [S.PRESENT] * 5 + [S.ABSENT_EXCUSED] * 3
    services.attendance_record_roster(
        session=session, statuses={m.pk: s for m, s in zip(members, statuses, strict=True)}
    )

    report = build_report(tree["province"], ReportFilters(), TODAY)

    assert _rows(report)["HA"].figures.participation_rate == Decimal("62.5")  # 5 / 8
    # (5 + 10.580) / (8 + 10.600) = 10.585 / 10.608 = 99,78%
    assert report.total.figures.participation_rate == Decimal("99.8")
    assert not any("Tỷ lệ tham gia" in reason for reason in report.total.reasons)


def test_the_verdict_uses_the_combined_rate_and_says_so(tree, study_log):
    _district_conference(tree)

    row = _rows(build_report(tree["province"], ReportFilters(), TODAY))["HA"]

    assert row.reasons[0] == (
        "Tỷ lệ tham gia 87,4% (kết hợp điểm danh và số liệu báo cáo), thấp hơn chỉ tiêu 95%"
    )


def test_without_a_roster_the_verdict_uses_the_reported_rate_and_says_so(tree):
    _counts([tree["commune_b"]], reported_expected=100, reported_attended=90)

    row = _rows(build_report(tree["district_b"], ReportFilters(), TODAY))["XB1"]

    assert row.figures.is_reported
    assert row.reasons[0] == "Tỷ lệ tham gia 90% (theo số liệu báo cáo), thấp hơn chỉ tiêu 95%"


def test_the_page_shows_the_rate_with_its_basis(admin_client, tree, study_log):
    _district_conference(tree)

    url = reverse("reports_app:unit", kwargs={"pk": tree["province"].pk})
    page = admin_client.get(url).content.decode()

    table = page.index('<table class="report">')  # (the verdict above names it too)
    start = page.index("Đảng bộ huyện Triệu Sơn</a>", table)
    district_a = page[start : page.index("</tr>", start)]
    assert "87,4%" in district_a
    assert "kết hợp điểm danh và số liệu báo cáo" in district_a
    assert ">400</a>" in district_a and ">350</a>" in district_a


def test_the_export_carries_roster_and_reported_columns_and_the_basis(
    admin_client, tree, study_log
):
    _district_conference(tree)

    url = reverse("reports_app:export_csv", kwargs={"pk": tree["province"].pk})
    content = admin_client.get(url).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    records = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}

    district_a, district_b = records["HA"], records["HB"]
    assert (district_a["Đảng viên phải học"], district_a["Tham dự"]) == ("5", "3")
    assert (district_a["Tỷ lệ tham gia (%)"], district_a["Cơ sở tính tỷ lệ"]) == (
        "87,4",
        "kết hợp điểm danh và số liệu báo cáo",
    )
    assert district_a["Số được triệu tập (báo cáo)"] == "400"
    assert district_a["Số tham dự (báo cáo)"] == "350"
    assert (district_b["Đảng viên phải học"], district_b["Cơ sở tính tỷ lệ"]) == (
        "0",
        "theo số liệu báo cáo",
    )
    assert district_b["Tỷ lệ tham gia (%)"] == "99,8"


def test_the_print_layout_gives_the_counts_and_the_basis(client, bob, tree, study_log):
    _district_conference(tree)
    client.force_login(bob)

    url = reverse("reports_app:print", kwargs={"pk": tree["district_a"].pk})
    page = client.get(url).content.decode()

    assert "đã học bù 1." in page
    assert "1 hội nghị với 12 điểm cầu, 350 người tham dự, 400 người được triệu tập." in page
    assert "Tỷ lệ tham gia học tập đạt 87,4% (kết hợp điểm danh và số liệu báo cáo)." in page


# --- the monthly trend -------------------------------------------------------------------


def test_the_trend_follows_the_sector_filter(tree, study_log):
    Organisation.objects.filter(code="XA1").update(sector=Sector.COMMUNE)

    everything = trend(tree["province"], ReportFilters(), TODAY)
    communes = trend(tree["province"], ReportFilters(sector=Sector.COMMUNE), TODAY)

    assert [(m["month"].month, m["rate"], m["basis"]) for m in everything] == [
        (8, Decimal("80.0"), "theo điểm danh"),  # Xã A1: (3 + 1 made up) / 5
        (9, Decimal("99.8"), "theo số liệu báo cáo"),  # Phường Ka Long, not a commune
    ]
    assert [m["month"].month for m in communes] == [8]


def test_the_trend_counts_a_shared_session_once_and_rates_only_complete_counts(tree):
    _counts([tree["cell_a1"], tree["cell_a2"]], reported_expected=60, reported_attended=57)
    _counts([tree["commune_b"]], held_on=D(2024, 7, 2), reported_attended=1700)

    [july] = trend(tree["province"], ReportFilters(), TODAY)

    assert july["rate"] == Decimal("95.0")  # 57 / 60; the 1.700 came without an expected count
    assert july["figures"]["reported_rate_expected"] == 60


def test_the_trend_and_the_table_give_the_same_rate_and_rounding(tree):
    """12 required, 10 attended, 1 absent and made up: 11 / 12 = 91,67% → 91,7 in both."""
    from sessions_app import services
    from sessions_app.choices import AttendanceStatus as S

    doc = builders.document()
    session = builders.session(tree["commune_a"], [tree["cell_a1"]], [doc], held_on=JULY)
    members = [builders.member(tree["cell_a1"], f"Đảng viên {i}") for i in range(12)]
    statuses = [S.PRESENT] * 10 + [S.ABSENT_EXCUSED, S.ABSENT_UNEXCUSED]
    services.attendance_record_roster(
        session=session, statuses={m.pk: s for m, s in zip(members, statuses, strict=True)}
    )
    makeup = builders.session(
        tree["commune_a"], [tree["cell_a1"]], [doc], held_on=D(2024, 7, 20), makeup_of=session
    )
    services.attendance_record(session=makeup, member=members[10], status=S.PRESENT)

    report = build_report(tree["cell_a1"], ReportFilters(), TODAY)
    [july] = trend(tree["cell_a1"], ReportFilters(), TODAY)

    assert report.total.figures.participation_rate == july["rate"] == Decimal("91.7")
