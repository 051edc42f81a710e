"""Files made to break the import: each is refused (or read right) with a Vietnamese
message naming the limit or the row, never a 500, never a job left running, and reading
any of them stays within bounded memory."""

import datetime
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from imports_app.engine import ImportRefused, read_table
from imports_app.kinds.members import MemberImporter
from imports_app.models import ImportJob, ImportJobStatus
from sessions_app.models import Member, WrittenReport
from tests import builders
from tests import hostile_files as hostile
from tests.io_helpers import messages, run_import

ROOT = Path(__file__).resolve().parent.parent
HEADER_CSV = "Mã đảng viên,Họ và tên,Mã chi bộ,Ngày vào Đảng\n"


def csv_bytes(*lines: str, encoding: str = "utf-8") -> bytes:
    return (HEADER_CSV + "".join(line + "\n" for line in lines)).encode(encoding)


def refusal(data: bytes) -> str:
    """Read every row of every sheet, as an import would; the refusal's message."""
    with pytest.raises(ImportRefused) as caught:
        table = read_table(data)
        for rows in table.sheets.values():
            for _ in rows():
                pass
    return caught.value.message


# --- XLSX ------------------------------------------------------------------------------


def test_a_shared_strings_bomb_is_refused_from_the_zip_directory():
    message = refusal(hostile.shared_strings_bomb(60))

    assert message.startswith("Tệp Excel nén ")
    assert "quá giới hạn 100 lần" in message


def test_a_million_identical_rows_are_refused_before_any_is_read():
    data = hostile.identical_rows_bomb()
    assert len(data) < 200_000  # packed: the size of a small upload

    assert "quá giới hạn 100 lần" in refusal(data)


def test_a_big_shared_strings_part_is_refused_even_when_it_packs_plainly(settings):
    settings.IMPORT_LIMITS = {"shared_strings_bytes": 1024 * 1024}
    words = "".join(f"<si><t>{n:x}{n * 7919 % 65521:x}</t></si>" for n in range(120_000))
    data = hostile.xlsx(
        {"Sheet1": hostile.sheet_xml([hostile.row_xml(1, hostile.HEADER)])},
        shared_strings=[f"<sst {hostile.NS}>", words, "</sst>"],
    )

    assert refusal(data).startswith(
        "Bảng chuỗi dùng chung của tệp Excel lớn 2 MB, quá giới hạn 1 MB"
    )


def test_a_dimension_claiming_the_whole_sheet_reads_only_the_real_rows(tree, superuser):
    rows = [hostile.HEADER] + [[f"N{n}", f"Người {n}", "CBA1", "01/05/2015"] for n in range(3)]
    data = hostile.simple_xlsx(rows, dimension="A1:XFD1048576")

    report = run_import("members", data, user=superuser)

    assert messages(report) == []
    assert report.rows == 3 and Member.objects.count() == 3


def test_a_dimension_smaller_than_the_sheet_drops_no_row(tree, superuser):
    rows = [hostile.HEADER] + [[f"N{n}", f"Người {n}", "CBA1", "01/05/2015"] for n in range(12)]
    data = hostile.simple_xlsx(rows, dimension="A1:B5")

    report = run_import("members", data, user=superuser)

    assert report.counts["new"] == 12 and Member.objects.count() == 12


def test_trailing_blank_rows_are_ignored(tree, superuser):
    rows = [hostile.HEADER, ["N1", "Người 1", "CBA1", "01/05/2015"]] + [[""] * 4] * 50
    rows += [["", "", "", " "]]
    report = run_import("members", hostile.simple_xlsx(rows), user=superuser)

    assert messages(report) == [] and report.rows == 1


def test_a_corrupt_compressed_sheet_is_a_refusal():
    rows = [hostile.HEADER] + [[f"N{n}", f"Người {n}", "CBA1", "01/05/2015"] for n in range(500)]
    data = hostile.corrupt_deflate(hostile.simple_xlsx(rows))

    assert refusal(data).startswith("Tệp Excel bị hỏng, không đọc được")


