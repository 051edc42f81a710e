"""Each finding of the access probe, asked again through the door the user used.

The tree and personas are conftest's: Alice enters data in cell A1, Bob manages
district A, Charlie enters data in cell B1 (the sibling branch), Diana administers
district A, Erik district B. A few tests add a persona of their own, named where made.
"""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from sessions_app import access, services
from sessions_app.choices import AttendanceStatus, StaffRole, UnitKind
from sessions_app.models import (
    Attendance,
    Document,
    Inspection,
    Member,
    Organisation,
    StudySession,
    WrittenReport,
)
from tests import builders
from tests.admin_forms import page_form_data
from tests.conftest import _staff

User = get_user_model()


def _url(obj, name, *args):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{name}", args=args or [obj.pk])


def _revert_url(obj, version):
    return _url(obj, "simple_history", obj.pk, version.history_id)


def _revert_data(client, superuser, obj, version, **changes) -> dict:
    """What the revert page posts (read as the superuser, who may open every version)."""
    client.force_login(superuser)
    data = page_form_data(client.get(_revert_url(obj, version)))
    data.update(changes)
    return data


@pytest.fixture
def hoa(tree):
    """Unit administrator of cell A1: may revert what is its own, nothing else."""
    return _staff("hoa", tree["cell_a1"], StaffRole.UNIT_ADMIN)


@pytest.fixture
def phuong(tree):
    """Data-entry staff of the province: a province-level role."""
    return _staff("phuong", tree["province"], StaffRole.DATA_ENTRY)


# --- 1. The revert page writes only what the change page would --------------------------


def test_the_inspected_cell_cannot_rewrite_its_inspection_through_the_revert_page(
    client, superuser, hoa, tree
):
    inspection = Inspection.objects.create(
        inspecting_unit=tree["district_a"],
        inspected_unit=tree["cell_a1"],
        started_on=datetime.date(2024, 3, 1),
        conclusion="Chưa đạt",
    )
    version = inspection.history.earliest()
    data = _revert_data(client, superuser, inspection, version, conclusion="Đạt", targets_met="on")
    data["inspecting_unit"] = str(tree["cell_a1"].pk)

    client.force_login(hoa)
    response = client.post(_revert_url(inspection, version), data)

    assert response.status_code == 403
    inspection.refresh_from_db()
    assert (inspection.conclusion, inspection.inspecting_unit) == ("Chưa đạt", tree["district_a"])


def test_a_cell_taking_part_in_a_shared_class_cannot_take_it_over_by_revert(
    client, superuser, hoa, tree
):
    shared = builders.session(
        tree["province"], [tree["cell_a1"], tree["cell_b1"]], [builders.document()]
    )
    version = shared.history.earliest()
    data = _revert_data(
        client,
        superuser,
        shared,
        version,
        organiser=str(tree["cell_a1"].pk),
        participating_units=[str(tree["cell_a1"].pk)],
    )

    client.force_login(hoa)
    assert client.post(_revert_url(shared, version), data).status_code == 403

    shared.refresh_from_db()
    assert shared.organiser == tree["province"]
    assert set(shared.participating_units.all()) == {tree["cell_a1"], tree["cell_b1"]}


def test_a_cell_cannot_revert_a_member_who_has_transferred_away(
    client, superuser, hoa, tree, roster
):
    an = roster["an"]
    version = an.history.latest()
    services.member_transfer(member=an, to_unit=tree["cell_b1"], on=datetime.date(2024, 1, 15))
    data = _revert_data(client, superuser, an, version, full_name="Tên bị sửa")

    client.force_login(hoa)
    assert client.post(_revert_url(an, version), data).status_code == 403

    an.refresh_from_db()
    assert (an.full_name, an.unit) == ("Nguyễn Văn An", tree["cell_b1"])


def test_a_revert_keeps_the_members_cell_and_placements_together_and_is_audited(
    client, diana, tree, roster
):
    an = roster["an"]
    services.member_transfer(member=an, to_unit=tree["cell_a2"], on=datetime.date(2024, 1, 15))
    an.full_name = "Nguyễn Văn Ân"
    an.save()
    in_cell_a1 = an.history.order_by("history_id").first()
    assert in_cell_a1.unit_id == tree["cell_a1"].pk

    client.force_login(diana)
    data = page_form_data(client.get(_revert_url(an, in_cell_a1)))
    response = client.post(_revert_url(an, in_cell_a1), data)

    assert response.status_code == 302
    an.refresh_from_db()
    # The name goes back; the cell is a transfer's business and stays with the placements.
    assert an.full_name == "Nguyễn Văn An"
    assert an.unit == tree["cell_a2"]
    assert an.placements.get(ended_on__isnull=True).unit == tree["cell_a2"]
    latest = an.history.latest()
    assert latest.history_user == diana
    assert latest.history_change_reason == f"Khôi phục phiên bản {in_cell_a1.history_id}"


