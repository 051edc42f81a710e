"""Files as offices make them, confirmed once, never overwriting an edit made meanwhile."""

import datetime
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection
from django.test import Client
from django.urls import reverse

from imports_app import services as job_services
from imports_app.engine import database_error_message
from imports_app.models import ImportJob, ImportJobStatus
from sessions_app import services
from sessions_app.models import Member
from tests import builders
from tests import hostile_files as hostile
from tests.io_helpers import messages, run_import

IMPORT_URL = "admin:sessions_app_member_import"
IMMEDIATE = "django.tasks.backends.immediate.ImmediateBackend"
QUEUED = {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}  # tasks wait for a worker
ROW = "N1,Nguyễn Văn An,CBA1,01/05/2015"


def upload(client, name: str, content: bytes):
    return client.post(reverse(IMPORT_URL), {"file": SimpleUploadedFile(name, content)})


# --- the header row ----------------------------------------------------------------------


def test_title_rows_above_a_header_marked_with_stars_are_skipped(tree, superuser):
    content = (
        "ĐẢNG BỘ XÃ DÂN LỰC,,,\n"
        "DANH SÁCH ĐẢNG VIÊN CHI BỘ THÔN 1,,,\n"
        ",,,\n"
        "Mã đảng viên (*),Họ và tên (*),Mã chi bộ,Ngày vào Đảng *\n"
        f"{ROW}\n"
    )

    report = run_import("members", content.encode(), user=superuser)

    assert messages(report) == []
    assert report.header_row == 4
    assert Member.objects.get(code="N1").full_name == "Nguyễn Văn An"


def test_zero_width_and_non_breaking_spaces_in_headers_are_ignored(tree, superuser):
    content = "Mã\u00a0đảng viên\u200b,\ufeffHọ và\u202ftên,Mã chi bộ:,Ngày vào\u200d Đảng\n" + ROW

    report = run_import("members", content.encode(), user=superuser)

    assert messages(report) == [] and report.counts["new"] == 1


def test_a_column_given_twice_is_refused_naming_both_columns(tree, superuser):
    content = "Mã đảng viên,Họ và tên,Mã chi bộ,Ngày vào Đảng,Họ và tên (*)\n" + ROW + ",An\n"

    report = run_import("members", content.encode(), user=superuser)

    assert messages(report) == [
        "Tệp: Cột “Họ và tên” xuất hiện hai lần ở dòng tiêu đề (cột B và cột E). Hãy xoá một "
        "cột rồi tải tệp lên lại."
    ]


def test_a_file_without_the_header_names_the_nearest_row_and_the_sheets(tree, superuser):
    data = hostile.xlsx(
        {
            "Hướng dẫn": hostile.sheet_xml([hostile.row_xml(1, ["Điền danh sách ở trang sau"])]),
            "Danh sách": hostile.sheet_xml([hostile.row_xml(3, ["Mã đảng viên", "Họ và tên"])]),
        }
    )

    report = run_import("members", data, user=superuser)

    assert messages(report) == [
        "Tệp: Tệp thiếu cột bắt buộc: “Ngày vào Đảng”. Hãy tải tệp mẫu và giữ nguyên dòng tiêu "
        "đề. Dòng giống dòng tiêu đề nhất là dòng 3 của trang tính “Danh sách”. Tệp có các "
        "trang tính “Hướng dẫn”, “Danh sách”: hãy chọn trang chứa dữ liệu."
    ]


def workbook_with_instructions() -> bytes:
    roster = [hostile.row_xml(1, hostile.HEADER), hostile.row_xml(2, ROW.split(","))]
    other = [hostile.row_xml(1, hostile.HEADER), hostile.row_xml(2, ["N9", "Bảy", "CBA2", "x"])]
    return hostile.xlsx(
        {
            "Hướng dẫn": hostile.sheet_xml([hostile.row_xml(1, ["Cách điền: mỗi dòng một người"])]),
            "Chi bộ 1": hostile.sheet_xml(roster),
            "Chi bộ 2": hostile.sheet_xml(other),
        }
    )


def test_the_data_is_read_from_the_first_sheet_with_the_header_and_the_page_says_which(
    tree, admin_client
):
    response = upload(admin_client, "ds.xlsx", workbook_with_instructions())

    page = admin_client.get(response.url).content.decode()
    assert "Đã đọc trang tính “Chi bộ 1”, dòng tiêu đề là dòng 1." in page
    assert '<option value="Chi bộ 2">Chi bộ 2</option>' in page
    assert "1</strong> mới" in page