def test_bad_xml_after_the_header_is_a_refusal_naming_where(tree, superuser):
    good = [hostile.row_xml(1, hostile.HEADER), hostile.row_xml(2, ["N1", "An", "CBA1", "x"])]
    data = hostile.xlsx({"Sheet1": hostile.sheet_xml([*good, '<row r="3"><c r="A3"><v>1</c>'])})

    report = run_import("members", data, user=superuser)

    assert messages(report) == [
        "Tệp: Tệp Excel bị hỏng, không đọc được từ dòng 3 của trang “Sheet1”. Hãy mở tệp "
        "bằng Excel, kiểm tra rồi lưu lại (hoặc lưu dưới dạng “CSV UTF-8”)."
    ]


def test_a_row_wider_than_the_column_limit_is_refused():
    wide = hostile.row_xml(2, ["x"] * 201)

    assert refusal(hostile.xlsx({"S": hostile.sheet_xml([wide])})) == (
        "Dòng 2 có 201 cột, quá giới hạn 200 cột."
    )


# --- CSV -------------------------------------------------------------------------------


def test_a_csv_cell_over_the_parsers_limit_names_its_row():
    data = csv_bytes("N1,An,CBA1,01/05/2015", "N2," + "x" * 131_073 + ",CBA1,01/05/2015")

    message = refusal(data)

    assert message.startswith("Dòng 3: không đọc được (")
    assert "dài quá 131.072 ký tự hoặc một dấu ngoặc kép" in message


def test_a_cell_longer_than_excel_allows_is_refused_naming_row_and_column():
    data = csv_bytes("N1,An,CBA1,01/05/2015", "N2," + "y" * 40_000 + ",CBA1,01/05/2015")

    assert refusal(data) == (
        "Dòng 3, cột B: ô dài 40.000 ký tự, quá giới hạn 32.767 ký tự của một ô."
    )


def test_a_stray_quote_in_a_big_file_names_the_row_where_it_opens():
    lines = [f"N{n},Người {n},CBA1,01/05/2015" for n in range(5000)]
    lines[10] = 'N10,"Người 10,CBA1,01/05/2015'
    data = csv_bytes(*lines)
    assert len(data) > 128 * 1024

    assert refusal(data).startswith("Dòng 12: không đọc được")


def test_a_nul_after_the_first_8192_bytes_is_a_row_error(tree, superuser):
    lines = [f"N{n},Người {n},CBA1,01/05/2015" for n in range(400)]
    lines[399] = "N399,Ng\x00ười,CBA1,01/05/2015"

    report = run_import("members", csv_bytes(*lines), user=superuser)

    assert messages(report) == [
        "Dòng 401, cột “Họ và tên”: Ô chứa ký tự rỗng (NUL, mã 0): tệp có thể bị hỏng."
    ]
    assert Member.objects.count() == 0


def test_a_nul_in_a_utf16_file_is_a_row_error(tree, superuser):
    data = csv_bytes("N1,A\x00n,CBA1,01/05/2015", encoding="utf-16")

    report = run_import("members", data, user=superuser)

    assert messages(report) == [
        "Dòng 2, cột “Họ và tên”: Ô chứa ký tự rỗng (NUL, mã 0): tệp có thể bị hỏng."
    ]


def test_too_many_rows_are_refused_while_reading(settings):
    settings.IMPORT_LIMITS = {"rows": 3}
    data = csv_bytes(*[f"N{n},An,CBA1,01/05/2015" for n in range(10)])

    assert refusal(data) == (
        "Tệp có quá 3 dòng dữ liệu (giới hạn một lần nhập). Hãy chia tệp thành nhiều phần."
    )


# --- through the admin -----------------------------------------------------------------


def upload(client, name: str, content: bytes):
    url = reverse("admin:sessions_app_member_import")
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


