"""The roll call: a session's roster, everyone present unless marked late or absent."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sessions_app.choices import AttendanceStatus
from sessions_app.models import Attendance
from sessions_app.selectors import attendance_tallies
from tests import builders


@pytest.fixture
def cell_session(tree, roster):
    """A session of cell A1 (An, Bình, Cường) plus eight more members there."""
    for i in range(8):
        builders.member(tree["cell_a1"], f"Thành viên {i}", code=f"X{i:03d}")
    return builders.session(tree["cell_a1"], [tree["cell_a1"]], [builders.document()])


def _url(session):
    return reverse("admin:sessions_app_studysession_attendance", args=[session.pk])


def _post_data(response):
    form = response.context["form"]
    return {name: form[name].value() for name in form.fields}


def test_checklist_lists_every_member_present_by_default(admin_client, cell_session):
    response = admin_client.get(_url(cell_session))
    assert response.status_code == 200
    form = response.context["form"]
    assert len(form.members) == 11
    assert {form[f"status_{m.pk}"].value() for m in form.members} == {AttendanceStatus.PRESENT}
    assert "Chi bộ thôn 1" in response.content.decode()


def test_marking_three_members_records_everyone_and_updates_the_tallies(
    admin_client, cell_session, roster
):
    assert Attendance.objects.filter(session=cell_session).count() == 0
    data = _post_data(admin_client.get(_url(cell_session)))
    data[f"status_{roster['an'].pk}"] = AttendanceStatus.LATE
    data[f"status_{roster['binh'].pk}"] = AttendanceStatus.ABSENT_EXCUSED
    data[f"note_{roster['binh'].pk}"] = "Ốm"
    data[f"status_{roster['cuong'].pk}"] = AttendanceStatus.ABSENT_UNEXCUSED

    response = admin_client.post(_url(cell_session), data, follow=True)

    assert response.redirect_chain[-1][0].endswith(f"/studysession/{cell_session.pk}/change/")
    assert "Đã ghi điểm danh 11 đảng viên" in response.content.decode()
    tallies = attendance_tallies(cell_session)
    assert tallies["recorded"] == 11
    assert tallies["attended"] == 9
    assert tallies[AttendanceStatus.LATE] == 1
    assert tallies[AttendanceStatus.ABSENT_EXCUSED] == 1
    assert tallies[AttendanceStatus.ABSENT_UNEXCUSED] == 1
    assert Attendance.objects.get(member=roster["binh"]).note == "Ốm"
    assert response.context["tallies"] == tallies


def test_checklist_prefills_what_was_recorded(admin_client, cell_session, roster):
    Attendance.objects.create(
        session=cell_session, member=roster["an"], status=AttendanceStatus.LATE, note="10 phút"
    )
    form = admin_client.get(_url(cell_session)).context["form"]
    assert form[f"status_{roster['an'].pk}"].value() == AttendanceStatus.LATE
    assert form[f"note_{roster['an'].pk}"].value() == "10 phút"
    assert form[f"status_{roster['binh'].pk}"].value() == AttendanceStatus.PRESENT


def test_member_of_another_unit_is_refused_and_nothing_written(admin_client, cell_session, roster):
    data = _post_data(admin_client.get(_url(cell_session)))
    data[f"status_{roster['giang'].pk}"] = AttendanceStatus.PRESENT

    response = admin_client.post(_url(cell_session), data)

    assert response.status_code == 200
    assert "không thuộc các đơn vị tham gia hội nghị" in response.content.decode()
    assert "Vũ Thị Giang" in response.content.decode()
    assert Attendance.objects.filter(session=cell_session).count() == 0


def test_unknown_status_is_refused_on_the_row(admin_client, cell_session, roster):
    data = _post_data(admin_client.get(_url(cell_session)))
    data[f"status_{roster['an'].pk}"] = "ngu_gat"
    response = admin_client.post(_url(cell_session), data)
    assert response.context["form"].errors[f"status_{roster['an'].pk}"]
    assert Attendance.objects.filter(session=cell_session).count() == 0


def test_checklist_queries_do_not_grow_with_the_roster(admin_client, tree, cell_session):
    def count():
        admin_client.get(_url(cell_session))
        with CaptureQueriesContext(connection) as queries:
            admin_client.get(_url(cell_session))
        return len(queries)

    few = count()
    for i in range(40):
        builders.member(tree["cell_a1"], f"Thêm {i}", code=f"Y{i:03d}")
    assert count() == few
    data = _post_data(admin_client.get(_url(cell_session)))
    with CaptureQueriesContext(connection) as queries:
        admin_client.post(_url(cell_session), data)
    # The save adds a constant: the bulk writes, their history, and the obligation refresh.
    assert len(queries) <= few + 20


def test_outsider_cannot_open_the_checklist(client, charlie, cell_session):
    client.force_login(charlie)
    assert client.get(_url(cell_session)).status_code == 404


def test_manager_sees_the_checklist_but_cannot_save_it(client, bob, cell_session):
    client.force_login(bob)
    response = client.get(_url(cell_session))
    assert response.status_code == 200
    data = _post_data(response)
    assert client.post(_url(cell_session), data).status_code == 403
    assert Attendance.objects.filter(session=cell_session).count() == 0
