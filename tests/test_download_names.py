"""Downloads keep their meaning: a Vietnamese-aware slug, the unit and the date in the name."""

import datetime
import io

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from sessions_app.text import download_name, sheet_title, slug
from tests import builders


def _filename(response) -> str:
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="'), disposition
    return disposition.removeprefix('attachment; filename="').removesuffix('"')


def _sheet_names(response) -> list[str]:
    return load_workbook(io.BytesIO(response.content), read_only=True).sheetnames


def test_the_slug_keeps_d_and_drops_tones():
    assert slug("Đảng viên") == "dang-vien"
    assert slug("Tổ chức đảng") == "to-chuc-dang"
    assert slug("Chi bộ thôn Đông Lạc") == "chi-bo-thon-dong-lac"
    assert slug("Nguyễn Thị Ánh Tuyết") == "nguyen-thi-anh-tuyet"


def test_a_download_name_joins_what_which_unit_and_when():
    name = download_name(
        "Đảng viên", "Chi bộ thôn Đông Lạc", day=datetime.date(2026, 11, 23), ext="xlsx"
    )
    assert name == "dang-vien_chi-bo-thon-dong-lac_2026-11-23.xlsx"
    assert download_name("Mẫu nhập đảng viên", ext="csv") == "mau-nhap-dang-vien.csv"


def test_a_sheet_title_fits_excel():
    assert sheet_title("Đảng viên") == "Đảng viên"
    assert len(sheet_title("Yêu cầu khắc phục sau kiểm tra, giám sát chuyên đề")) <= 31
    assert "/" not in sheet_title("Điểm danh 114-QĐ/TW")


def test_the_member_export_names_the_filtered_unit_and_today(client, alice, roster, tree):
    client.force_login(alice)
    url = reverse("admin:sessions_app_member_export", args=["xlsx"])
    response = client.get(url, {"don_vi": tree["cell_a1"].pk})
    assert response.status_code == 200
    today = timezone.localdate().isoformat()
    assert _filename(response) == f"dang-vien_chi-bo-thon-1_{today}.xlsx"
    assert _sheet_names(response) == ["Đảng viên"]


def test_an_export_without_a_filter_names_the_users_own_unit(client, bob, roster):
    client.force_login(bob)
    response = client.get(reverse("admin:sessions_app_organisation_export", args=["csv"]))
    today = timezone.localdate().isoformat()
    assert _filename(response) == f"to-chuc-dang_dang-bo-huyen-trieu-son_{today}.csv"


def test_an_import_template_is_named_for_its_records(client, alice):
    client.force_login(alice)
    response = client.get(reverse("admin:sessions_app_member_import_template", args=["xlsx"]))
    assert _filename(response) == "mau-nhap-dang-vien.xlsx"
    assert _sheet_names(response) == ["Mẫu đảng viên"]


def test_an_attendance_export_names_the_session_and_its_day(client, alice, roster, tree):
    cell = tree["cell_a1"]
    study = builders.session(
        cell, [cell], [builders.document()], held_on=datetime.date(2024, 3, 8), title="Quán triệt"
    )
    client.force_login(alice)
    url = reverse("admin:sessions_app_studysession_attendance_export", args=[study.pk, "xlsx"])
    response = client.get(url)
    assert response.status_code == 200
    assert _filename(response) == "diem-danh_quan-triet_2024-03-08.xlsx"
    assert _sheet_names(response) == ["Điểm danh"]


def test_a_report_export_names_the_unit_and_the_day(client, bob, tree):
    client.force_login(bob)
    response = client.get(reverse("reports_app:export_xlsx", args=[tree["district_a"].pk]))
    today = timezone.localdate().isoformat()
    assert _filename(response) == f"bao-cao_dang-bo-huyen-trieu-son_{today}.xlsx"
    assert _sheet_names(response) == ["Báo cáo"]