@pytest.mark.parametrize(
    ("name", "make", "expected"),
    [
        ("bom.xlsx", lambda: hostile.shared_strings_bomb(60), "quá giới hạn 100 lần"),
        (
            "hong.xlsx",
            lambda: hostile.corrupt_deflate(
                hostile.simple_xlsx([hostile.HEADER] + [["N1", "An", "CBA1", "x"]] * 300)
            ),
            "Tệp Excel bị hỏng",
        ),
        ("dai.csv", lambda: csv_bytes("N1," + "x" * 131_073 + ",CBA1,x"), "không đọc được"),
    ],
)
def test_a_hostile_upload_gets_a_vietnamese_answer_never_a_server_error(
    tree, superuser, name, make, expected
):
    client = Client(raise_request_exception=False)
    client.force_login(superuser)

    response = upload(client, name, make())
    if response.status_code == 302:
        response = client.get(response.url)

    assert response.status_code == 200
    assert expected in response.content.decode()
    assert not ImportJob.objects.filter(status__in=[ImportJobStatus.CHECKING]).exists()
    assert Member.objects.count() == 0


def test_an_unexpected_error_ends_the_job_failed_with_the_detail_in_the_log(
    tree, superuser, monkeypatch, caplog
):
    def broken(self, rows, report):
        raise RuntimeError("boom in prepare")

    monkeypatch.setattr(MemberImporter, "prepare", broken)
    client = Client(raise_request_exception=False)
    client.force_login(superuser)

    response = upload(client, "a.csv", csv_bytes("N1,An,CBA1,01/05/2015"))
    page = client.get(response.url)

    job = ImportJob.objects.get()
    assert job.status == ImportJobStatus.FAILED
    assert page.status_code == 200
    assert (
        f"Có lỗi không lường trước khi xử lý tệp (lượt nhập số {job.pk})" in page.content.decode()
    )
    assert "boom in prepare" not in page.content.decode()
    assert "boom in prepare" in caplog.text


def _as_clerk(alice) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(alice)
    return client


def test_invisible_marks_in_a_code_do_not_make_a_second_member(tree, alice):
    """A BOM or zero-width space pasted into a cell is invisible in Excel; before, the
    member "\ufeffN1" was created beside "N1"."""
    content = csv_bytes(
        "\ufeffN1,An,CBA1,01/05/2015", "N1\u200b,An,CBA1,01/05/2015", "\u200b,Bình,CBA1,01/05/2015"
    )
    client = _as_clerk(alice)

    response = upload(client, "vo-hinh.csv", content)
    page = client.get(response.url).content.decode()

    assert "Dòng 3, cột “Mã đảng viên”: Mã đảng viên “N1” xuất hiện hai lần trong tệp." in page
    assert "Dòng 4, cột “Mã đảng viên”: Chưa nhập giá trị bắt buộc." in page
    assert Member.objects.count() == 0


def test_a_grade_of_nan_is_a_row_error_not_a_failed_job(tree, roster, alice):
    """Decimal("NaN") parses, then fails every comparison: the job used to end FAILED."""
    builders.document()
    content = (
        "Mã đảng viên,Số ký hiệu văn bản,Tình trạng,Ngày nộp,Điểm\n"
        "A002,114-QĐ/TW,Yêu cầu viết lại,20/09/2023,NaN\n"
        "A003,114-QĐ/TW,Yêu cầu viết lại,20/09/2023,Infinity\n"
    ).encode()
    client = _as_clerk(alice)

    response = client.post(
        reverse("admin:sessions_app_writtenreport_import"),
        {"file": SimpleUploadedFile("diem.csv", content)},
    )
    page = client.get(response.url).content.decode()

    assert ImportJob.objects.get().status == ImportJobStatus.INVALID
    assert "Dòng 2, cột “Điểm”: “NaN” không phải số." in page
    assert "Dòng 3, cột “Điểm”: “Infinity” không phải số." in page
    assert WrittenReport.objects.count() == 0


