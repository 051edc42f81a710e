"""Imports under issue 5: history in the importer's name, no lost edits, nothing from outside.

Everything here goes through the admin's upload and confirmation pages, as a user would.
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from imports_app.models import ImportJob, ImportJobStatus
from sessions_app.models import (
    Attendance,
    Document,
    Inspection,
    Member,
    Organisation,
    RemediationItem,
    WrittenReport,
)
from tests import builders
from tests.admin_forms import page_form_data
from tests.io_helpers import data

ROSTER = (
    'Mã đảng viên,Họ và tên,Mã chi bộ,Ngày vào Đảng,"Chức vụ chính quyền, đoàn thể"\n'
    "N001,Đinh Văn Nam,CBA1,01/05/2015,{position}\n"
    "N002,Mai Thị Oanh,CBA1,01/05/2016,\n"
)


def _import(client, url, name: str, content: bytes):
    """Upload, preview, confirm; return the job and the preview page's text."""
    response = client.post(url, {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 302, response.content.decode()[:2000]
    preview = client.get(response.url).content.decode()
    job = ImportJob.objects.get(pk=response.url.rstrip("/").rsplit("/", 1)[1])
    if job.status == ImportJobStatus.READY:
        client.post(response.url)
        job.refresh_from_db()
    return job, preview


def _roster(position: str = "") -> bytes:
    return ROSTER.format(position=position).encode()


MEMBER_IMPORT = reverse("admin:sessions_app_member_import")


# --- Audit trail of imports ---------------------------------------------------------------


def test_an_imported_roster_leaves_history_in_the_importers_name_with_the_file(client, alice, tree):
    assert not Member.history.exists()
    client.force_login(alice)

    job, _ = _import(client, MEMBER_IMPORT, "danh-sach-thon-1.csv", _roster())

    assert job.status == ImportJobStatus.DONE
    created = Member.history.filter(history_type="+")
    assert created.count() == 2
    assert {h.history_user for h in created} == {alice}
    assert {h.history_change_reason for h in created} == {"Nhập từ tệp danh-sach-thon-1.csv"}


def test_a_reimport_shows_each_changed_value_from_and_to_and_who_did_it(client, alice, diana, tree):
    client.force_login(alice)
    _import(client, MEMBER_IMPORT, "lan-1.csv", _roster())
    nam = Member.objects.get(code="N001")
    assert nam.version == 0

    _import(client, MEMBER_IMPORT, "lan-2.csv", _roster(position="Trưởng thôn"))

    nam.refresh_from_db()
    assert nam.position == "Trưởng thôn" and nam.version == 1
    latest, before = nam.history.all()[:2]
    assert latest.history_type == "~" and latest.history_user == alice
    assert latest.history_change_reason == "Nhập từ tệp lan-2.csv"
    changes = {c.field: (c.old, c.new) for c in latest.diff_against(before).changes}
    assert changes["position"] == ("", "Trưởng thôn")
    # The unchanged member gets no history row for the second file.
    assert Member.objects.get(code="N002").history.count() == 1
    client.force_login(diana)
    page = client.get(reverse("admin:sessions_app_member_history", args=[nam.pk]))
    assert "Nhập từ tệp lan-2.csv" in page.content.decode()


def test_a_form_opened_before_an_import_is_refused_after_it(client, alice, bob, tree):
    client.force_login(alice)
    _import(client, MEMBER_IMPORT, "lan-1.csv", _roster())
    nam = Member.objects.get(code="N001")
    change_url = reverse("admin:sessions_app_member_change", args=[nam.pk])
    opened = page_form_data(client.get(change_url))

    _import(client, MEMBER_IMPORT, "lan-2.csv", _roster(position="Trưởng thôn"))
    response = client.post(change_url, {**opened, "position": "Bí thư chi đoàn"})

    assert response.status_code == 200
    assert "đã được người khác sửa sau khi bạn mở ra (alice lưu lúc" in response.content.decode()
    nam.refresh_from_db()
    assert nam.position == "Trưởng thôn"


def test_imported_written_reports_documents_and_remediations_are_audited_too(
    client, diana, superuser, tree, roster
):
    builders.document()
    inspection = Inspection.objects.create(
        inspecting_unit=tree["district_a"],
        inspected_unit=tree["commune_a"],
        started_on=datetime.date(2024, 3, 15),
    )
    client.force_login(diana)
    for url, name in [
        ("admin:sessions_app_writtenreport_import", "written_reports.csv"),
        ("admin:sessions_app_remediationitem_import", "remediations.csv"),
    ]:
        job, _ = _import(client, reverse(url), name, data(name))
        assert job.status == ImportJobStatus.DONE, job.report
    client.force_login(superuser)
    job, _ = _import(
        client,
        reverse("admin:sessions_app_document_import"),
        "documents.csv",
        data("documents.csv"),
    )
    assert job.status == ImportJobStatus.DONE, job.report

    for model, user, file_name in [
        (WrittenReport, diana, "written_reports.csv"),
        (RemediationItem, diana, "remediations.csv"),
        (Document, superuser, "documents.csv"),
    ]:
        rows = model.history.filter(history_change_reason=f"Nhập từ tệp {file_name}")
        assert rows.count() == model.objects.count() - (model is Document) > 0, model
        assert {h.history_user for h in rows} == {user}
    assert inspection.remediations.count() == 2


def _grant_unit_imports(user):
    """Unit imports need add and change of units, which no role group holds by default."""
    from django.contrib.auth.models import Permission

    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="sessions_app",
            codename__in=["add_organisation", "change_organisation"],
        )
    )


