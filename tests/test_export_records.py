import csv
import datetime
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from imports_app.kinds import RESOURCES
from sessions_app import services
from sessions_app.choices import MemberStatus
from sessions_app.models import Inspection, Member, RemediationItem
from tests import builders


def csv_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads Vietnamese only with the BOM
    return list(csv.reader(io.StringIO(text[1:])))


def test_csv_export_has_a_bom_vietnamese_headers_and_codes(roster, admin_client):
    response = admin_client.get(reverse("admin:sessions_app_member_export", args=["csv"]))

    rows = csv_rows(response)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert rows[0][:3] == ["Mã đảng viên", "Số thẻ đảng viên", "Họ và tên"]
    an = next(row for row in rows if row[0] == "A001")
    assert an[2] == "Nguyễn Văn An" and an[5] == "CBA1" and an[6] == "01/05/2015"
    assert an[9] == "Có" and an[11] == "Đang sinh hoạt"


def test_the_export_follows_the_admins_current_filters(tree, roster, admin_client):
    services.member_transfer(member=roster["giang"], to_unit=None, on=datetime.date(2024, 1, 1))
    url = reverse("admin:sessions_app_member_export", args=["csv"])

    rows = csv_rows(admin_client.get(url + f"?status__exact={MemberStatus.TRANSFERRED_OUT}"))

    assert [row[0] for row in rows[1:]] == ["B001"]
    assert rows[1][5] == "" and rows[1][11] == "Đã chuyển sinh hoạt đi"


def test_the_export_holds_only_what_the_user_may_see(tree, roster, alice):
    dataset = RESOURCES["members"](user=alice).export(Member.objects.all())

    assert sorted(row[0] for row in dataset) == ["A001", "A002", "A003"]


def test_cells_a_spreadsheet_would_run_are_neutralised(tree, admin_client):
    inspection = Inspection.objects.create(
        inspecting_unit=tree["district_a"],
        inspected_unit=tree["commune_a"],
        started_on=datetime.date(2024, 3, 15),
    )
    for text in ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "Bình thường"]:
        RemediationItem.objects.create(
            inspection=inspection, description=text, due_on=inspection.started_on
        )
    url = reverse("admin:sessions_app_remediationitem_export", args=["csv"])

    described = sorted(row[2] for row in csv_rows(admin_client.get(url))[1:])

    assert described == ["'+1", "'-2", '\'=HYPERLINK("http://x")', "'@SUM(A1)", "Bình thường"]
    xlsx = admin_client.get(url.replace("xuat.csv", "xuat.xlsx"))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sorted(str(row[2]) for row in sheet.iter_rows(min_row=2, values_only=True))[0] == "'+1"


def test_exporting_many_members_takes_a_fixed_number_of_queries(tree, admin_client):
    url = reverse("admin:sessions_app_member_export", args=["xlsx"])

    def queries_for_export(expected_rows):
        with CaptureQueriesContext(connection) as context:
            response = admin_client.get(url)
        assert load_workbook(io.BytesIO(response.content)).active.max_row == expected_rows + 1
        return len(context.captured_queries)

    for n in range(3):
        builders.member(tree["cell_a1"], f"Đảng viên {n}")
    few = queries_for_export(3)
    for n in range(3, 60):
        builders.member(tree["cell_a1"], f"Đảng viên {n}")
    assert queries_for_export(60) == few <= 12
