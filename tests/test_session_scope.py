"""A district's session attended by several cells: each cell records its own members only,
and none of them may change or delete the district's session itself."""

import pytest
from django.urls import reverse

from sessions_app.access import allowed
from sessions_app.choices import AttendanceStatus
from sessions_app.models import Attendance, Member, StudySession
from tests import builders
from tests.admin_forms import page_form_data


@pytest.fixture
def district_session(tree, roster):
    """Organised by Huyện A; cells A1 (An, Bình, Cường) and A2 (Dung, Em) take part."""
    return builders.session(
        tree["district_a"],
        [tree["cell_a1"], tree["cell_a2"]],
        [builders.document()],
        title="Hội nghị quán triệt của huyện",
    )


def _checklist(study):
    return reverse("admin:sessions_app_studysession_attendance", args=[study.pk])


def _change(study):
    return reverse("admin:sessions_app_studysession_change", args=[study.pk])


def _statuses(response):
    form = response.context["form"]
    return {name: form[name].value() for name in form.fields}


def test_a_cell_sees_the_district_session_and_only_its_own_members_on_the_roll(
    client, alice, district_session, roster
):
    client.force_login(alice)
    page = client.get(_checklist(district_session))
    assert page.status_code == 200
    listed = {m.code for m in page.context["form"].members}
    assert listed == {"A001", "A002", "A003"}
    text = page.content.decode()
    assert "Phạm Thị Dung" not in text and "Chi bộ thôn 2" not in text


def test_a_cell_records_its_own_members_at_the_district_session(
    client, alice, district_session, roster
):
    client.force_login(alice)
    data = _statuses(client.get(_checklist(district_session)))
    data[f"status_{roster['binh'].pk}"] = AttendanceStatus.LATE

    response = client.post(_checklist(district_session), data)

    assert response.status_code == 302
    recorded = dict(Attendance.objects.values_list("member__code", "status"))
    assert recorded == {
        "A001": AttendanceStatus.PRESENT,
        "A002": AttendanceStatus.LATE,
        "A003": AttendanceStatus.PRESENT,
    }
    assert Attendance.history.filter(history_user=alice).count() == 3


def test_a_post_naming_the_neighbouring_cells_member_is_refused_and_nothing_written(
    client, alice, district_session, roster
):
    client.force_login(alice)
    data = _statuses(client.get(_checklist(district_session)))
    data[f"status_{roster['dung'].pk}"] = AttendanceStatus.ABSENT_UNEXCUSED

    response = client.post(_checklist(district_session), data)

    assert response.status_code == 200
    assert (
        "Chỉ được điểm danh đảng viên thuộc đơn vị của bạn; không được ghi cho: "
        "Phạm Thị Dung (A004)." in response.content.decode()
    )
    assert not Attendance.objects.exists()


def test_the_district_records_every_participating_cell(client, diana, district_session):
    client.force_login(diana)
    page = client.get(_checklist(district_session))
    assert {m.code for m in page.context["form"].members} == {
        "A001",
        "A002",
        "A003",
        "A004",
        "A005",
    }
    assert client.post(_checklist(district_session), _statuses(page)).status_code == 302
    assert Attendance.objects.count() == 5


def test_a_cell_reads_the_district_session_but_cannot_change_or_delete_it(
    client, alice, diana, district_session
):
    assert not allowed(alice, "change", type(district_session), district_session)
    assert allowed(diana, "change", type(district_session), district_session)
    client.force_login(alice)
    page = client.get(_change(district_session))
    assert page.status_code == 200
    text = page.content.decode()
    assert 'name="_save"' not in text and "Hội nghị quán triệt của huyện" in text

    posted = client.post(_change(district_session), {"title": "Bị cell sửa"})
    assert posted.status_code == 403
    delete_url = reverse("admin:sessions_app_studysession_delete", args=[district_session.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    district_session.refresh_from_db()
    assert district_session.title == "Hội nghị quán triệt của huyện"


def test_the_organiser_still_changes_its_session(client, diana, district_session):
    client.force_login(diana)
    data = page_form_data(client.get(_change(district_session)))
    response = client.post(_change(district_session), {**data, "location": "Hội trường huyện"})
    assert response.status_code == 302
    district_session.refresh_from_db()
    assert district_session.location == "Hội trường huyện"


def test_a_cell_still_changes_its_own_session(client, alice, tree):
    own = builders.session(tree["cell_a1"], [tree["cell_a1"]], [builders.document()])
    client.force_login(alice)
    data = page_form_data(client.get(_change(own)))
    assert client.post(_change(own), {**data, "location": "Nhà văn hóa"}).status_code == 302


# --- Bulk actions go through the same rules -----------------------------------------------


def _delete_selected(client, changelist, pks, *, confirm):
    data = {"action": "delete_selected", "_selected_action": [str(pk) for pk in pks]}
    if confirm:
        data["post"] = "yes"
    return client.post(changelist, data)


def test_delete_selected_removes_only_visible_records_and_writes_their_history(
    client, alice, roster
):
    changelist = reverse("admin:sessions_app_member_changelist")
    chosen = [roster["cuong"].pk, roster["giang"].pk]  # Giang belongs to Huyện B
    client.force_login(alice)

    response = _delete_selected(client, changelist, chosen, confirm=True)

    assert response.status_code == 302
    assert not Member.objects.filter(pk=roster["cuong"].pk).exists()
    assert Member.objects.filter(pk=roster["giang"].pk).exists()
    deletion = Member.history.get(id=roster["cuong"].pk, history_type="-")
    assert deletion.history_user == alice


def test_delete_selected_refuses_a_session_the_cell_only_attends(
    client, alice, tree, district_session
):
    own = builders.session(
        tree["cell_a1"], [tree["cell_a1"]], list(district_session.documents.all())
    )
    changelist = reverse("admin:sessions_app_studysession_changelist")
    client.force_login(alice)

    response = _delete_selected(client, changelist, [own.pk, district_session.pk], confirm=True)

    assert response.status_code == 302
    shown = client.get(response.url).content.decode()
    assert "Không xóa được" in shown
    assert StudySession.objects.filter(pk__in=[own.pk, district_session.pk]).count() == 2


def test_a_manager_has_no_delete_action(client, bob, roster):
    changelist = reverse("admin:sessions_app_member_changelist")
    client.force_login(bob)
    _delete_selected(client, changelist, [roster["an"].pk], confirm=True)
    assert Member.objects.filter(pk=roster["an"].pk).exists()


def test_a_cell_exports_only_its_own_members_attendance_at_a_shared_session(
    client, alice, diana, district_session, roster
):
    for key in ("an", "dung"):
        Attendance.objects.create(session=district_session, member=roster[key])
    url = reverse(
        "admin:sessions_app_studysession_attendance_export", args=[district_session.pk, "csv"]
    )

    client.force_login(alice)
    mine = client.get(url).content.decode("utf-8-sig")
    client.force_login(diana)
    everyone = client.get(url).content.decode("utf-8-sig")

    assert "A001" in mine and "A004" not in mine  # Dung is in the neighbouring cell A2
    assert "A001" in everyone and "A004" in everyone
