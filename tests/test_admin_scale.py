"""Admin lists over a generated province: a page's queries do not grow with its rows,
counts are computed for the rows shown, big lists count by estimate (PostgreSQL)."""

import io
from datetime import date

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from sessions_app import admin_base, services
from sessions_app.choices import AttendanceStatus, StaffRole, UnitKind
from sessions_app.models import (
    Attendance,
    Inspection,
    Organisation,
    RemediationItem,
    StudySession,
)

LISTS = [
    "organisation",
    "document",
    "member",
    "studysession",
    "attendance",
    "writtenreport",
    "actionprogramme",
    "inspection",
    "remediationitem",
]


@pytest.fixture
def province_manager(db):
    """A manager of the whole generated province (scale 0.001: 250 members, ~4,000 roll calls)."""
    call_command("generate_province", scale=0.001, seed=1, stdout=io.StringIO())
    province = Organisation.objects.get(kind=UnitKind.PROVINCE)
    user = get_user_model().objects.create_user(username="tinh", password="x", is_staff=True)
    services.staff_profile_save(user=user, unit=province, role=StaffRole.MANAGER)
    return user


def changelist_url(name: str) -> str:
    return reverse(f"admin:sessions_app_{name}_changelist")


def test_a_list_page_runs_as_many_queries_for_fifty_rows_as_for_five(
    client, province_manager, monkeypatch, django_assert_max_num_queries
):
    client.force_login(province_manager)
    # A handful of inspections at this scale: give their lists more rows than a page of 5.
    inspection = Inspection.objects.first()
    RemediationItem.objects.bulk_create(
        RemediationItem(inspection=inspection, description=f"Yêu cầu {n}", due_on=date(2025, 1, n))
        for n in range(1, 7)
    )
    for name in LISTS:
        model_admin = next(a for m, a in admin.site._registry.items() if m._meta.model_name == name)
        monkeypatch.setattr(model_admin, "list_per_page", 5)
        with django_assert_max_num_queries(18) as five:
            response = client.get(changelist_url(name))
        assert response.status_code == 200
        total = model_admin.model._default_manager.count()
        assert len(response.context["cl"].result_list) == min(5, total), name
        monkeypatch.setattr(model_admin, "list_per_page", 50)
        with django_assert_max_num_queries(len(five.captured_queries)):
            response = client.get(changelist_url(name))
        assert len(response.context["cl"].result_list) == min(50, total) > 5, name


def test_the_sessions_list_shows_each_sessions_own_tallies(client, province_manager):
    client.force_login(province_manager)
    response = client.get(changelist_url("studysession"))
    shown = list(response.context["cl"].result_list)
    assert len(shown) == 50
    attended = AttendanceStatus.attended_values()
    for session in shown:
        statuses = list(Attendance.objects.filter(session=session).values_list("status", flat=True))
        assert session.n_recorded == len(statuses)
        assert session.n_attended == sum(s in attended for s in statuses)
        assert session.n_late == statuses.count(AttendanceStatus.LATE)
        assert session.n_absent == len(statuses) - session.n_attended
    assert any(s.n_absent for s in shown)


def test_the_sessions_list_counts_attendance_in_subqueries_not_a_join_over_all_sessions():
    query = StudySession.objects.annotate(**_tallies()).query
    assert query.group_by is None


def _tallies():
    from sessions_app.selectors import session_tally_annotations

    return session_tally_annotations()


def test_the_attendance_list_names_who_recorded_each_row_without_a_query_per_row(
    client, province_manager, django_assert_max_num_queries
):
    client.force_login(province_manager)
    with django_assert_max_num_queries(15):
        response = client.get(changelist_url("attendance"))
    rows = response.context["cl"].result_list
    assert all(row.recorded_by.username.startswith("nhaplieu-") for row in rows)
    # Newest session first, in the order of its unique index.
    top = Attendance.objects.order_by("-session_id", "-member_id").first()
    assert rows[0].pk == top.pk


def test_a_big_list_counts_by_estimate_and_drops_the_date_drill_down(
    client, province_manager, monkeypatch
):
    client.force_login(province_manager)
    total = Attendance.objects.count()
    monkeypatch.setattr(admin_base, "EXACT_COUNT_BELOW", 100)
    admin_base._table_rows.clear()  # sizes cached by earlier tests (before the generator's ANALYZE)
    response = client.get(changelist_url("attendance"))
    cl = response.context["cl"]
    if connection.vendor == "postgresql":
        assert cl.paginator.is_estimate
        assert "khoảng" in response.text
        assert cl.date_hierarchy is None
        assert 0 < cl.result_count < 10 * total
    else:  # no planner estimate: counts exactly and keeps the drill-down
        assert not cl.paginator.is_estimate
        assert cl.result_count == total
        assert cl.date_hierarchy == "session__held_on"


def test_a_small_list_counts_exactly(client, province_manager):
    client.force_login(province_manager)
    response = client.get(changelist_url("member"))
    cl = response.context["cl"]
    assert not cl.paginator.is_estimate
    assert cl.result_count == 250
    assert "khoảng" not in response.text