def test_typed_excel_cells_are_read_or_named(tree, alice):
    """Numbers, booleans, date-times and times where an office typed them in Excel."""
    content = hostile.xlsx_from_values(
        [
            ["Mã đảng viên", "Họ và tên", "Mã chi bộ", "Ngày vào Đảng", "Số thẻ đảng viên"],
            [12345, "An", "CBA1", datetime.datetime(2015, 5, 1, 13, 30), 79012345.0],
            ["N2", "Bình", "CBA1", datetime.time(10, 0), None],
        ]
    )
    client = _as_clerk(alice)

    response = upload(client, "kieu-o.xlsx", content)
    page = client.get(response.url).content.decode()

    assert "Dòng 3, cột “Ngày vào Đảng”: “10:00:00” không phải ngày" in page
    assert [e[0] for e in ImportJob.objects.get().report["errors"]] == [3]


def test_a_date_cell_formatted_as_a_number_is_read_as_excels_day_number(tree, alice):
    """A date column formatted "General" holds Excel's serial day numbers (42125 is
    01/05/2015); a small number is more likely a year typed in the wrong place."""
    header = ["Mã đảng viên", "Họ và tên", "Mã chi bộ", "Ngày vào Đảng"]
    client = _as_clerk(alice)

    bad = hostile.xlsx_from_values(
        [header, ["N2", "Bình", "CBA1", 2015], ["N3", "Cường", "CBA1", 42125.5]]
    )
    page = client.get(upload(client, "so-sai.xlsx", bad).url).content.decode()
    assert "Dòng 2, cột “Ngày vào Đảng”: Số 2015 không phải ngày" in page
    assert "Dòng 3, cột “Ngày vào Đảng”: Số 42125" in page

    good = hostile.xlsx_from_values([header, ["N1", "An", "CBA1", 42125]])
    client.post(upload(client, "so-ngay.xlsx", good).url)
    assert Member.objects.get(code="N1").joined_on == datetime.date(2015, 5, 1)


# --- memory ----------------------------------------------------------------------------

MEMORY_PROBE = textwrap.dedent(
    """
    import json, resource, sys
    from pathlib import Path
    import django
    django.setup()
    from imports_app.engine import ImportRefused, read_table

    outcomes = {}
    for path in sorted(Path(sys.argv[1]).iterdir()):
        try:
            table = read_table(path.read_bytes())
            rows = sum(1 for source in table.sheets.values() for _ in source())
            outcomes[path.name] = f"read {rows}"
        except ImportRefused as refusal:
            outcomes[path.name] = "refused"
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(json.dumps({"outcomes": outcomes, "peak_mb": peak}))
    """
)


def test_reading_every_hostile_file_stays_under_300_mb(tmp_path):
    files = {
        "shared_strings.xlsx": hostile.shared_strings_bomb(60),
        "identical_rows.xlsx": hostile.identical_rows_bomb(),
        "whole_sheet_dimension.xlsx": hostile.simple_xlsx(
            [hostile.HEADER, ["N1", "An", "CBA1", "x"]], dimension="A1:XFD1048576"
        ),
        "corrupt.xlsx": hostile.corrupt_deflate(
            hostile.simple_xlsx([hostile.HEADER] + [["N1", "An", "CBA1", "x"]] * 300)
        ),
        "long_cell.csv": csv_bytes("N1," + "x" * 131_073 + ",CBA1,x"),
        "stray_quote.csv": csv_bytes('N0,"An,CBA1,x', *["N1,An,CBA1,x"] * 8000),
    }
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    # A hard ceiling too: a regression fails this test instead of exhausting the machine.
    probe = "import resource; resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))\n"

    done = subprocess.run(
        [sys.executable, "-c", probe + MEMORY_PROBE, str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])

    assert result["outcomes"] == {
        "corrupt.xlsx": "refused",
        "identical_rows.xlsx": "refused",
        "long_cell.csv": "refused",
        "shared_strings.xlsx": "refused",
        "stray_quote.csv": "refused",
        "whole_sheet_dimension.xlsx": "read 2",
    }
    assert result["peak_mb"] < 300
