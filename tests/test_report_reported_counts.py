"""Figures reported as counts (no roster): rates from the right totals, each session counted
once in a total, and shown next to roster figures rather than instead of them.

Values computed by hand. The tree (tests/conftest.py): Tỉnh → Huyện A (HA) → Xã A1 (XA1) →
cells CBA1, CBA2; Tỉnh → Huyện B (HB) → Xã B1 (XB1) → cell CBB1.
"""

import csv
import datetime
import io
from decimal import Decimal

from django.urls import reverse

from reports_app.compliance import build_report
from reports_app.selectors import ReportFilters, monthly_trend
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


# --- F2: the rate divides attended by expected of the same sessions -----------------------


def test_attended_without_an_expected_count_stays_out_of_the_rate(tree):
    _counts([tree["commune_b"]], held_on=D(2024, 6, 1), reported_attended=1700)
    _counts([tree["commune_b"]], reported_expected=100, reported_attended=90)

    report = build_report(tree["district_b"], ReportFilters(), TODAY)

    for f in (_rows(report)["XB1"].figures, report.total.figures):
        assert (f.reported_sessions, f.reported_attended, f.reported_expected) == (2, 1790, 100)
        assert f.reported_rate == Decimal("90.0")  # 90 / 100, not 1.790 / 100
        assert f.participation_rate == Decimal("90.0")


def test_without_any_expected_count_the_reported_rates_are_averaged(tree):
    _counts([tree["commune_b"]], held_on=D(2024, 6, 1), reported_attended=1700, reported_rate=99)
    _counts([tree["commune_b"]], reported_rate=Decimal("96.6"))

    f = build_report(tree["district_b"], ReportFilters(), TODAY).total.figures

    assert f.reported_rate == Decimal("97.8")  # (99 + 96,6) / 2: each conference alike
    assert f.reported_rate_is_average


def test_a_parent_averages_the_rates_of_all_its_children_not_the_first(tree):
    _counts([tree["commune_a"]], reported_rate=90)
    _counts([tree["commune_b"]], reported_rate=Decimal("99.8"))

    report = build_report(tree["province"], ReportFilters(), TODAY)

    assert _rows(report)["HA"].figures.reported_rate == Decimal("90.0")
    assert _rows(report)["HB"].figures.reported_rate == Decimal("99.8")
    assert report.total.figures.reported_rate == Decimal("94.9")  # (90 + 99,8) / 2


def test_a_parent_weighs_its_childrens_rates_by_expected(tree):
    _counts([tree["commune_a"]], reported_expected=100, reported_attended=80)
    _counts([tree["commune_b"]], reported_expected=1000, reported_attended=990)

    f = build_report(tree["province"], ReportFilters(), TODAY).total.figures

    assert f.reported_rate == Decimal("97.3")  # 1.070 / 1.100, not (80% + 99%) / 2


# --- F3: a shared session counts once in a total ----------------------------------------


def test_a_session_shared_by_two_children_counts_once_in_the_parent_total(tree):
    _counts([tree["commune_a"], tree["commune_b"]], reported_expected=1000, reported_attended=950)

    report = build_report(tree["province"], ReportFilters(), TODAY)

    rows = _rows(report)
    for code in ("HA", "HB"):  # it reached both children: it counts in each
        f = rows[code].figures
        assert (f.reported_sessions, f.reported_expected, f.reported_attended) == (1, 1000, 950)
    total = report.total.figures
    assert (total.reported_sessions, total.reported_expected, total.reported_attended) == (
        1,
        1000,
        950,
    )
    assert total.participation_rate == Decimal("95.0")


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


# --- F4: roster and reported figures side by side -----------------------------------------


def _district_conference(tree):
    """A counts-only conference for all of Huyện A, which also has rosters (study_log):
    400 expected, 350 attended (87,5%)."""
    return _counts(
        [tree["district_a"]],
        held_on=D(2023, 9, 20),
        reported_expected=400,
        reported_attended=350,
        reported_site_count=12,
    )


def test_a_unit_with_rosters_keeps_its_reported_counts_next_to_them(tree, study_log):
    _district_conference(tree)

    report = build_report(tree["province"], ReportFilters(), TODAY)

    f = _rows(report)["HA"].figures
    assert (f.required, f.attended, f.made_up) == (5, 3, 1)
    assert (f.reported_sessions, f.reported_expected, f.reported_attended) == (1, 400, 350)
    assert f.roster_rate == Decimal("80.0")
    assert f.reported_rate == Decimal("87.5")
    assert f.has_roster and f.has_reported and not f.is_reported
    total = report.total.figures  # Huyện A's conference and Móng Cái's 998 of 1.000
    assert (total.reported_sessions, total.reported_expected, total.reported_attended) == (
        2,
        1400,
        1348,
    )
    assert total.reported_rate == Decimal("96.3")  # 1.348 / 1.400