def test_data_entry_staff_see_no_history_button_and_cannot_revert(client, alice, diana, roster):
    an = roster["an"]
    version = an.history.latest()
    history_link = _url(an, "history")

    client.force_login(diana)
    assert history_link in client.get(_url(an, "change")).content.decode()
    data = page_form_data(client.get(_revert_url(an, version)))

    client.force_login(alice)
    assert history_link not in client.get(_url(an, "change")).content.decode()
    assert client.get(history_link).status_code == 403
    assert client.post(_revert_url(an, version), {**data, "full_name": "Khác"}).status_code == 403
    an.refresh_from_db()
    assert an.full_name == "Nguyễn Văn An"


# --- 2. The role groups are what the admin asks --------------------------------------------


def _document_change(client, user, document, **changes):
    client.force_login(user)
    page = client.get(_url(document, "change"))
    data = page_form_data(page) if page.status_code == 200 else {}
    data.update(changes)
    return client.post(_url(document, "change"), data)


def test_data_entry_of_a_cell_adds_documents_but_cannot_change_them(
    client, superuser, alice, diana
):
    document = builders.document("114-QĐ/TW", title="Quy định về chế độ học tập")
    for user in (alice, diana):
        response = _document_change(client, user, document, title="Đã bị đổi")
        assert response.status_code == 403
    document.refresh_from_db()
    assert document.title == "Quy định về chế độ học tập"
    assert "_save" not in client.get(_url(document, "change")).content.decode()

    client.force_login(alice)
    added = client.post(
        reverse("admin:sessions_app_document_add"),
        {"symbol": "117-QĐ/TW", "issued_on": "11/07/2023", "title": "Văn bản mới", "term": ""},
    )
    assert added.status_code == 302
    assert Document.objects.filter(symbol="117-QĐ/TW").exists()
    assert client.get(reverse("admin:sessions_app_document_import")).status_code == 403


def test_a_province_level_data_entry_role_changes_the_shared_documents(client, phuong):
    document = builders.document("114-QĐ/TW", title="Quy định về chế độ học tập")
    assert _document_change(client, phuong, document, title="Trích yếu đã sửa").status_code == 302
    document.refresh_from_db()
    assert document.title == "Trích yếu đã sửa"


def test_staff_cannot_rename_retype_add_or_delete_units(client, alice, diana, tree):
    cell = tree["cell_a1"]
    for user in (alice, diana):
        client.force_login(user)
        page = client.get(_url(cell, "change"))
        assert page.status_code == 200  # they read their unit
        data = {**page_form_data(page), "name": "Đảng bộ tỉnh", "kind": UnitKind.PROVINCE}
        assert client.post(_url(cell, "change"), data).status_code == 403
        assert client.get(reverse("admin:sessions_app_organisation_add")).status_code == 403
        assert client.post(_url(cell, "delete"), {"post": "yes"}).status_code == 403
        assert client.get(reverse("admin:sessions_app_organisation_import")).status_code == 403
    cell.refresh_from_db()
    assert (cell.name, cell.kind) == ("Chi bộ thôn 1", UnitKind.CELL)


# --- 3. After a transfer, past rows stay with the branch they happened in -------------------


@pytest.fixture
def transferred(tree, roster):
    """An attended the cell's September session in A1, then moved to cell B1 in January."""
    an = roster["an"]
    document = builders.document()
    session = builders.session(tree["cell_a1"], [tree["cell_a1"]], [document])
    attendance = services.attendance_record(
        session=session, member=an, status=AttendanceStatus.PRESENT
    )
    report = WrittenReport.objects.create(
        member=an, document=document, session=session, text="Bài thu hoạch tháng 9"
    )
    services.member_transfer(member=an, to_unit=tree["cell_b1"], on=datetime.date(2024, 1, 15))
    return {"member": an, "session": session, "attendance": attendance, "report": report}


