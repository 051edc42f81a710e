"""The database refuses impossible records, whatever path writes them; forms get Vietnamese messages."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from sessions_app.choices import ReportStatus
from sessions_app.models import (
    Attendance,
    Exemption,
    Inspection,
    Member,
    SessionSite,
    StudySession,
    WrittenReport,
)
from tests import builders


@pytest.fixture
def study(tree, roster):
    return builders.session(tree["cell_a1"], [tree["cell_a1"]], [builders.document()])


def _refused_by_database(write):
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


def _message_of(instance) -> str:
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    return " ".join(caught.value.messages)


def test_a_session_that_ends_before_it_starts_is_refused(study):
    study.start_time, study.end_time = datetime.time(14, 0), datetime.time(8, 0)
    assert "Giờ kết thúc phải sau giờ bắt đầu" in _message_of(study)
    _refused_by_database(study.save)


def test_a_site_cannot_have_more_attendees_than_expected(study):
    site = SessionSite(session=study, name="Điểm cầu xã", expected=50, attended=60)
    assert "không được lớn hơn số được triệu tập" in _message_of(site)
    _refused_by_database(site.save)


def test_reported_attendance_cannot_exceed_the_reported_total(study):
    study.reported_expected, study.reported_attended = 100, 120
    assert "Số tham dự không được lớn hơn" in _message_of(study)
    _refused_by_database(study.save)


def test_a_member_appears_once_per_session(study, roster):
    Attendance.objects.create(session=study, member=roster["an"])
    duplicate = Attendance(session=study, member=roster["an"])
    assert "đã có trong danh sách điểm danh" in _message_of(duplicate)
    _refused_by_database(duplicate.save)


def test_member_codes_are_unique(tree, roster):
    twin = Member(
        code="A001", full_name="Trùng mã", unit=tree["cell_a1"], joined_on=datetime.date(2020, 1, 1)
    )
    assert "mã đảng viên" in _message_of(twin).lower()
    _refused_by_database(twin.save)


def test_a_member_cannot_become_full_before_joining(tree):
    member = Member(
        code="X1",
        full_name="Ngày sai",
        unit=tree["cell_a1"],
        joined_on=datetime.date(2020, 1, 1),
        full_member_on=datetime.date(2019, 1, 1),
    )
    assert "Ngày chuyển chính thức không được trước ngày vào Đảng" in _message_of(member)
    _refused_by_database(member.save)


def test_an_exemption_ends_after_it_starts(roster):
    exemption = Exemption(
        member=roster["an"],
        started_on=datetime.date(2023, 5, 1),
        ended_on=datetime.date(2023, 1, 1),
    )
    assert "không được trước ngày bắt đầu" in _message_of(exemption)
    _refused_by_database(exemption.save)


def test_a_report_grade_stays_between_0_and_10(roster):
    report = WrittenReport(
        member=roster["an"],
        document=builders.document(),
        status=ReportStatus.PASSED,
        submitted_on=datetime.date(2023, 9, 5),
        grade=12,
    )
    assert "Điểm phải trong khoảng 0–10" in _message_of(report)
    _refused_by_database(report.save)


def test_a_submitted_report_has_a_submission_date(roster):
    report = WrittenReport(
        member=roster["an"], document=builders.document(), status=ReportStatus.SUBMITTED
    )
    assert "Bài đã nộp phải có ngày nộp" in _message_of(report)
    _refused_by_database(report.save)


def test_a_committee_does_not_inspect_itself(tree):
    inspection = Inspection(
        inspecting_unit=tree["district_a"],
        inspected_unit=tree["district_a"],
        started_on=datetime.date(2024, 1, 5),
    )
    assert "không tự kiểm tra chính mình" in _message_of(inspection)
    _refused_by_database(inspection.save)


def test_a_session_is_not_its_own_make_up(study):
    StudySession.objects.filter(pk=study.pk).update(makeup_of=None)
    study.makeup_of = study
    _refused_by_database(study.save)
