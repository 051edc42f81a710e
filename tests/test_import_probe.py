"""Nasty files a cell's clerk (alice, Chi bộ thôn 1 = CBA1) uploads through the admin import,
beyond tests/test_import_hostile.py and tests/test_import_office_files.py. Each one gets a
Vietnamese answer naming the row and the column, writes nothing when any row is bad, never
a 500, and never leaves the job checking."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from imports_app.models import ImportJob, ImportJobStatus
from sessions_app.models import Member
from tests import builders

HEADER = ["Mã đảng viên", "Họ và tên", "Mã chi bộ", "Ngày vào Đảng"]
SETTLED = {ImportJobStatus.READY, ImportJobStatus.INVALID, ImportJobStatus.FAILED}
SETTLED |= {ImportJobStatus.DONE}


def _clerk(alice) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(alice)
    return client


def _upload(client, name, content) -> tuple[int, str]:
    url = reverse("admin:sessions_app_member_import")
    response = client.post(url, {"file": SimpleUploadedFile(name, content)})
    if response.status_code == 302:
        response = client.get(response.url)
    return response.status_code, response.content.decode()


def _confirm(client) -> str:
    job = ImportJob.objects.latest("pk")
    url = reverse("admin:sessions_app_member_import_job", args=[job.pk])
    response = client.post(url, follow=True)
    assert response.status_code == 200, url
    return response.content.decode()


def _settled():
    assert all(job.status in SETTLED for job in ImportJob.objects.all())


def _xlsx(rows, merges=()) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _csv(*lines: str, newline="\n") -> bytes:
    return (newline.join([",".join(HEADER), *lines]) + newline).encode("utf-8")


def test_a_merged_title_above_the_header_is_skipped_and_the_rows_import(tree, alice):
    content = _xlsx(
        [
            ["DANH SÁCH ĐẢNG VIÊN CHI BỘ THÔN 1", None, None, None],
            HEADER,
            ["M001", "Nguyễn Văn An", "CBA1", "01/05/2015"],
        ],
        merges=["A1:D1"],
    )
    client = _clerk(alice)
    status, page = _upload(client, "gop-o.xlsx", content)
    assert status == 200
    assert ImportJob.objects.get().status == ImportJobStatus.READY, page
    _settled()


def test_a_header_merged_over_two_columns_is_named_not_guessed(tree, alice):
    """ "Họ và tên" merged over B and C (family name in B, given name in C): the second half
    has no header; the file is read by its named columns, the orphan cells are not silently
    glued to anything, and the page never errs."""
    content = _xlsx(
        [
            ["Mã đảng viên", "Họ và tên", None, "Mã chi bộ", "Ngày vào Đảng"],
            ["M001", "Nguyễn Văn", "An", "CBA1", "01/05/2015"],
        ],
        merges=["B1:C1"],
    )
    client = _clerk(alice)
    status, page = _upload(client, "gop-tieu-de.xlsx", content)
    assert status == 200
    _settled()
    assert Member.objects.count() == 0


def test_a_value_under_a_column_without_a_header_is_not_dropped_silently(tree, alice):
    content = _xlsx(
        [
            ["Mã đảng viên", "Họ và tên", None, "Mã chi bộ", "Ngày vào Đảng"],
            ["M001", "Nguyễn Văn", "An", "CBA1", "01/05/2015"],
        ],
        merges=["B1:C1"],
    )
    client = _clerk(alice)
    status, page = _upload(client, "gop-tieu-de.xlsx", content)
    assert status == 200
    assert ImportJob.objects.get().status == ImportJobStatus.INVALID
    assert "Dòng 2, cột “C (không có tiêu đề)”: Ô có dữ liệu nhưng cột không có tiêu đề" in page
    assert not Member.objects.filter(code="M001").exists()


def test_a_csv_of_blank_separator_lines_under_the_header_has_no_data(tree, alice):
    client = _clerk(alice)
    status, page = _upload(client, "trong.csv", _csv(",,,", " , , , ", ",,,"))
    assert status == 200
    assert "không có dòng dữ liệu nào" in page
    assert Member.objects.count() == 0
    _settled()


def test_a_line_break_inside_a_quoted_name_is_a_row_error_naming_the_column(tree, alice):
    content = _csv('M001,"Nguyễn\r\nVăn An",CBA1,01/05/2015', "M002,Trần Thị Bình,CBA1,01/05/2015")
    client = _clerk(alice)
    status, page = _upload(client, "xuong-dong.csv", content.replace(b"\n", b"\r\n"))
    assert status == 200
    job = ImportJob.objects.get()
    if job.status == ImportJobStatus.READY:  # read as one name with the break made a space
        _confirm(client)
        assert set(Member.objects.values_list("full_name", flat=True)) == {
            "Nguyễn Văn An",
            "Trần Thị Bình",
        }
    else:
        assert "Dòng 2, cột “Họ và tên”" in page
        assert Member.objects.count() == 0
    _settled()


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("31/02/2023", "31/02/2023"),
        ("29/02/2023", "29/02/2023"),
        ("2023-13-01", "2023-13-01"),
        ("00/01/2020", "00/01/2020"),
        ("1/13/2020", "1/13/2020"),
        ("#N/A", "#N/A"),
    ],
)
def test_an_impossible_date_names_its_row_and_column_and_writes_nothing(tree, alice, value, shown):
    content = _csv("M001,Nguyễn Văn An,CBA1,01/05/2015", f"M002,Trần Thị Bình,CBA1,{value}")
    client = _clerk(alice)
    status, page = _upload(client, "ngay.csv", content)
    assert status == 200
    assert ImportJob.objects.get().status == ImportJobStatus.INVALID
    assert "Dòng 3, cột “Ngày vào Đảng”: " in page and shown in page
    assert Member.objects.count() == 0
    _settled()


def test_a_joining_date_in_the_future_is_refused(tree, alice):
    content = _csv("M001,Nguyễn Văn An,CBA1,01/05/2099")
    client = _clerk(alice)
    status, page = _upload(client, "tuong-lai.csv", content)
    assert status == 200
    assert ImportJob.objects.get().status == ImportJobStatus.INVALID, page
    assert "Dòng 2, cột “Ngày vào Đảng”: Ngày vào Đảng không được sau ngày hôm nay." in page
    assert Member.objects.count() == 0


def test_the_admin_form_refuses_a_joining_date_in_the_future_as_the_import_does(tree, diana):
    client = _clerk(diana)
    response = client.post(
        reverse("admin:sessions_app_member_add"),
        {"code": "M009", "full_name": "Nguyễn Văn An", "unit": tree["cell_a1"].pk}
        | {"joined_on": "01/05/2099", "status": "dang_sinh_hoat"},
    )
    assert response.status_code == 200
    assert "Ngày vào Đảng không được sau ngày hôm nay." in response.content.decode()
    assert not Member.objects.exists()


def test_a_code_with_leading_zeros_typed_as_a_number_does_not_make_a_second_member(tree, alice):
    """Excel turns 00123 into the number 123: the roster's member "00123" must not get a
    twin "123" on re-import; either it is matched or the row is refused naming the code."""
    builders.member(tree["cell_a1"], "Nguyễn Văn An", datetime.date(2015, 5, 1), code="00123")
    content = _xlsx([HEADER, [123, "Nguyễn Văn An", "CBA1", "01/05/2015"]])
    client = _clerk(alice)
    status, page = _upload(client, "so-0.xlsx", content)
    assert status == 200
    job = ImportJob.objects.get()
    if job.status == ImportJobStatus.READY:
        _confirm(client)
    assert Member.objects.count() == 1, list(Member.objects.values_list("code", flat=True))
    assert job.status == ImportJobStatus.INVALID
    assert "Mã “123” được Excel lưu dạng số nên mất các số 0 ở đầu" in page
    assert "đã có đảng viên mã “00123”" in page
    _settled()


def test_the_same_row_twice_in_one_file_is_refused_naming_the_row_and_column(tree, alice):
    row = "M001,Nguyễn Văn An,CBA1,01/05/2015"
    client = _clerk(alice)
    status, page = _upload(client, "lap.csv", _csv(row, "M002,Trần Thị Bình,CBA1,01/05/2015", row))
    assert status == 200
    assert ImportJob.objects.get().status == ImportJobStatus.INVALID
    assert "Dòng 4, cột “Mã đảng viên”: Mã đảng viên “M001” xuất hiện hai lần" in page
    assert Member.objects.count() == 0


def test_rows_of_a_unit_outside_the_clerks_cell_refuse_the_file_without_revealing_it(
    tree, alice, charlie
):
    builders.member(tree["cell_b1"], "Vũ Thị Giang", datetime.date(2015, 5, 1), code="B001")
    content = _csv(
        "M001,Nguyễn Văn An,CBA1,01/05/2015",
        "B001,Vũ Thị Giang Sửa,CBB1,01/05/2015",
        "M003,Lê Văn Cường,CBA2,01/05/2015",
        "M004,Đỗ Thị Hoa,CBA1,01/05/2015",
    )
    client = _clerk(alice)
    status, page = _upload(client, "lan.csv", content)
    assert status == 200
    assert ImportJob.objects.get().status == ImportJobStatus.INVALID
    assert "Dòng 3, cột “Mã chi bộ”" in page and "Dòng 4, cột “Mã chi bộ”" in page
    assert "Vũ Thị Giang" not in page.replace("Vũ Thị Giang Sửa", "")
    assert "Chi bộ khu 1" not in page and "Chi bộ thôn 2" not in page
    assert Member.objects.filter(code__in=["M001", "M004"]).count() == 0
    assert Member.objects.get(code="B001").full_name == "Vũ Thị Giang"
    _settled()


def test_a_formula_typed_as_a_name_is_not_stored_to_run_in_the_next_export(tree, alice):
    content = _csv('M001,"=HYPERLINK(""http://x"",""An"")",CBA1,01/05/2015')
    client = _clerk(alice)
    status, page = _upload(client, "cong-thuc.csv", content)
    assert status == 200
    job = ImportJob.objects.get()
    if job.status == ImportJobStatus.READY:
        _confirm(client)
        export = client.get(reverse("admin:sessions_app_member_export", args=["csv"]))
        assert b"\n=HYPERLINK" not in export.content and b",=HYPERLINK" not in export.content
    _settled()
