"""Audit trail: who changed what, when, from which value to which; deleted records restored."""

from django.urls import reverse

from sessions_app import services
from sessions_app.choices import AttendanceStatus
from sessions_app.models import Attendance, Member, WrittenReport
from tests import builders
from tests.admin_forms import page_form_data


def _member_form(client, member, **changes):
    page = client.get(reverse("admin:sessions_app_member_change", args=[member.pk]))
    return {**page_form_data(page), **changes}


def test_an_admin_edit_records_who_changed_which_field_from_what_to_what(client, alice, roster):
    an = roster["an"]
    assert an.history.count() == 1  # the creation
    client.force_login(alice)
    url = reverse("admin:sessions_app_member_change", args=[an.pk])
    response = client.post(url, _member_form(client, an, position="Trưởng thôn"))
    assert response.status_code == 302

    latest, before = an.history.all()[:2]
    assert latest.history_user == alice and latest.history_type == "~"
    change = {c.field: (c.old, c.new) for c in latest.diff_against(before).changes}
    assert change["position"] == ("", "Trưởng thôn")


def test_the_unit_admin_reads_the_trail_in_the_admin(client, alice, diana, roster):
    an = roster["an"]
    client.force_login(alice)
    client.post(
        reverse("admin:sessions_app_member_change", args=[an.pk]),
        _member_form(client, an, position="Trưởng thôn"),
    )
    client.force_login(diana)
    page = client.get(reverse("admin:sessions_app_member_history", args=[an.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "alice" in text and "Trưởng thôn" in text


def test_a_roster_checklist_saved_in_bulk_leaves_one_history_row_per_member(
    alice, tree, roster, django_assert_max_num_queries
):
    study = builders.session(tree["commune_a"], [tree["commune_a"]], [builders.document()])
    members = [roster[k] for k in ("an", "binh", "cuong")]  # Alice's own cell
    assert Attendance.history.count() == 0

    # 12 for the roll call and its history, 8 for refreshing the session's obligation rows,
    # 5 for recounting its tallies (the session locked, then delete and insert of each).
    with django_assert_max_num_queries(25):
        services.attendance_record_roster(
            session=study, statuses={m.pk: AttendanceStatus.PRESENT for m in members}, by=alice
        )
    created = Attendance.history.filter(history_type="+")
    assert created.count() == 3 and set(created.values_list("history_user", flat=True)) == {
        alice.pk
    }

    statuses = {m.pk: AttendanceStatus.PRESENT for m in members}
    statuses[roster["binh"].pk] = AttendanceStatus.ABSENT_EXCUSED
    services.attendance_record_roster(session=study, statuses=statuses, by=alice)
    changed = Attendance.history.filter(history_type="~")
    assert [(h.member_id, h.status) for h in changed] == [
        (roster["binh"].pk, AttendanceStatus.ABSENT_EXCUSED)
    ]
    previous = changed[0].prev_record
    assert previous.status == AttendanceStatus.PRESENT


def _deleted_report(client, alice, roster):
    report = WrittenReport.objects.create(
        member=roster["binh"], document=builders.document(), text="Bài thu hoạch của Bình"
    )
    client.force_login(alice)
    response = client.post(
        reverse("admin:sessions_app_writtenreport_delete", args=[report.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not WrittenReport.objects.filter(pk=report.pk).exists()
    return report


def test_a_deleted_record_is_listed_and_restored_by_the_unit_admin(client, alice, diana, roster):
    report = _deleted_report(client, alice, roster)
    client.force_login(diana)
    listed = client.get(reverse("admin:sessions_app_writtenreport_deleted"))
    deletion = report.history.get(history_type="-")
    assert deletion.history_user == alice
    version_url = reverse(
        "admin:sessions_app_writtenreport_simple_history", args=[report.pk, deletion.history_id]
    )
    assert version_url in listed.content.decode()

    form = client.get(version_url)
    assert form.status_code == 200 and "Bài thu hoạch của Bình" in form.content.decode()
    response = client.post(version_url, page_form_data(form))
    assert response.status_code == 302
    restored = WrittenReport.objects.get(pk=report.pk)
    assert restored.text == "Bài thu hoạch của Bình"
    assert restored.history.first().history_user == diana


def test_a_manager_sees_deleted_records_but_cannot_restore_them(client, alice, bob, roster):
    report = _deleted_report(client, alice, roster)
    deletion = report.history.get(history_type="-")
    client.force_login(bob)
    assert client.get(reverse("admin:sessions_app_writtenreport_deleted")).status_code == 200
    version_url = reverse(
        "admin:sessions_app_writtenreport_simple_history", args=[report.pk, deletion.history_id]
    )
    response = client.post(
        version_url,
        {"member": report.member_id, "document": report.document_id, "status": report.status},
    )
    assert response.status_code == 403
    assert not WrittenReport.objects.filter(pk=report.pk).exists()


def test_outsiders_cannot_read_a_deleted_records_history(client, alice, erik, roster):
    report = _deleted_report(client, alice, roster)
    deletion = report.history.get(history_type="-")
    client.force_login(erik)
    listed = client.get(reverse("admin:sessions_app_writtenreport_deleted")).content.decode()
    assert "Không có bản ghi nào đã bị xóa." in listed
    for url in (
        reverse("admin:sessions_app_writtenreport_history", args=[report.pk]),
        reverse(
            "admin:sessions_app_writtenreport_simple_history",
            args=[report.pk, deletion.history_id],
        ),
    ):
        assert client.get(url).status_code == 404


def test_data_entry_staff_do_not_read_the_trail(client, alice, roster):
    client.force_login(alice)
    url = reverse("admin:sessions_app_member_history", args=[roster["an"].pk])
    assert client.get(url).status_code == 403
    assert Member.objects.filter(pk=roster["an"].pk).exists()


def test_the_history_pages_speak_vietnamese(client, diana, roster):
    client.force_login(diana)
    page = client.get(reverse("admin:sessions_app_member_history", args=[roster["an"].pk]))
    text = page.content.decode()
    assert "Lịch sử thay đổi" in text and "Người thay đổi" in text
    assert "Changed by" not in text


def test_malformed_history_urls_are_not_found_not_server_errors(client, diana, roster):
    client.force_login(diana)
    an = roster["an"]
    for url in (
        "/admin/sessions_app/member/abc/history/",
        f"/admin/sessions_app/member/{an.pk}/history/abc/",
        "/admin/sessions_app/organisation/abc/history/",
    ):
        assert client.get(url).status_code == 404, url


def test_the_history_page_shows_no_english_placeholders(client, diana, roster):
    client.force_login(diana)
    page = client.get(reverse("admin:sessions_app_member_history", args=[roster["an"].pk]))
    text = page.content.decode()
    assert "Chọn một thời điểm trong danh sách" in text
    assert "Choose a date" not in text and ">None<" not in text.replace(" ", "").replace("\n", "")
