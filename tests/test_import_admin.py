import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from imports_app.models import ImportJob, ImportJobStatus
from sessions_app.models import Attendance, Member
from tests import builders
from tests.io_helpers import data

IMPORT_URL = "admin:sessions_app_member_import"
QUEUED = {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}  # tasks wait for a worker


def upload(client, name, content=None, **extra):
    file = SimpleUploadedFile(name, content if content is not None else data(name))
    return client.post(reverse(IMPORT_URL), {"file": file, **extra})


def test_upload_previews_then_confirm_writes(tree, admin_client):
    response = upload(admin_client, "members_windows1258.csv")
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"/{job.pk}/")
    assert job.status == ImportJobStatus.READY
    assert Member.objects.count() == 0

    preview = admin_client.get(response.url)
    assert "5</strong> mới" in preview.content.decode()
    assert "Xác nhận nhập 5 dòng" in preview.content.decode()

    confirmed = admin_client.post(response.url, follow=True)
    assert "Đã nhập xong 5 dòng: 5 mới, 0 thay đổi, 0 không đổi." in confirmed.content.decode()
    job.refresh_from_db()
    assert job.status == ImportJobStatus.DONE
    assert Member.objects.count() == 5


def test_a_file_with_bad_rows_shows_every_error_and_offers_no_confirmation(tree, admin_client):
    response = upload(admin_client, "members_bad_date.csv")

    page = admin_client.get(response.url).content.decode()
    assert "Dòng 3, cột “Ngày vào Đảng”: Ngày “31/02/2024” không có thật." in page
    assert "Xác nhận" not in page
    assert admin_client.post(response.url).status_code == 302
    assert Member.objects.count() == 0


def test_the_user_may_override_encoding_and_separator(tree, admin_client):
    response = upload(admin_client, "members_windows1258.csv", encoding="cp1258", delimiter=";")

    assert ImportJob.objects.get().status == ImportJobStatus.READY
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("empty.csv", "Tệp rỗng"),
        ("header_only.csv", "không có dòng dữ liệu nào"),
        ("not_a_spreadsheet.pdf", "Tệp không phải bảng tính"),
        ("not_a_spreadsheet.zip", "Tệp không phải bảng tính"),
    ],
)
def test_unreadable_files_get_a_message_never_a_server_error(tree, admin_client, name, expected):
    response = upload(admin_client, name)
    if response.status_code == 302:  # readable but empty: the job page says why
        response = admin_client.get(response.url)

    assert response.status_code == 200
    assert expected in response.content.decode()
    assert Member.objects.count() == 0


def test_a_file_over_the_limit_is_refused_on_the_form(tree, admin_client, settings):
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    response = upload(admin_client, "big.csv", b"x" * (1024 * 1024 + 1))

    assert response.status_code == 200
    assert "Tệp quá lớn: tối đa 1 MB." in response.content.decode()


def test_the_import_page_offers_templates_with_an_example_row(tree, admin_client):
    page = admin_client.get(reverse(IMPORT_URL)).content.decode()
    assert "mau.xlsx" in page and "Mã đảng viên" in page

    csv_template = admin_client.get(
        reverse("admin:sessions_app_member_import_template", args=["csv"])
    )
    text = csv_template.content.decode("utf-8")
    assert text.startswith("\ufeffMã đảng viên,Số thẻ đảng viên,Họ và tên")
    assert "DV000123" in text
    xlsx = admin_client.get(reverse("admin:sessions_app_member_import_template", args=["xlsx"]))
    assert xlsx.content.startswith(b"PK")


def test_one_user_cannot_open_anothers_import_job(tree, admin_client, client, alice):
    response = upload(admin_client, "members_utf8.csv")
    alice.is_superuser = True
    alice.save()
    client.force_login(alice)

    assert client.get(response.url).status_code == 404


def test_attendance_is_imported_from_the_session_page(tree, roster, admin_client):
    study = builders.session(tree["commune_a"], [tree["commune_a"]], [builders.document()])
    url = reverse("admin:sessions_app_studysession_attendance_import", args=[study.pk])

    response = admin_client.post(url, {"file": SimpleUploadedFile("a.csv", data("attendance.csv"))})
    admin_client.post(response.url)

    assert Attendance.objects.filter(session=study).count() == 4
    change_page = admin_client.get(
        reverse("admin:sessions_app_studysession_change", args=[study.pk])
    )
    assert "Nhập điểm danh từ tệp" in change_page.content.decode()


def test_a_queued_import_shows_its_progress_and_refreshes_itself(tree, admin_client, settings):
    settings.TASKS = {"default": QUEUED, "inline": QUEUED}

    response = upload(admin_client, "members_utf8.csv")

    page = admin_client.get(response.url).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "Đã xử lý 0 dòng… Trang tự cập nhật." in page
    assert ImportJob.objects.get().status == ImportJobStatus.CHECKING
