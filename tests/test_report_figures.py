"""Every figure and verdict of the compliance report against values computed by hand."""

import datetime
from decimal import Decimal

import pytest

from reports_app.compliance import build_report
from reports_app.selectors import ReportFilters
from tests.report_fixtures import study_log  # noqa: F401 (fixture)

TODAY = datetime.date(2024, 1, 15)


def _rows(report):
    return {row.unit.code: row for row in report.rows}


def test_a_district_rolls_up_its_commune_from_the_roster(tree, study_log):
    report = build_report(tree["district_a"], ReportFilters(document=study_log["doc"]), TODAY)
    commune = _rows(report)["XA1"]
    f = commune.figures
    assert (f.sessions, f.first_session) == (1, datetime.date(2023, 8, 1))
    assert commune.days_to_first == 21
    # Hoa is exempted: five members required, not six.
    assert (f.required, f.attended, f.late, f.excused, f.unexcused) == (5, 3, 1, 1, 1)
    assert f.made_up == 1
    assert f.participation_rate == Decimal("80.0")  # (3 attended + 1 made up) / 5
    assert not f.is_reported


def test_written_reports_programme_and_inspection_are_counted(tree, study_log):
    report = build_report(tree["district_a"], ReportFilters(document=study_log["doc"]), TODAY)
    f = _rows(report)["XA1"].figures
    assert (f.reports_required, f.submitted, f.passed, f.sent_back) == (5, 3, 1, 1)
    assert (f.leaders, f.leaders_with_plan) == (1, 1)
    assert f.report_rate == Decimal("60.0")
    assert (f.programmes, f.own_first) == (1, datetime.date(2023, 8, 20))
    assert _rows(report)["XA1"].days_to_programme == 40
    assert (f.inspections, f.concluded, f.open_items, f.overdue) == (1, 1, 1, 1)


def test_the_commune_fails_on_participation_and_reports_with_reasons(tree, study_log):
    report = build_report(tree["district_a"], ReportFilters(document=study_log["doc"]), TODAY)
    commune = _rows(report)["XA1"]
    assert commune.verdict == "Chưa đạt"
    assert commune.reasons == [
        "Tỷ lệ tham gia 80% (theo điểm danh), thấp hơn chỉ tiêu 95%",
        "Bài thu hoạch đã nộp 60%, thấp hơn chỉ tiêu 100%",
    ]


def test_the_district_row_totals_its_children(tree, study_log):
    report = build_report(tree["district_a"], ReportFilters(document=study_log["doc"]), TODAY)
    total = report.total.figures
    assert (total.sessions, total.required, total.attended, total.made_up) == (1, 5, 3, 1)
    assert report.total.reasons[0] == "Tỷ lệ tham gia 80% (theo điểm danh), thấp hơn chỉ tiêu 95%"
    assert "Chưa ban hành chương trình hành động" in report.total.reasons


def test_a_cell_row_counts_only_its_own_members(tree, study_log):
    report = build_report(tree["commune_a"], ReportFilters(), TODAY)
    cells = _rows(report)
    assert (cells["CBA1"].figures.required, cells["CBA1"].figures.attended) == (3, 2)
    assert cells["CBA1"].figures.made_up == 1
    assert cells["CBA1"].figures.participation_rate == Decimal("100.0")
    assert (cells["CBA2"].figures.required, cells["CBA2"].figures.attended) == (2, 1)
    assert cells["CBA1"].figures.sessions == 1  # held for the whole commune, so it reached the cell


def test_counts_only_units_show_reported_figures_and_are_marked(tree, study_log):
    report = build_report(tree["province"], ReportFilters(), TODAY)
    district_b = _rows(report)["HB"]
    f = district_b.figures
    assert f.is_reported
    assert (f.reported_expected, f.reported_attended, f.reported_sites) == (1000, 998, 36)
    assert f.participation_rate == Decimal("99.8")
    assert f.required == 0
    assert f.rate_basis == "theo số liệu báo cáo"
    # Giang, on Phường Ka Long's roster, was required at the conference: she owes a report.
    assert (f.reports_required, f.submitted) == (1, 0)
    assert district_b.reasons == ["Bài thu hoạch đã nộp 0%, thấp hơn chỉ tiêu 100%"]
    assert report.total.figures.sessions == 2


def test_the_period_filter_leaves_out_sessions_outside_it(tree, study_log):
    filters = ReportFilters(
        date_from=datetime.date(2023, 9, 1), date_to=datetime.date(2023, 12, 31)
    )
    report = build_report(tree["province"], filters, TODAY)
    rows = _rows(report)
    assert rows["HA"].figures.sessions == 0
    assert rows["HA"].figures.required == 0
    assert rows["HA"].reasons == ["Chưa tổ chức học tập, quán triệt"]
    assert rows["HB"].figures.reported_sessions == 1


def test_the_kind_filter_lists_only_children_with_such_units(tree, study_log):
    from sessions_app.choices import Sector
    from sessions_app.models import Organisation

    Organisation.objects.filter(code="XA1").update(sector=Sector.COMMUNE)
    report = build_report(tree["province"], ReportFilters(sector=Sector.COMMUNE), TODAY)
    assert [row.unit.code for row in report.rows] == ["HA"]
    assert report.rows[0].figures.required == 5
    assert report.total.figures.reported_sessions == 0