def test_an_imported_unit_and_a_move_by_import_are_in_the_units_history(client, diana, tree):
    _grant_unit_imports(diana)
    client.force_login(diana)
    url = reverse("admin:sessions_app_organisation_import")
    content = "Mã đơn vị,Tên tổ chức đảng,Loại tổ chức,Mã đơn vị cấp trên\n"
    job, _ = _import(
        client, url, "don-vi.csv", (content + "CBA3,Chi bộ thôn 3,Chi bộ trực thuộc,XA1\n").encode()
    )
    assert job.status == ImportJobStatus.DONE, job.report
    new = Organisation.objects.get(code="CBA3")
    assert new.history.get().history_user == diana

    job, _ = _import(
        client, url, "chuyen.csv", (content + "CBA3,Chi bộ thôn 3,Chi bộ trực thuộc,HA\n").encode()
    )
    assert job.status == ImportJobStatus.DONE, job.report
    moved = new.history.first()
    assert moved.history_user == diana and moved.history_change_reason == "Nhập từ tệp chuyen.csv"
    assert moved.path == Organisation.objects.get(code="CBA3").path != new.path


def test_imports_with_history_still_cost_the_same_queries_for_100_and_1000_rows(
    tree, superuser, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.io_helpers import run_import

    def roster(count, offset):
        lines = ["Mã đảng viên,Họ và tên,Mã chi bộ,Ngày vào Đảng"]
        lines += [f"H{offset + n:06d},Người {n},CBA1,01/01/2015" for n in range(count)]
        return "\n".join(lines).encode()

    with CaptureQueriesContext(connection) as hundred:
        run_import("members", roster(100, 0), user=superuser)
    with django_assert_num_queries(len(hundred.captured_queries)):
        report = run_import("members", roster(1000, 10_000), user=superuser)
    assert report.counts["new"] == 1000
    assert Member.history.count() == 1100


# --- Scope: an outsider's file that names Huyện A's units and members ---------------------


@pytest.fixture
def alices_inspection(tree):
    return Inspection.objects.create(
        inspecting_unit=tree["district_a"],
        inspected_unit=tree["commune_a"],
        started_on=datetime.date(2024, 3, 15),
    )


OUTSIDE_FILES = {
    "members": (
        "admin:sessions_app_member_import",
        "Mã đảng viên,Họ và tên,Mã chi bộ,Ngày vào Đảng\n"
        "A001,Tên bị sửa,CBB1,01/05/2015\n"
        "N900,Người mới,CBA1,01/05/2015\n",
        [
            "Dòng 2, cột “Mã đảng viên”: Đảng viên mã “A001” thuộc đơn vị ngoài phạm vi của bạn.",
            "Dòng 3, cột “Mã chi bộ”: Không có đơn vị mã “CBA1” trong phạm vi đơn vị của bạn.",
        ],
    ),
    "organisations": (
        "admin:sessions_app_organisation_import",
        "Mã đơn vị,Tên tổ chức đảng,Loại tổ chức,Mã đơn vị cấp trên\n"
        "CBA1,Tên bị sửa,Chi bộ trực thuộc,XB1\n"
        "CBZ9,Chi bộ lạ,Chi bộ trực thuộc,XA1\n",
        [
            "Dòng 2, cột “Mã đơn vị”: Không có đơn vị mã “CBA1” trong phạm vi đơn vị của bạn.",
            "Dòng 3, cột “Mã đơn vị cấp trên”: Không có đơn vị mã “XA1” trong phạm vi đơn vị "
            "của bạn.",
        ],
    ),
    "written_reports": (
        "admin:sessions_app_writtenreport_import",
        "Mã đảng viên,Số ký hiệu văn bản,Tình trạng,Ngày nộp\nA002,114-QĐ/TW,Đạt,20/09/2023\n",
        ["Dòng 2, cột “Mã đảng viên”: Không có đảng viên mã “A002” trong phạm vi đơn vị của bạn."],
    ),
    "remediations": (
        "admin:sessions_app_remediationitem_import",
        "Mã đơn vị được kiểm tra,Ngày bắt đầu kiểm tra,Nội dung yêu cầu khắc phục,Hạn khắc phục\n"
        "XA1,15/03/2024,Việc bị chèn vào,30/06/2024\n",
        [
            "Dòng 2, cột “Mã đơn vị được kiểm tra”: Không có cuộc kiểm tra, giám sát đơn vị "
            "“XA1” bắt đầu ngày 15/03/2024 trong phạm vi đơn vị của bạn."
        ],
    ),
}


def _snapshot():
    return (
        sorted(Member.objects.values_list("code", "full_name", "unit__code")),
        sorted(Organisation.objects.values_list("code", "name", "path")),
        WrittenReport.objects.count(),
        RemediationItem.objects.count(),
        Member.history.count() + Organisation.history.count(),
    )


@pytest.mark.parametrize("kind", list(OUTSIDE_FILES))
def test_charlies_file_naming_huyen_as_records_is_refused_row_by_row(
    client, charlie, tree, roster, alices_inspection, kind
):
    builders.document()
    url, content, expected = OUTSIDE_FILES[kind]
    before = _snapshot()
    if kind == "organisations":
        _grant_unit_imports(charlie)
    client.force_login(charlie)

    job, preview = _import(client, reverse(url), f"{kind}.csv", content.encode())

    assert job.status == ImportJobStatus.INVALID
    for message in expected:
        assert message in preview, preview[:3000]
    assert "Xác nhận" not in preview
    assert _snapshot() == before


def test_charlie_cannot_import_attendance_into_alices_session(client, charlie, tree, roster):
    study = builders.session(tree["commune_a"], [tree["cell_a1"]], [builders.document()])
    url = reverse("admin:sessions_app_studysession_attendance_import", args=[study.pk])
    client.force_login(charlie)
    upload = SimpleUploadedFile("a.csv", data("attendance.csv"))
    assert client.post(url, {"file": upload}).status_code == 404
    assert not ImportJob.objects.exists() and not Attendance.objects.exists()


def test_charlie_cannot_mark_alices_members_at_his_own_session(client, charlie, tree, roster):
    # A province-wide session both sides attend: Charlie sees it, but only his members.
    study = builders.session(
        tree["province"], [tree["cell_a1"], tree["cell_b1"]], [builders.document()]
    )
    url = reverse("admin:sessions_app_studysession_attendance_import", args=[study.pk])
    client.force_login(charlie)
    content = "Mã đảng viên,Điểm danh\nA001,Có mặt\nB001,Có mặt\n".encode()

    job, preview = _import(client, url, "diem-danh.csv", content)

    assert job.status == ImportJobStatus.INVALID
    assert (
        "Dòng 2, cột “Mã đảng viên”: Không có đảng viên mã “A001” trong phạm vi đơn vị của bạn."
        in preview
    )
    assert not Attendance.objects.exists()
