import datetime
from decimal import Decimal

import pytest

from sessions_app import services
from sessions_app.choices import AttendanceStatus, ReportStatus, Sector, UnitKind
from sessions_app.models import (
    Attendance,
    Document,
    Inspection,
    Organisation,
    RemediationItem,
    WrittenReport,
)
from tests import builders
from tests.io_helpers import messages, run_import


def test_it_imports_units_under_their_parent_even_when_the_child_comes_first(tree, superuser):
    report = run_import("organisations", "organisations.csv", user=superuser)

    assert messages(report) == []
    commune = Organisation.objects.get(code="XAX")
    assert Organisation.objects.get_parent(commune) == tree["district_a"]
    assert commune.reported_members == 1250
    assert commune.kind == UnitKind.GRASSROOTS_COMMITTEE and commune.sector == Sector.COMMUNE
    school = Organisation.objects.get(code="CBX1")
    assert Organisation.objects.get_parent(school) == commune and school.sector == Sector.SCHOOL
    assert Organisation.objects.get(code="CBX2").kind == UnitKind.CELL
    assert school.search_text == "cbx1 chi bo truong tieu hoc"


def test_reimporting_units_changes_nothing(tree, superuser):
    run_import("organisations", "organisations.csv", user=superuser)
    before = list(Organisation.objects.values_list("code", "path", "name", "numchild"))

    report = run_import("organisations", "organisations.csv", user=superuser)

    assert report.counts == {"new": 0, "changed": 0, "unchanged": 3}
    assert list(Organisation.objects.values_list("code", "path", "name", "numchild")) == before


def test_a_new_parent_code_moves_the_unit_with_its_subtree(tree, superuser):
    content = "Mã đơn vị,Tên tổ chức đảng,Loại tổ chức,Mã đơn vị cấp trên\n"
    content += "XA1,Đảng bộ xã Dân Lực,Đảng bộ cơ sở,HB\n"

    report = run_import("organisations", content.encode(), user=superuser)

    assert messages(report) == [] and report.counts["changed"] == 1
    tree["cell_a1"].refresh_from_db()
    assert tree["cell_a1"].path.startswith(Organisation.objects.get(code="HB").path)


def test_units_that_are_each_others_parent_are_refused(tree, superuser):
    content = "Mã đơn vị,Tên tổ chức đảng,Loại tổ chức,Mã đơn vị cấp trên\n"
    content += "N1,Một,Chi bộ trực thuộc,N2\nN2,Hai,Chi bộ trực thuộc,N1\n"
    count = Organisation.objects.count()

    report = run_import("organisations", content.encode(), user=superuser)

    assert (
        "Dòng 2, cột “Mã đơn vị cấp trên”: Các đơn vị trong tệp làm cấp trên của nhau (vòng lặp)."
        in messages(report)
    )
    assert Organisation.objects.count() == count


def test_a_unit_under_a_parent_outside_the_users_scope_is_a_row_error(tree, bob):
    content = "Mã đơn vị,Tên tổ chức đảng,Loại tổ chức,Mã đơn vị cấp trên\n"
    content += "N1,Chi bộ mới,Chi bộ trực thuộc,XA1\nN2,Chi bộ khác,Chi bộ trực thuộc,XB1\n"

    report = run_import("organisations", content.encode(), user=bob)

    assert messages(report) == [
        "Dòng 3, cột “Mã đơn vị cấp trên”: Không có đơn vị mã “XB1” trong phạm vi đơn vị của bạn."
    ]
    assert not Organisation.objects.filter(code="N1").exists()


def test_it_imports_documents_with_their_symbols_parsed(db, superuser):
    report = run_import("documents", "documents.csv", user=superuser)

    assert messages(report) == []
    regulation = Document.objects.get(symbol="117-QĐ/TW")
    assert (regulation.number, regulation.kind, regulation.issuer) == (117, "QĐ", "TW")
    assert regulation.issued_on == datetime.date(2023, 8, 18)
    assert Document.objects.get(symbol="01-KL/TW").report_required is False
    assert run_import("documents", "documents.csv", user=superuser).counts["unchanged"] == 3


def test_a_bad_symbol_is_a_row_error(db, superuser):
    content = "Số ký hiệu,Ngày ban hành,Trích yếu\n114/TW,11/07/2023,Quy định\n"

    report = run_import("documents", content.encode(), user=superuser)

    assert messages(report) == [
        "Dòng 2, cột “Số ký hiệu”: Số ký hiệu “114/TW” không đúng dạng số-loại/cơ quan ban hành, "
        "ví dụ 114-QĐ/TW."
    ]
    assert Document.objects.count() == 0


@pytest.fixture
def study(tree, roster):
    return builders.session(
        tree["commune_a"], [tree["cell_a1"], tree["cell_a2"]], [builders.document()]
    )


def test_it_imports_the_attendance_of_a_session(study, superuser):
    report = run_import("attendance", "attendance.csv", user=superuser, context=study)

    assert messages(report) == []
    statuses = dict(Attendance.objects.values_list("member__code", "status"))
    assert statuses == {
        "A001": AttendanceStatus.PRESENT,
        "A002": AttendanceStatus.LATE,
        "A003": AttendanceStatus.ABSENT_EXCUSED,
        "A004": AttendanceStatus.ABSENT_UNEXCUSED,
    }
    again = run_import("attendance", "attendance.csv", user=superuser, context=study)
    assert again.counts == {"new": 0, "changed": 0, "unchanged": 4}