def test_targets_are_records_an_administrator_edits(tree, study_log):
    from reports_app.models import ComplianceTarget

    filters = ReportFilters(document=study_log["doc"])
    before = _rows(build_report(tree["district_a"], filters, TODAY))["XA1"]
    assert "Tỷ lệ tham gia 80% (theo điểm danh), thấp hơn chỉ tiêu 95%" in before.reasons
    ComplianceTarget.objects.update(participation_rate_min=Decimal("80"), report_rate_min=60)
    after = _rows(build_report(tree["district_a"], filters, TODAY))["XA1"]
    assert after.reasons == []
    assert after.verdict == "Đạt"


def test_year_and_quarter_narrow_the_period():
    from reports_app.filters import ReportFilterSet

    filters = ReportFilterSet({"year": "2023", "quarter": "3"}).report_filters()
    assert (filters.date_from, filters.date_to) == (
        datetime.date(2023, 7, 1),
        datetime.date(2023, 9, 30),
    )
    filters = ReportFilterSet({"date_from": "15/08/2023", "year": "2023"}).report_filters()
    assert (filters.date_from, filters.date_to) == (
        datetime.date(2023, 8, 15),
        datetime.date(2023, 12, 31),
    )


# --- attendance counts only where the member was required ------------------------------


def _roll_call(tree, statuses, held_on=datetime.date(2024, 3, 5)):
    """A session for cell B1 with one member per status (leaders, so key-cadre sessions
    require them), recorded through the service while every one of them was required."""
    from sessions_app import services
    from tests import builders

    doc = builders.document("01-KL/TW", datetime.date(2024, 1, 10))
    session = builders.session(tree["district_b"], [tree["cell_b1"]], [doc], held_on=held_on)
    members = [
        builders.member(
            tree["cell_b1"], f"Đảng viên {i}", datetime.date(2015, 5, 1), is_leader=i < 3
        )
        for i in range(len(statuses))
    ]
    services.attendance_record_roster(
        session=session, statuses={m.pk: s for m, s in zip(members, statuses, strict=True)}
    )
    return session, members


def test_an_exemption_granted_after_the_roll_call_drops_that_members_attendance(tree):
    from sessions_app import services
    from sessions_app.choices import AttendanceStatus as S

    _, members = _roll_call(tree, [S.PRESENT, S.PRESENT, S.ABSENT_EXCUSED, S.PRESENT])
    before = build_report(tree["cell_b1"], ReportFilters(), TODAY).total.figures
    assert (before.required, before.attended, before.excused) == (4, 3, 1)
    assert before.participation_rate == Decimal("75.0")

    services.exemption_grant(
        member=members[3], started_on=datetime.date(2024, 1, 1), reason="Ốm dài ngày"
    )

    after = build_report(tree["cell_b1"], ReportFilters(), TODAY).total.figures
    assert (after.required, after.attended, after.excused) == (3, 2, 1)
    assert after.participation_rate == Decimal("66.7")  # 2 of 3, not 3 of 3


def _exempt(member, session):
    from sessions_app import services

    services.exemption_grant(member=member, started_on=datetime.date(2024, 1, 1), reason="Ốm")


def _joined_later(member, session):
    from sessions_app.models import Member
    from sessions_app.obligations import obligations_refresh

    # A correction of the joining date, as the admin's save does: the obligations follow.
    Member.objects.filter(pk=member.pk).update(joined_on=datetime.date(2024, 6, 1))
    obligations_refresh(member_ids=[member.pk])


def _key_cadres_only(member, session):
    from sessions_app.choices import Audience
    from sessions_app.models import StudySession
    from sessions_app.obligations import obligations_refresh

    StudySession.objects.filter(pk=session.pk).update(audience=Audience.KEY_CADRES)
    obligations_refresh(session_ids=[session.pk])


@pytest.mark.parametrize(
    "no_longer_required", [_exempt, _joined_later, _key_cadres_only], ids=lambda f: f.__name__
)
def test_attendance_of_members_not_required_counts_in_no_column(tree, no_longer_required):
    """An, Bình, Cường (leaders) and Dung, Em: present, late, excused and made up, present,
    unexcused and made up. Dung and Em stop being required; every column drops them."""
    from sessions_app import services
    from sessions_app.choices import AttendanceStatus as S
    from tests import builders

    statuses = [S.PRESENT, S.LATE, S.ABSENT_EXCUSED, S.PRESENT, S.ABSENT_UNEXCUSED]
    session, members = _roll_call(tree, statuses)
    makeup = builders.session(
        tree["district_b"],
        [tree["cell_b1"]],
        list(session.documents.all()),
        held_on=datetime.date(2024, 3, 20),
        makeup_of=session,
    )
    for member in (members[2], members[4]):
        services.attendance_record(session=makeup, member=member, status=S.PRESENT)
    for member in (members[3], members[4]):
        no_longer_required(member, session)

    f = build_report(tree["district_b"], ReportFilters(), TODAY).total.figures
    assert (f.required, f.attended, f.late, f.excused, f.unexcused, f.made_up) == (3, 2, 1, 1, 0, 1)
    assert f.participation_rate == Decimal("100.0")  # (2 attended + 1 made up) / 3
