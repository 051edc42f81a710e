"""The documents × units matrix and the consistency-checks page."""

import datetime

from django.urls import reverse

from reports_app.compliance import build_matrix, build_report, stages
from reports_app.models import ComplianceTarget
from reports_app.selectors import ReportFilters, consistency_issues
from sessions_app.choices import AttendanceStatus
from sessions_app.models import Attendance, MemberPlacement, SessionSite
from tests import builders
from tests.report_fixtures import study_log  # noqa: F401 (fixture)

D = datetime.date


def test_the_matrix_shows_the_stage_each_child_reached_per_document(tree, study_log):
    other = builders.document("117-QĐ/TW", D(2023, 8, 18))
    matrix = build_matrix(tree["province"], ReportFilters(), D(2024, 1, 15))
    assert [doc.symbol for doc in matrix.documents] == ["114-QĐ/TW"]
    assert other not in matrix.documents  # nobody studied it yet
    cells = {child.code: line[0] for child, line in matrix.rows}
    district_a, district_b = cells["HA"], cells["HB"]
    assert district_a.stages == {
        "studied": True,
        "participation": False,
        "reports": False,
        "programme": False,  # Xã A1 issued one; Huyện A itself did not, as its verdict says
        "inspected": True,
        "remediated": False,
    }
    assert "Chưa ban hành chương trình hành động" in district_a.row.reasons
    assert district_a.reached == "Đã học tập"
    assert district_a.row.verdict == "Chưa đạt"
    assert district_b.stages["participation"] is True
    # Giang, on the roster of Phường Ka Long, owes a report from its conference.
    assert district_b.stages["reports"] is False
    assert district_b.reached == "Đạt tỷ lệ tham gia"


def test_the_matrix_page_colours_cells_by_verdict(admin_client, tree, study_log):
    url = reverse("reports_app:matrix", kwargs={"pk": tree["province"].pk})
    html = admin_client.get(url).content.decode()
    assert "114-QĐ/TW" in html
    assert "level-partial" in html


def test_the_matrix_costs_a_fixed_number_of_queries(
    admin_client, tree, study_log, django_assert_max_num_queries
):
    url = reverse("reports_app:matrix", kwargs={"pk": tree["province"].pk})
    with django_assert_max_num_queries(20):
        assert admin_client.get(url).status_code == 200


def test_a_clean_study_log_has_no_issues(tree, study_log):
    issues = consistency_issues(tree["province"])
    assert all(not found for found in issues.values()), issues


def test_a_session_before_its_document_was_issued_is_flagged(tree, study_log):
    early = builders.session(
        tree["commune_a"], [tree["commune_a"]], [study_log["doc"]], held_on=D(2023, 7, 1)
    )
    assert [s.pk for s in consistency_issues(tree["province"])["before_document"]] == [early.pk]


def test_attendance_of_a_member_outside_the_participating_units_is_flagged(tree, roster, study_log):
    stray = Attendance.objects.create(
        session=study_log["session"], member=roster["giang"], status=AttendanceStatus.PRESENT
    )
    assert [a.pk for a in consistency_issues(tree["province"])["stray_attendance"]] == [stray.pk]


def test_a_member_active_in_two_units_at_once_is_flagged(tree, roster, study_log):
    MemberPlacement.objects.create(
        member=roster["binh"],
        unit=tree["cell_a2"],
        started_on=D(2020, 1, 1),
        ended_on=D(2024, 1, 1),
    )
    flagged = consistency_issues(tree["province"])["overlapping_placements"]
    assert {p.member_id for p in flagged} == {roster["binh"].pk}


def test_attendance_over_the_reported_expected_total_is_over_100_percent(tree, study_log):
    session = study_log["session"]
    session.reported_expected = 2  # three attended by the roster
    session.save()
    assert [s.pk for s in consistency_issues(tree["province"])["over_100"]] == [session.pk]


def test_sites_counting_more_than_the_expected_total_are_flagged(tree, study_log):
    session = study_log["counts_only"]
    SessionSite.objects.create(session=session, name="Điểm cầu 1", expected=600, attended=600)
    SessionSite.objects.create(session=session, name="Điểm cầu 2", expected=500, attended=500)
    assert [s.pk for s in consistency_issues(tree["province"])["sites_over_expected"]] == [
        session.pk
    ]


def test_the_checks_page_links_each_issue_to_its_record(client, bob, tree, roster, study_log):
    early = builders.session(
        tree["commune_a"], [tree["commune_a"]], [study_log["doc"]], held_on=D(2023, 7, 1)
    )
    client.force_login(bob)
    html = client.get(
        reverse("reports_app:checks", kwargs={"pk": tree["district_a"].pk})
    ).content.decode()
    assert f"/admin/sessions_app/studysession/{early.pk}/change/" in html
    assert "11/07/2023" in html


def test_outsiders_cannot_open_the_checks_page(client, charlie, tree):
    client.force_login(charlie)
    url = reverse("reports_app:checks", kwargs={"pk": tree["district_a"].pk})
    assert client.get(url).status_code == 404


def test_stages_without_a_document_judge_only_whether_a_programme_was_issued(tree, study_log):
    # Xã A1 issued its programme 40 days after 114-QĐ/TW: late against one document, but
    # across all documents there is no issue date to count from.
    report = build_report(tree["district_a"], ReportFilters(), D(2024, 1, 15))
    commune = next(row for row in report.rows if row.unit.code == "XA1")
    assert commune.figures.own_first is not None and commune.document is None
    assert stages(commune, ComplianceTarget.current())["programme"] is True