def test_after_a_transfer_the_new_cell_neither_lists_nor_deletes_the_old_attendance(
    client, alice, charlie, transferred
):
    attendance = transferred["attendance"]
    client.force_login(charlie)
    listed = client.get(reverse("admin:sessions_app_attendance_changelist")).content.decode()
    assert _url(attendance, "change") not in listed
    assert client.post(_url(attendance, "delete"), {"post": "yes"}).status_code in (403, 404)
    exported = client.get(
        reverse("admin:sessions_app_attendance_export", args=["csv"])
    ).content.decode("utf-8-sig")
    assert "A001" not in exported
    assert Attendance.objects.filter(pk=attendance.pk).exists()

    client.force_login(alice)  # the cell the member was in on the day keeps the record
    listed = client.get(reverse("admin:sessions_app_attendance_changelist")).content.decode()
    assert _url(attendance, "change") in listed
    exported = client.get(
        reverse("admin:sessions_app_attendance_export", args=["csv"])
    ).content.decode("utf-8-sig")
    assert "A001" in exported


def test_after_a_transfer_the_written_report_of_the_old_session_stays_with_the_old_cell(
    client, alice, charlie, transferred
):
    report = transferred["report"]
    client.force_login(charlie)
    assert client.get(_url(report, "change")).status_code in (302, 404)
    client.force_login(alice)
    assert client.get(_url(report, "change")).status_code == 200


# --- 4. Saving a shared session keeps the units the editor cannot see -----------------------


def test_saving_a_shared_session_keeps_participants_outside_the_editors_subtree(
    client, diana, tree
):
    shared = builders.session(
        tree["district_a"], [tree["cell_a1"], tree["cell_b1"]], [builders.document()]
    )
    client.force_login(diana)
    page = client.get(_url(shared, "change"))
    assert "1 đơn vị tham gia ngoài phạm vi của bạn" in page.content.decode()
    data = {**page_form_data(page), "title": "Hội nghị đã đổi tên"}
    data["participating_units"] = [str(tree["cell_a1"].pk), str(tree["cell_a2"].pk)]

    assert client.post(_url(shared, "change"), data).status_code == 302

    shared.refresh_from_db()
    assert shared.title == "Hội nghị đã đổi tên"
    assert set(shared.participating_units.all()) == {
        tree["cell_a1"],
        tree["cell_a2"],
        tree["cell_b1"],
    }


# --- 5. The consistency page names only members the viewer may read ------------------------


def test_the_consistency_page_does_not_name_members_of_another_branch(
    client, superuser, bob, tree, roster
):
    session = builders.session(tree["district_a"], [tree["cell_a1"]], [builders.document()])
    Attendance.objects.create(session=session, member=roster["giang"])  # a stray roll call
    url = reverse("reports_app:checks", kwargs={"pk": tree["district_a"].pk})

    client.force_login(superuser)
    assert "B001" in client.get(url).content.decode()
    client.force_login(bob)
    page = client.get(url)
    assert page.status_code == 200
    assert "B001" not in page.content.decode() and "Vũ Thị Giang" not in page.content.decode()


# --- 7. Every login a unit administrator makes lands in their subtree -----------------------


def _new_login(tree_unit_pk, total_forms="1"):
    data = {
        "username": "lanh",
        "password1": "Mat-khau-du-dai-2024",
        "password2": "Mat-khau-du-dai-2024",
        "usable_password": "true",
        "staff_profile-TOTAL_FORMS": total_forms,
        "staff_profile-INITIAL_FORMS": "0",
        "staff_profile-MIN_NUM_FORMS": "0",
        "staff_profile-MAX_NUM_FORMS": "1",
        "staff_profile-0-role": StaffRole.DATA_ENTRY,
    }
    if tree_unit_pk is not None:
        data["staff_profile-0-unit"] = str(tree_unit_pk)
    return data


@pytest.mark.parametrize("total_forms,unit", [("0", None), ("1", None), ("1", "cell_b1")])
def test_a_unit_admin_cannot_create_a_login_without_a_unit_in_their_subtree(
    client, diana, tree, total_forms, unit
):
    client.force_login(diana)
    unit_pk = tree[unit].pk if unit else None
    response = client.post(reverse("admin:auth_user_add"), _new_login(unit_pk, total_forms))
    assert response.status_code in (200, 403)
    assert not User.objects.filter(username="lanh").exists()


