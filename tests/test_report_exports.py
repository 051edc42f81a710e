"""Exports of the report table (read back) and the A4 print layout."""

import csv
import io

import openpyxl
from django.urls import reverse

from reports_app.exports import neutralise
from sessions_app.models import Organisation
from tests.report_fixtures import study_log  # noqa: F401 (fixture)


def _url(name, unit, query=""):
    return reverse(f"reports_app:{name}", kwargs={"pk": unit.pk}) + query


def test_the_csv_export_has_a_bom_and_every_unit_row(client, bob, tree, study_log):
    client.force_login(bob)
    response = client.get(
        _url("export_csv", tree["district_a"], f"?document={study_log['doc'].pk}")
    )
    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, total, commune = rows[0], rows[1], rows[2]
    assert header[:3] == ["Mã đơn vị", "Tên tổ chức đảng", "Số hội nghị"]
    record = dict(zip(header, commune, strict=True))
    assert record["Tên tổ chức đảng"] == "Đảng bộ xã Dân Lực"
    assert record["Đảng viên phải học"] == "5"
    assert record["Tỷ lệ tham gia (%)"] == "80,0"
    assert record["Hội nghị đầu tiên"] == "01/08/2023"
    assert record["Kết luận"] == "Chưa đạt"
    assert total[0] == "HA"


def test_the_xlsx_export_reads_back_with_numbers_and_dates(client, bob, tree, study_log):
    client.force_login(bob)
    response = client.get(
        _url("export_xlsx", tree["district_a"], f"?document={study_log['doc'].pk}")
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    record = dict(zip(rows[0], rows[2], strict=True))
    assert record["Đảng viên phải học"] == 5
    assert record["Tỷ lệ tham gia (%)"] == 80.0
    assert record["Hội nghị đầu tiên"].strftime("%d/%m/%Y") == "01/08/2023"
    assert record["Đã học bù"] == 1


def test_cells_that_spreadsheets_would_run_are_neutralised(client, bob, tree, study_log):
    Organisation.objects.filter(pk=tree["commune_a"].pk).update(name='=HYPERLINK("http://x")')
    client.force_login(bob)
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get(_url("export_xlsx", tree["district_a"])).content)
    ).active
    assert sheet.cell(row=3, column=2).value == '\'=HYPERLINK("http://x")'
    assert [neutralise(v) for v in ["+1", "-1", "@a", "\tx", "\rx", "ok", 5]] == [
        "'+1",
        "'-1",
        "'@a",
        "'\tx",
        "'\rx",
        "ok",
        5,
    ]


def test_outsiders_cannot_export_a_unit_they_do_not_see(client, charlie, tree):
    client.force_login(charlie)
    assert client.get(_url("export_csv", tree["district_a"])).status_code == 404


def test_the_print_layout_reads_like_an_official_report(client, bob, tree, study_log):
    client.force_login(bob)
    html = client.get(
        _url("print", tree["district_a"], f"?document={study_log['doc'].pk}")
    ).content.decode()
    assert "Báo cáo kết quả học tập, quán triệt" in html
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in html
    assert "Văn bản 114-QĐ/TW ngày 11/07/2023" in html
    assert "Tỷ lệ tham gia học tập đạt 80% (theo điểm danh)" in html
    assert "Đảng bộ xã Dân Lực: Tỷ lệ tham gia 80% (theo điểm danh), thấp hơn chỉ tiêu 95%" in html
    assert 'class="print kho-tu-dong"' in html


def test_exports_and_print_cost_a_fixed_number_of_queries(
    client, bob, tree, study_log, django_assert_max_num_queries
):
    client.force_login(bob)
    for name in ("export_csv", "export_xlsx", "print"):
        with django_assert_max_num_queries(24):
            assert client.get(_url(name, tree["district_a"])).status_code == 200