def test_a_sheet_hidden_in_excel_is_not_read_before_the_visible_one(tree, alice):
    """Offices hide sheets of old data or lookup lists; the import used to read a hidden
    sheet that came first, importing rows the user never saw."""
    rows = [["Mã đảng viên", "Họ và tên", "Mã chi bộ", "Ngày vào Đảng"]]
    content = hostile.xlsx_from_values(
        {
            "Năm trước": (rows + [["OLD1", "Cũ", "CBA1", "01/05/2015"]], "hidden"),
            "Danh sách": (rows + [["N1", "An", "CBA1", "01/05/2015"]], "visible"),
        }
    )
    client = Client()
    client.force_login(alice)

    response = upload(client, "an-trang.xlsx", content)
    # The preview offers the other sheet, and says it is hidden in Excel.
    page = client.get(response.url).content.decode()
    assert '<option value="Năm trước">Năm trước (trang ẩn trong Excel)</option>' in page
    client.post(response.url)

    assert ImportJob.objects.get().report["sheet"] == "Danh sách"
    assert list(Member.objects.values_list("code", flat=True)) == ["N1"]


def test_the_user_can_have_another_sheet_read(tree, admin_client):
    response = upload(admin_client, "ds.xlsx", workbook_with_instructions())

    admin_client.post(response.url, {"sheet": "Chi bộ 2"})
    page = admin_client.get(response.url).content.decode()

    assert "Đã đọc trang tính “Chi bộ 2”" in page
    assert "Dòng 2, cột “Ngày vào Đảng”: “x” không phải ngày" in page


# --- scope -------------------------------------------------------------------------------


def test_a_card_number_used_in_another_branch_does_not_reveal_its_holder(tree, roster, alice):
    Member.objects.filter(code="B001").update(card_number="79000001")
    content = "Mã đảng viên,Số thẻ đảng viên,Họ và tên,Mã chi bộ,Ngày vào Đảng\n"
    content += "N1,79000001,An,CBA1,01/05/2015\n"

    report = run_import("members", content.encode(), user=alice)

    assert messages(report) == [
        "Dòng 2, cột “Số thẻ đảng viên”: Số thẻ “79000001” đã được dùng cho một đảng viên "
        "ngoài phạm vi đơn vị của bạn."
    ]
    assert "B001" not in str(messages(report))


def test_a_card_number_used_in_the_users_own_unit_names_the_holder(tree, roster, alice):
    Member.objects.filter(code="A002").update(card_number="79000002")
    content = "Mã đảng viên,Số thẻ đảng viên,Họ và tên,Mã chi bộ,Ngày vào Đảng\n"
    content += "N1,79000002,An,CBA1,01/05/2015\n"

    report = run_import("members", content.encode(), user=alice)

    assert "đã được dùng cho đảng viên mã “A002”" in messages(report)[0]


def test_a_cells_own_export_imports_back_unchanged_skipping_who_moved_away(
    tree, roster, alice, client
):
    services.member_transfer(
        member=roster["binh"], to_unit=tree["cell_b1"], on=datetime.date(2024, 1, 1)
    )
    client.force_login(alice)
    exported = client.get(reverse("admin:sessions_app_member_export", args=["xlsx"])).content
    before = sorted(Member.objects.values_list("code", "unit__code", "full_name", "version"))

    report = run_import("members", exported, user=alice)

    assert messages(report) == []
    assert report.counts == {"new": 0, "changed": 0, "unchanged": 2, "skipped": 1}
    assert sorted(Member.objects.values_list("code", "unit__code", "full_name", "version")) == (
        before
    )


def test_a_row_that_would_change_a_member_who_moved_away_is_refused(tree, roster, alice):
    services.member_transfer(
        member=roster["binh"], to_unit=tree["cell_b1"], on=datetime.date(2024, 1, 1)
    )
    content = "Mã đảng viên,Họ và tên,Ngày vào Đảng\nA002,Tên mới,01/05/2015\n"

    report = run_import("members", content.encode(), user=alice)

    assert messages(report) == [
        "Dòng 2, cột “Mã đảng viên”: Đảng viên mã “A002” đã chuyển khỏi đơn vị của bạn; không "
        "sửa được qua tệp (dòng đúng như dữ liệu hiện có thì được bỏ qua)."
    ]
    assert Member.objects.get(code="A002").full_name == "Trần Thị Bình"


# --- confirm once, no lost edits ---------------------------------------------------------