def test_a_unit_admin_creates_a_login_in_their_subtree(client, diana, tree):
    client.force_login(diana)
    response = client.post(reverse("admin:auth_user_add"), _new_login(tree["cell_a2"].pk))
    assert response.status_code == 302
    assert User.objects.get(username="lanh").staff_profile.unit == tree["cell_a2"]


# --- 8. A NUL byte in a query string is a 400, on SQLite and PostgreSQL --------------------


@pytest.mark.parametrize(
    "path",
    [
        "/admin/sessions_app/member/?unit_path=%00",
        "/admin/sessions_app/member/?q=%00",
        "/admin/sessions_app/attendance/?session__held_on__gte=%00",
        "/admin/autocomplete/?app_label=sessions_app&model_name=studysession"
        "&field_name=organiser&term=%00",
        "/bao-cao/?document=%00",
    ],
)
def test_a_nul_byte_in_the_query_string_is_a_bad_request_not_a_server_error(diana, tree, path):
    client = Client(raise_request_exception=False)
    client.force_login(diana)
    response = client.get(path)
    assert response.status_code == 400
    assert "ký tự không hợp lệ" in response.content.decode()


def test_a_nul_byte_in_a_unit_report_filter_is_a_bad_request(client, bob, tree):
    client.force_login(bob)
    url = reverse("reports_app:unit", kwargs={"pk": tree["district_a"].pk})
    assert client.get(url + "?sector=%00").status_code == 400


# --- 9. Reports are private; links a user may not follow are not shown ---------------------


@pytest.mark.parametrize("name", ["unit", "matrix", "print", "checks", "export_csv", "export_xlsx"])
def test_report_pages_and_exports_are_never_cached(client, bob, tree, name):
    client.force_login(bob)
    response = client.get(reverse(f"reports_app:{name}", kwargs={"pk": tree["district_a"].pk}))
    assert response.status_code == 200
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control


def test_admin_exports_are_never_cached(client, alice, roster):
    client.force_login(alice)
    response = client.get(reverse("admin:sessions_app_member_export", args=["csv"]))
    assert response.status_code == 200
    assert {"private", "no-store"} <= {p.strip() for p in response["Cache-Control"].split(",")}


def test_a_manager_sees_no_history_button_without_the_right_to_open_it(client, bob, alice):
    member = builders.member(alice.staff_profile.unit, "Đinh Văn Sơn")
    client.force_login(bob)  # managers read the trail: the button is there and opens
    page = client.get(_url(member, "change")).content.decode()
    assert _url(member, "history") in page
    assert client.get(_url(member, "history")).status_code == 200


# --- The access module itself ----------------------------------------------------------------


def test_restrict_refuses_unknown_actions(alice):
    with pytest.raises(ValueError):
        access.restrict(Member.objects.all(), alice, "publish")


def test_get_for_user_or_404_treats_malformed_ids_as_absent(alice, roster):
    from django.http import Http404

    for pk in ("abc", "\x00", "", None):
        with pytest.raises(Http404):
            access.get_for_user_or_404(Member, alice, pk, "view")
    assert access.get_for_user_or_404(Organisation, alice, alice.staff_profile.unit_id) == (
        alice.staff_profile.unit
    )


def test_a_session_listed_by_a_participating_cell_is_not_its_to_change(alice, tree):
    session = builders.session(tree["district_a"], [tree["cell_a1"]], [builders.document()])
    visible = access.restrict(StudySession.objects.all(), alice, "view")
    changeable = access.restrict(StudySession.objects.all(), alice, "change")
    assert session in visible and session not in changeable


def test_the_old_helper_names_ask_the_access_module_until_their_callers_switch(
    rf, alice, bob, charlie, roster
):
    from django.http import Http404

    from sessions_app.admin_base import may_write
    from sessions_app.models.scoping import get_object_visible_or_404

    an = roster["an"]
    assert get_object_visible_or_404(Member, alice, an.pk) == an
    with pytest.raises(Http404):
        get_object_visible_or_404(Member, charlie, an.pk)
    request = rf.get("/")
    request.user = alice
    answers = [may_write(request), may_write(request, Document)]
    request.user = bob
    answers += [may_write(request), may_write(request, Member)]
    assert answers == [True, False, False, False]
