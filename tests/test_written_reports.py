"""Reviewing written reports (bài thu hoạch): grades, send-backs with a reason, versions kept."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from sessions_app import services
from sessions_app.choices import ReportRating, ReportStatus
from sessions_app.models import WrittenReport
from tests import builders
from tests.admin_forms import page_form_data


@pytest.fixture
def submitted(roster):
    """An (a leader) and Bình (not a leader) handed in reports on 114-QĐ/TW."""
    doc = builders.document()
    return {
        key: services.written_report_submit(
            report=WrittenReport(member=roster[key], document=doc),
            submitted_on=datetime.date(2023, 9, 10),
            text=f"Liên hệ bản thân của {roster[key].full_name}: rà soát việc làm hằng ngày.",
        )
        for key in ("an", "binh")
    }


def _change(report):
    return reverse("admin:sessions_app_writtenreport_change", args=[report.pk])


def _changelist():
    return reverse("admin:sessions_app_writtenreport_changelist")


def test_a_leaders_report_without_an_action_plan_cannot_pass(client, alice, submitted):
    report = submitted["an"]
    client.force_login(alice)
    data = page_form_data(client.get(_change(report)))

    response = client.post(
        _change(report), {**data, "decision": ReportRating.GOOD, "reviewer_comment": "Tốt"}
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["action_plan"] == [WrittenReport.LEADER_PLAN_MESSAGE]
    assert "Tốt" in response.content.decode()  # what was typed stays
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_a_leaders_report_with_an_action_plan_passes_graded_and_records_the_reviewer(
    client, alice, submitted
):
    report = submitted["an"]
    client.force_login(alice)
    data = page_form_data(client.get(_change(report)))

    response = client.post(
        _change(report),
        {
            **data,
            "decision": ReportRating.FAIR,
            "action_plan": "Quý IV: rà soát quy chế",
            "reviewer_comment": "Có liên hệ thực tế.",
            "grade": "8,5",
        },
    )

    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.rating, report.reviewer, str(report.grade)) == (
        ReportStatus.PASSED,
        ReportRating.FAIR,
        alice,
        "8.50",
    )
    version = report.versions.get()
    assert (version.outcome, version.rating, version.reviewer_comment) == (
        ReportStatus.PASSED,
        ReportRating.FAIR,
        "Có liên hệ thực tế.",
    )
    assert report.history.first().history_user == alice  # audited


def test_grading_khong_dat_fails_the_report(client, alice, submitted):
    report = submitted["binh"]
    client.force_login(alice)
    data = page_form_data(client.get(_change(report)))

    client.post(
        _change(report), {**data, "decision": ReportRating.FAIL, "reviewer_comment": "Sơ sài"}
    )

    report.refresh_from_db()
    assert (report.status, report.rating) == (ReportStatus.FAILED, ReportRating.FAIL)


def test_sending_a_report_back_needs_a_reason(client, alice, submitted):
    report = submitted["binh"]
    client.force_login(alice)
    data = page_form_data(client.get(_change(report)))

    response = client.post(_change(report), {**data, "decision": "yeu_cau_sua"})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["reviewer_comment"] == [
        services.SEND_BACK_REASON_MESSAGE
    ]
    report.refresh_from_db()
    assert (report.status, report.revision_count) == (ReportStatus.SUBMITTED, 0)


def test_sending_a_report_back_counts_a_revision_and_keeps_the_reason(client, alice, submitted):
    report = submitted["binh"]
    assert report.revision_count == 0
    client.force_login(alice)
    data = page_form_data(client.get(_change(report)))

    client.post(
        _change(report),
        {**data, "decision": "yeu_cau_sua", "reviewer_comment": "Chưa liên hệ thực tế."},
    )

    report.refresh_from_db()
    assert (report.status, report.revision_count) == (ReportStatus.REVISION_REQUESTED, 1)
    assert report.versions.get().reviewer_comment == "Chưa liên hệ thực tế."


def test_a_resubmission_is_a_new_version_shown_beside_the_previous_one(client, alice, submitted):
    report = submitted["binh"]
    services.written_report_review(
        report=report,
        status=ReportStatus.REVISION_REQUESTED,
        comment="Viết lại phần liên hệ.",
        by=alice,
        reviewed_on=datetime.date(2023, 9, 12),
    )
    client.force_login(alice)
    data = page_form_data(client.get(_change(report)))

    response = client.post(
        _change(report),
        {**data, "submitted_on": "20/09/2023", "text": "Bản viết lại: liên hệ công việc thủ quỹ."},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors

    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    first, second = report.versions.order_by("number")
    assert (first.number, first.outcome, first.submitted_on) == (
        1,
        ReportStatus.REVISION_REQUESTED,
        datetime.date(2023, 9, 10),
    )
    assert (second.number, second.outcome, second.submitted_on) == (
        2,
        ReportStatus.SUBMITTED,
        datetime.date(2023, 9, 20),
    )
    page = client.get(reverse("admin:sessions_app_writtenreport_versions", args=[report.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Lần nộp 2, cạnh lần 1" in html
    assert "Bản viết lại: liên hệ công việc thủ quỹ." in html
    assert "Viết lại phần liên hệ." in html
    assert "rà soát việc làm hằng ngày" in html


def test_the_versions_page_is_not_shown_outside_the_unit(client, charlie, submitted):
    client.force_login(charlie)
    url = reverse("admin:sessions_app_writtenreport_versions", args=[submitted["binh"].pk])

    assert client.get(url).status_code == 404


def test_passing_the_selected_passes_the_others_and_names_the_leader_without_a_plan(
    client, alice, submitted
):
    client.force_login(alice)

    response = client.post(
        _changelist(),
        {
            "action": "pass_selected",
            "_selected_action": [submitted["an"].pk, submitted["binh"].pk],
        },
        follow=True,
    )

    statuses = dict(WrittenReport.objects.values_list("member__code", "status"))
    assert statuses == {"A001": ReportStatus.SUBMITTED, "A002": ReportStatus.PASSED}
    shown = [str(message) for message in response.context["messages"]]
    assert "Đã đánh giá Đạt 1 bài thu hoạch." in shown
    assert any("Nguyễn Văn An" in m and "kế hoạch hành động" in m for m in shown)


def test_sending_back_the_selected_asks_one_reason_and_applies_it_to_each(client, alice, submitted):
    client.force_login(alice)
    selected = [submitted["an"].pk, submitted["binh"].pk]

    confirm = client.post(
        _changelist(), {"action": "send_back_selected", "_selected_action": selected}
    )
    assert confirm.status_code == 200
    assert "Lý do trả lại" in confirm.content.decode()
    assert WrittenReport.objects.filter(status=ReportStatus.REVISION_REQUESTED).count() == 0

    client.post(
        _changelist(),
        {
            "action": "send_back_selected",
            "_selected_action": selected,
            "apply": "1",
            "reason": "Chép nguyên văn đề cương.",
        },
    )

    reports = WrittenReport.objects.order_by("member__code")
    assert [(r.status, r.revision_count, r.reviewer_comment) for r in reports] == [
        (ReportStatus.REVISION_REQUESTED, 1, "Chép nguyên văn đề cương."),
        (ReportStatus.REVISION_REQUESTED, 1, "Chép nguyên văn đề cương."),
    ]


def test_a_manager_cannot_run_the_bulk_review(client, bob, submitted):
    client.force_login(bob)

    client.post(
        _changelist(), {"action": "pass_selected", "_selected_action": [submitted["binh"].pk]}
    )

    assert WrittenReport.objects.get(pk=submitted["binh"].pk).status == ReportStatus.SUBMITTED


def test_a_report_not_handed_in_cannot_be_graded(roster):
    report = WrittenReport.objects.create(member=roster["cuong"], document=builders.document())
    with pytest.raises(ValidationError) as caught:
        services.written_report_review(report=report, status=ReportStatus.PASSED)
    assert "chưa nộp" in caught.value.message_dict["status"][0]
