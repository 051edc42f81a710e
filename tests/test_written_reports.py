"""Grading written reports (bài thu hoạch): leaders add an action plan, send-backs are counted."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from sessions_app import services
from sessions_app.choices import ReportStatus
from sessions_app.models import WrittenReport
from tests import builders
from tests.admin_forms import page_form_data


@pytest.fixture
def submitted(roster):
    """An (a leader) and Bình (not a leader) handed in reports on 114-QĐ/TW."""
    doc = builders.document()
    return {
        key: WrittenReport.objects.create(
            member=roster[key],
            document=doc,
            status=ReportStatus.SUBMITTED,
            submitted_on=datetime.date(2023, 9, 10),
            text="Liên hệ bản thân…",
        )
        for key in ("an", "binh")
    }


def _change(report):
    return reverse("admin:sessions_app_writtenreport_change", args=[report.pk])


def test_a_leaders_report_without_an_action_plan_cannot_pass(client, alice, submitted):
    report = submitted["an"]
    client.force_login(alice)
    data = page_form_data(client.get(_change(report)))

    response = client.post(
        _change(report), {**data, "status": ReportStatus.PASSED, "reviewer_comment": "Tốt"}
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["action_plan"] == [WrittenReport.LEADER_PLAN_MESSAGE]
    assert "Tốt" in response.content.decode()  # what was typed stays
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_a_leaders_report_with_an_action_plan_passes_and_records_the_reviewer(
    client, alice, submitted
):
    report = submitted["an"]
    client.force_login(alice)
    data = page_form_data(client.get(_change(report)))

    response = client.post(
        _change(report),
        {
            **data,
            "status": ReportStatus.PASSED,
            "action_plan": "Quý IV: rà soát quy chế",
            "grade": "8,5",
        },
    )

    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.reviewer, str(report.grade)) == (
        ReportStatus.PASSED,
        alice,
        "8.50",
    )
    assert report.reviewed_on is not None


def test_sending_a_report_back_counts_a_revision(client, alice, submitted):
    report = submitted["binh"]
    assert report.revision_count == 0
    client.force_login(alice)
    data = page_form_data(client.get(_change(report)))

    client.post(_change(report), {**data, "status": ReportStatus.REVISION_REQUESTED})

    report.refresh_from_db()
    assert (report.status, report.revision_count) == (ReportStatus.REVISION_REQUESTED, 1)


def test_a_report_not_handed_in_cannot_be_graded(roster):
    report = WrittenReport.objects.create(member=roster["cuong"], document=builders.document())
    with pytest.raises(ValidationError) as caught:
        services.written_report_review(report=report, status=ReportStatus.PASSED)
    assert "chưa nộp" in caught.value.message_dict["status"][0]