def test_a_member_outside_the_sessions_units_duplicates_and_bad_statuses_are_named(
    tree, roster, superuser
):
    study = builders.session(tree["cell_a1"], [tree["cell_a1"]], [builders.document()])

    report = run_import("attendance", "attendance_bad_outsider.csv", user=superuser, context=study)

    assert messages(report) == [
        "Dòng 5, cột “Điểm danh”: “Trốn” không thuộc các giá trị cho phép: Có mặt, Đi muộn, "
        "Vắng có lý do, Vắng không lý do.",
        "Dòng 3, cột “Mã đảng viên”: Đảng viên không thuộc các đơn vị tham gia hội nghị vào "
        "ngày 01/09/2023: Hoàng Văn Em (A005).",
        "Dòng 4, cột “Mã đảng viên”: Mã đảng viên “A001” xuất hiện hai lần trong tệp.",
    ]
    assert Attendance.objects.count() == 0


def test_attendance_of_a_session_outside_the_users_scope_is_refused(study, charlie):
    report = run_import("attendance", "attendance.csv", user=charlie, context=study)

    assert messages(report) == ["Tệp: Không có hội nghị này trong phạm vi đơn vị của bạn."]
    assert Attendance.objects.count() == 0


def test_it_imports_written_report_statuses(tree, roster, superuser):
    builders.document()

    report = run_import("written_reports", "written_reports.csv", user=superuser)

    assert messages(report) == []
    passed = WrittenReport.objects.get(member__code="A001")
    assert passed.status == ReportStatus.PASSED and passed.grade == Decimal("8.50")
    assert WrittenReport.objects.get(member__code="A002").status == ReportStatus.REVISION_REQUESTED
    assert (
        run_import("written_reports", "written_reports.csv", user=superuser).counts["unchanged"]
        == 3
    )


def test_a_leader_passed_without_an_action_plan_is_a_row_error(tree, roster, superuser):
    builders.document()
    content = "Mã đảng viên,Số ký hiệu văn bản,Tình trạng,Ngày nộp\nA001,114-QĐ/TW,Đạt,20/09/2023\n"

    report = run_import("written_reports", content.encode(), user=superuser)

    assert messages(report) == [
        "Dòng 2, cột “Kế hoạch hành động”: Bài của cán bộ lãnh đạo, quản lý phải có kế hoạch "
        "hành động mới được đánh giá Đạt."
    ]
    assert WrittenReport.objects.count() == 0


@pytest.fixture
def inspection(tree):
    return Inspection.objects.create(
        inspecting_unit=tree["district_a"],
        inspected_unit=tree["commune_a"],
        started_on=datetime.date(2024, 3, 15),
    )


def test_it_imports_remediation_items_by_unit_and_inspection_date(inspection, superuser):
    report = run_import("remediations", "remediations.csv", user=superuser)

    assert messages(report) == []
    items = list(
        inspection.remediations.order_by("due_on").values_list("description", "resolved_on")
    )
    assert items == [
        ("=Nhắc nhở đảng viên vắng không lý do", datetime.date(2024, 4, 20)),
        ("Bổ sung kế hoạch hành động của chi bộ", None),
    ]
    assert run_import("remediations", "remediations.csv", user=superuser).counts["unchanged"] == 2


def test_a_remediation_resolved_without_a_result_is_a_row_error(inspection, superuser):
    content = (
        "Mã đơn vị được kiểm tra,Ngày bắt đầu kiểm tra,Nội dung yêu cầu khắc phục,Hạn khắc phục,"
        "Ngày khắc phục xong\nXA1,15/03/2024,Sửa quy chế,30/06/2024,01/06/2024\n"
        "XA1,16/03/2024,Khác,30/06/2024,\n"
    )

    report = run_import("remediations", content.encode(), user=superuser)

    assert messages(report) == [
        "Dòng 2, cột “Kết quả khắc phục”: Đã khắc phục xong thì phải ghi kết quả khắc phục.",
        "Dòng 3, cột “Mã đơn vị được kiểm tra”: Không có cuộc kiểm tra, giám sát đơn vị “XA1” bắt "
        "đầu ngày 16/03/2024 trong phạm vi đơn vị của bạn.",
    ]
    assert RemediationItem.objects.count() == 0


def test_a_member_who_moved_to_a_neighbouring_cell_is_refused_on_the_row(tree, alice):
    """The roll call's own rule (services.attendance_outsiders): a cell sees the member it
    once had, but records only its own members; the row says so before anything is written."""
    moved = builders.member(tree["cell_a1"], "Phạm Văn Dũng", code="A009")
    services.member_transfer(member=moved, to_unit=tree["cell_a2"], on=datetime.date(2023, 1, 1))
    study = builders.session(
        tree["commune_a"], [tree["cell_a1"], tree["cell_a2"]], [builders.document()]
    )
    content = "Mã đảng viên,Điểm danh\nA009,Có mặt\n".encode()

    report = run_import("attendance", content, user=alice, context=study)

    assert messages(report) == [
        "Dòng 2, cột “Mã đảng viên”: Chỉ được điểm danh đảng viên thuộc đơn vị của bạn: "
        "Phạm Văn Dũng (A009)."
    ]
    assert Attendance.objects.count() == 0
