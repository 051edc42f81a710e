"""Who owes a written report: the page per unit, its print and exports, the admin home count."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from sessions_app import services
from sessions_app.choices import ReportStatus
from sessions_app.models import WrittenReport
from tests import builders

SEP_1 = datetime.date(2023, 9, 1)
OWED = reverse("admin:sessions_app_writtenreport_owed")


@pytest.fixture
def owing(tree, roster):
    """Commune A studies 114-QĐ/TW on 1/9/2023 (due 1/10), district B's cell too.

    In cell A1: An has handed in nothing, Bình handed in, Cường was sent back.
    Cell A2: Dung and Em owe theirs. Cell B1: Giang owes hers.
    """
    doc = builders.document()
    builders.session(tree["commune_a"], [tree["commune_a"]], [doc], held_on=SEP_1)
    builders.session(tree["cell_b1"], [tree["cell_b1"]], [doc], held_on=SEP_1)
    services.written_report_submit(
        report=WrittenReport(member=roster["binh"], document=doc),
        submitted_on=datetime.date(2023, 9, 10),
        text="Bài của Bình: liên hệ công tác thủ quỹ chi bộ.",
    )
    cuong = services.written_report_submit(
        report=WrittenReport(member=roster["cuong"], document=doc),
        submitted_on=datetime.date(2023, 9, 10),
        text="Bài của Cường, sơ sài.",
    )
    services.written_report_review(
        report=cuong,
        status=ReportStatus.REVISION_REQUESTED,
        comment="Chưa liên hệ thực tế.",
        reviewed_on=datetime.date(2023, 9, 12),
    )
    return doc


def _names(response):
    return [row["obligation"].member.full_name for row in response.context["rows"]]


def test_the_cell_sees_who_has_not_handed_in_or_was_sent_back(client, alice, owing):
    client.force_login(alice)

    response = client.get(OWED)

    assert response.status_code == 200
    assert sorted(_names(response)) == ["Lê Văn Cường", "Nguyễn Văn An"]
    html = response.content.decode()
    assert "Bị trả lại, phải viết lại" in html and "Chưa liên hệ thực tế." in html
    assert "01/10/2023" in html  # the deadline: 30 days after the study


def test_the_district_sees_its_whole_subtree_and_may_narrow_it_to_a_cell(client, diana, owing):
    client.force_login(diana)

    whole = client.get(OWED)
    cell = client.get(OWED, {"don-vi": "CBA2"})

    assert sorted(_names(whole)) == [
        "Hoàng Văn Em",
        "Lê Văn Cường",
        "Nguyễn Văn An",
        "Phạm Thị Dung",
    ]
    assert sorted(_names(cell)) == ["Hoàng Văn Em", "Phạm Thị Dung"]


def test_a_unit_outside_the_users_subtree_is_not_found(client, alice, owing):
    client.force_login(alice)

    assert client.get(OWED, {"don-vi": "HB"}).status_code == 404
    assert client.get(OWED, {"don-vi": "CBA2"}).status_code == 404  # a sibling cell


def test_the_owed_list_exports_to_csv_for_excel(client, alice, owing):
    client.force_login(alice)

    response = client.get(OWED, {"dinh-dang": "csv"})

    assert response["Content-Disposition"].startswith("attachment;")
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["Mã đảng viên", "Họ và tên", "Chi bộ"]
    assert sorted((r[0], r[1], r[3], r[5], r[7]) for r in rows[1:]) == [
        ("A001", "Nguyễn Văn An", "114-QĐ/TW", "01/10/2023", ""),
        ("A003", "Lê Văn Cường", "114-QĐ/TW", "01/10/2023", "Chưa liên hệ thực tế."),
    ]
    states = {r[0]: r[6] for r in rows[1:]}
    assert states["A001"].startswith("Chưa nộp, quá hạn ")
    assert states["A003"].startswith("Bị trả lại, phải viết lại, quá hạn ")


def test_the_owed_list_exports_to_xlsx_and_prints(client, alice, owing):
    client.force_login(alice)

    workbook = load_workbook(io.BytesIO(client.get(OWED, {"dinh-dang": "xlsx"}).content))
    printed = client.get(OWED, {"dinh-dang": "in"}).content.decode()

    sheet = workbook.active
    assert [c.value for c in sheet[1]][:2] == ["Mã đảng viên", "Họ và tên"]
    assert sorted(row[1].value for row in sheet.iter_rows(min_row=2)) == [
        "Lê Văn Cường",
        "Nguyễn Văn An",
    ]
    assert "Danh sách đảng viên chưa nộp hoặc phải viết lại bài thu hoạch" in printed
    assert "Nguyễn Văn An" in printed


def test_the_owed_page_takes_the_same_queries_for_more_members(client, diana, tree, owing):
    client.force_login(diana)
    with CaptureQueriesContext(connection) as few:
        client.get(OWED)
    for n in range(6):
        builders.member(tree["cell_a2"], f"Đảng viên mới {n}", joined_on=datetime.date(2015, 1, 1))
    builders.session(tree["cell_a2"], [tree["cell_a2"]], [owing], held_on=datetime.date(2023, 9, 5))

    with CaptureQueriesContext(connection) as many:
        response = client.get(OWED)

    assert len(_names(response)) == 10
    assert len(many) == len(few)


def test_the_admin_home_shows_the_overdue_count_of_the_users_subtree(
    client, alice, diana, erik, owing
):
    # Today is years after the 1/10/2023 deadline: every owed report is overdue.
    counts = {}
    for user in (alice, diana, erik):
        client.force_login(user)
        html = client.get(reverse("admin:index")).content.decode()
        section = html.split('id="overdue-reports"')[1].split("</table>")[0]
        counts[user.username] = int(section.split("<td>")[1].split("</td>")[0])

    assert counts == {"alice": 2, "diana": 4, "erik": 1}