def test_a_double_click_on_confirm_writes_once_and_says_so(tree, admin_client, settings):
    settings.TASKS = {"default": QUEUED, "inline": QUEUED}
    response = upload(
        admin_client, "a.csv", ("Mã đảng viên,Họ và tên,Mã chi bộ,Ngày vào Đảng\n" + ROW).encode()
    )
    job = ImportJob.objects.get()
    job_services.import_job_run(job.pk, dry_run=True)  # the worker checks the file

    admin_client.post(response.url)
    second = admin_client.post(response.url, follow=True).content.decode()
    assert "đang được ghi (có thể bạn đã bấm xác nhận hai lần)" in second
    job_services.import_job_run(job.pk, dry_run=False)  # the worker writes it, once
    job_services.import_job_run(job.pk, dry_run=False)  # a stray second task does nothing
    third = admin_client.post(response.url, follow=True).content.decode()

    assert "đã được xác nhận trước đó. Đã nhập xong 1 dòng: 1 mới" in third
    job.refresh_from_db()
    assert job.status == ImportJobStatus.DONE and job.report["counts"]["new"] == 1
    assert Member.objects.filter(code="N1").count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
def test_two_confirms_at_the_same_moment_start_one_write(tree, superuser, settings):
    settings.TASKS = {"default": QUEUED, "inline": QUEUED}
    job = ImportJob.objects.create(
        user=superuser, kind="members", original_name="a.csv", status=ImportJobStatus.READY
    )
    barrier, won = threading.Barrier(2), []

    def confirm():
        barrier.wait()
        won.append(job_services.import_job_confirm(job=job))
        connection.close()

    threads = [threading.Thread(target=confirm) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(won) == [False, True]


def test_a_member_edited_after_the_preview_is_not_overwritten(tree, roster, admin_client):
    content = "Mã đảng viên,Họ và tên,Mã chi bộ,Ngày vào Đảng\nA002,Trần Thị Bình,CBA1,01/05/2015\n"
    response = upload(admin_client, "a.csv", content.encode())
    assert ImportJob.objects.get().status == ImportJobStatus.READY

    binh = Member.objects.get(code="A002")
    binh.full_name = "Trần Thị Bình An"  # someone saves the member form meanwhile
    binh.save()
    admin_client.post(response.url)

    job = ImportJob.objects.get()
    assert job.status == ImportJobStatus.INVALID
    assert job.report["errors"] == [
        [
            2,
            "",
            "“A002 – Trần Thị Bình” đã được người khác xoá hoặc sửa sau khi bạn xem trước tệp "
            "này. Chưa ghi dòng nào để không ghi đè lên thay đổi đó; hãy tải tệp lên lại để xem "
            "trước dữ liệu mới nhất.",
        ]
    ]
    assert Member.objects.get(code="A002").full_name == "Trần Thị Bình An"


def test_a_member_added_by_someone_else_after_the_preview_is_named(tree, admin_client):
    content = "Mã đảng viên,Họ và tên,Mã chi bộ,Ngày vào Đảng\n" + ROW
    response = upload(admin_client, "a.csv", content.encode())

    builders.member(tree["cell_a1"], "Người khác", code="N1")
    admin_client.post(response.url)

    errors = ImportJob.objects.get().report["errors"]
    assert errors[0][2].startswith("“N1 – Nguyễn Văn An” đã được người khác thêm sau khi")


def test_database_refusals_are_told_by_their_constraint_never_raw():
    raw = IntegrityError(
        'duplicate key value violates unique constraint "placement_one_open_per_member"\n'
        "DETAIL:  Key (member_id)=(6071) already exists."
    )

    assert database_error_message(raw) == (
        "Không ghi được dữ liệu, chưa ghi dòng nào: Đảng viên đang sinh hoạt ở một chi bộ "
        "khác; hãy chuyển sinh hoạt."
    )
    assert "6071" not in database_error_message(IntegrityError("Key (id)=(6071) exists"))


def test_a_confirm_of_more_rows_than_the_threshold_goes_to_the_background(
    tree, admin_client, settings
):
    settings.TASKS = {"default": QUEUED, "inline": {"BACKEND": IMMEDIATE}}
    settings.IMPORT_BACKGROUND_ROWS = 2
    content = "Mã đảng viên,Họ và tên,Mã chi bộ,Ngày vào Đảng\n"
    content += "".join(f"N{n},Người {n},CBA1,01/05/2015\n" for n in range(3))
    response = upload(admin_client, "a.csv", content.encode())
    assert ImportJob.objects.get().status == ImportJobStatus.READY  # a small file: checked at once

    admin_client.post(response.url)
    page = admin_client.get(response.url).content.decode()

    assert ImportJob.objects.get().status == ImportJobStatus.WRITING
    assert '<meta http-equiv="refresh" content="2">' in page
    assert Member.objects.count() == 0  # until the worker runs it
    job_services.import_job_run(ImportJob.objects.get().pk, dry_run=False)
    assert Member.objects.count() == 3