def test_the_verdict_uses_the_roster_rate_and_says_so(tree, study_log):
    _district_conference(tree)

    row = _rows(build_report(tree["province"], ReportFilters(), TODAY))["HA"]

    assert row.figures.participation_rate == Decimal("80.0")
    assert row.reasons[0] == "Tỷ lệ tham gia 80% (theo điểm danh), thấp hơn chỉ tiêu 95%"


def test_without_a_roster_the_verdict_uses_the_reported_rate_and_says_so(tree):
    _counts([tree["commune_b"]], reported_expected=100, reported_attended=90)

    row = _rows(build_report(tree["district_b"], ReportFilters(), TODAY))["XB1"]

    assert row.figures.is_reported
    assert row.reasons[0] == "Tỷ lệ tham gia 90% (theo số liệu báo cáo), thấp hơn chỉ tiêu 95%"


def test_the_page_shows_both_rates_and_marks_the_reported_one(admin_client, tree, study_log):
    _district_conference(tree)

    url = reverse("reports_app:unit", kwargs={"pk": tree["province"].pk})
    page = admin_client.get(url).content.decode()

    district_a = page[
        page.index("Đảng bộ huyện Triệu Sơn</a>") : page.index(
            "</tr>", page.index("Đảng bộ huyện Triệu Sơn</a>")
        )
    ]
    assert "80%" in district_a
    assert "số liệu báo cáo" in district_a
    assert "87,5%" in district_a
    assert "12 điểm cầu" in district_a


def test_the_export_carries_roster_and_reported_columns(admin_client, tree, study_log):
    _district_conference(tree)

    url = reverse("reports_app:export_csv", kwargs={"pk": tree["province"].pk})
    content = admin_client.get(url).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    records = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}

    district_a, district_b = records["HA"], records["HB"]
    assert (district_a["Đảng viên phải học"], district_a["Tham dự"]) == ("5", "3")
    assert (district_a["Tỷ lệ tham gia (%)"], district_a["Tỷ lệ tính"]) == (
        "80,0",
        "theo điểm danh",
    )
    assert district_a["Số được triệu tập (báo cáo)"] == "400"
    assert district_a["Số tham dự (báo cáo)"] == "350"
    assert district_a["Tỷ lệ theo số liệu báo cáo (%)"] == "87,5"
    assert (district_b["Đảng viên phải học"], district_b["Tỷ lệ tính"]) == (
        "",
        "theo số liệu báo cáo",
    )
    assert (
        district_b["Tỷ lệ tham gia (%)"] == district_b["Tỷ lệ theo số liệu báo cáo (%)"] == "99,8"
    )


def test_the_print_layout_gives_both_and_the_basis_of_the_verdict(client, bob, tree, study_log):
    _district_conference(tree)
    client.force_login(bob)

    url = reverse("reports_app:print", kwargs={"pk": tree["district_a"].pk})
    page = client.get(url).content.decode()

    assert "tỷ lệ tham gia học tập theo điểm danh đạt 80%" in page
    assert "350 người tham dự, 400 người được triệu tập; tỷ lệ tham gia đạt 87,5%" in page
    assert "Tỷ lệ tham gia dùng để đánh giá được tính theo điểm danh." in page


# --- the monthly trend -------------------------------------------------------------------


def test_the_trends_reported_series_follows_the_sector_filter(tree, study_log):
    Organisation.objects.filter(code="XA1").update(sector=Sector.COMMUNE)

    everything = monthly_trend(tree["province"], ReportFilters())
    communes = monthly_trend(tree["province"], ReportFilters(sector=Sector.COMMUNE))

    assert [(r["month"].month, r["expected"], r["attended"]) for r in everything["reported"]] == [
        (9, 1000, 998)  # Móng Cái's conference for Phường Ka Long, not a commune
    ]
    assert communes["reported"] == []
    assert len(communes["roster"]) == 1  # Xã A1's session stays


def test_the_trend_counts_a_shared_session_once_and_rates_only_complete_counts(tree):
    _counts([tree["cell_a1"], tree["cell_a2"]], reported_expected=60, reported_attended=57)
    _counts([tree["commune_b"]], held_on=D(2024, 7, 2), reported_attended=1700)

    [july] = monthly_trend(tree["province"], ReportFilters())["reported"]

    assert (july["sessions"], july["expected"], july["attended"]) == (2, 60, 57)
