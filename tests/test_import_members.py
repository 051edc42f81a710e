import datetime

import pytest

from imports_app.engine import ImportRefused
from sessions_app.choices import CommitteeRole, Gender, MemberStatus
from sessions_app.models import Member, MemberPlacement
from tests.io_helpers import messages, run_import

EXPECTED_NAMES = {
    "DV101": "Nguyễn Văn Thắng",
    "DV102": "Trần Thị Hằng",
    "DV103": "Lê Văn Đức",
    "DV104": "Phạm Thị Ngọc Ánh",
    "DV105": "Hoàng Quốc Việt",
}


def roster_snapshot():
    return sorted(
        Member.objects.values_list("code", "full_name", "unit__code", "status", "card_number")
    ) + sorted(MemberPlacement.objects.values_list("member__code", "unit__code", "started_on"))


@pytest.mark.parametrize(
    "file_name",
    [
        "members_utf8.csv",
        "members_utf8_bom.csv",
        "members_semicolon.csv",
        "members_nfd.csv",
        "members_windows1258.csv",
        "members.xlsx",
    ],
)
def test_it_imports_the_roster_from_each_encoding_and_separator(tree, superuser, file_name):
    assert Member.objects.count() == 0

    report = run_import("members", file_name, user=superuser)

    assert messages(report) == []
    assert report.committed and report.counts == {"new": 5, "changed": 0, "unchanged": 0}
    names = dict(Member.objects.values_list("code", "full_name"))
    assert names == EXPECTED_NAMES  # NFC, trimmed, code upper-cased: lookups match
    assert Member.objects.filter(full_name="Nguyễn Văn Thắng").exists()
    assert Member.objects.get(code="DV101").search_text == "dv101 79000101 nguyen van thang"


def test_it_reads_day_first_and_iso_dates_and_yes_no_columns(tree, superuser):
    run_import("members", "members_utf8.csv", user=superuser)

    thang, hang, duc = (Member.objects.get(code=c) for c in ["DV101", "DV102", "DV103"])
    assert thang.birth_date == datetime.date(1980, 3, 5)
    assert thang.joined_on == datetime.date(2010, 5, 19)
    assert hang.birth_date == datetime.date(1985, 7, 21)
    assert duc.birth_date == datetime.date(1990, 1, 1)
    assert (thang.is_leader, hang.is_leader, duc.is_leader) == (True, True, False)
    assert thang.committee_role == CommitteeRole.SECRETARY
    assert duc.gender == Gender.MALE and hang.gender == Gender.FEMALE
    assert hang.status == MemberStatus.ACTIVE


def test_new_members_open_a_placement_in_their_cell(tree, superuser):
    run_import("members", "members_utf8.csv", user=superuser)

    placement = MemberPlacement.objects.get(member__code="DV101")
    assert placement.unit == tree["cell_a1"]
    assert placement.started_on == datetime.date(2010, 5, 19)
    assert placement.ended_on is None


def test_importing_the_same_file_twice_changes_nothing(tree, superuser):
    run_import("members", "members_utf8.csv", user=superuser)
    before = roster_snapshot()

    report = run_import("members", "members_windows1258.csv", user=superuser)

    assert report.counts == {"new": 0, "changed": 0, "unchanged": 5}
    assert roster_snapshot() == before


def test_the_preview_tells_new_changed_and_unchanged_rows_and_writes_nothing(tree, superuser):
    run_import("members", "members_utf8.csv", user=superuser)
    edited = (
        "Mã đảng viên,Họ và tên,Mã chi bộ,Ngày vào Đảng\n"
        "DV101,Nguyễn Văn Thắng,CBA1,19/05/2010\n"
        "DV102,Trần Thị Thu Hằng,CBA1,02/03/2012\n"
        "DV999,Đỗ Minh Châu,CBA2,01/01/2020\n"
    ).encode()
    before = roster_snapshot()

    report = run_import("members", edited, user=superuser, dry_run=True)

    assert report.counts == {"new": 1, "changed": 1, "unchanged": 1}
    assert {(p["row"], p["status"]) for p in report.preview} == {(3, "changed"), (4, "new")}
    assert next(p for p in report.preview if p["row"] == 3)["changes"] == ["Họ và tên"]
    assert not report.committed
    assert roster_snapshot() == before


def test_a_changed_cell_code_is_a_transfer_that_keeps_the_past(tree, superuser):
    run_import("members", "members_utf8.csv", user=superuser)
    moved = (
        "Mã đảng viên,Họ và tên,Mã chi bộ,Ngày vào Đảng,Ngày bắt đầu sinh hoạt tại chi bộ\n"
        "DV101,Nguyễn Văn Thắng,CBB1,19/05/2010,01/06/2024\n"
    ).encode()

    report = run_import("members", moved, user=superuser)

    assert messages(report) == []
    assert Member.objects.get(code="DV101").unit == tree["cell_b1"]
    placements = list(
        MemberPlacement.objects.filter(member__code="DV101")
        .order_by("started_on")
        .values_list("unit__code", "started_on", "ended_on")
    )
    assert placements == [
        ("CBA1", datetime.date(2010, 5, 19), datetime.date(2024, 6, 1)),
        ("CBB1", datetime.date(2024, 6, 1), None),
    ]


def test_a_transfer_dated_before_the_current_placement_is_a_row_error(tree, superuser):
    run_import("members", "members_utf8.csv", user=superuser)
    moved = (
        "Mã đảng viên,Họ và tên,Mã chi bộ,Ngày vào Đảng,Ngày bắt đầu sinh hoạt tại chi bộ\n"
        "DV101,Nguyễn Văn Thắng,CBB1,19/05/2010,01/01/2009\n"
    ).encode()
    before = roster_snapshot()

    report = run_import("members", moved, user=superuser)

    assert messages(report) == [
        "Dòng 2, cột “Ngày bắt đầu sinh hoạt tại chi bộ”: Ngày chuyển phải sau ngày bắt đầu "
        "sinh hoạt (19/05/2010)."
    ]
    assert roster_snapshot() == before


@pytest.mark.parametrize(
    ("file_name", "expected"),
    [
        (
            "members_bad_unknown_unit.csv",
            "Dòng 4, cột “Mã chi bộ”: Không có đơn vị mã “KHONGCO” trong phạm vi đơn vị của bạn.",
        ),
        (
            "members_bad_duplicate.csv",
            "Dòng 7, cột “Mã đảng viên”: Mã đảng viên “DV101” xuất hiện hai lần trong tệp.",
        ),
        (
            "members_bad_date.csv",
            "Dòng 3, cột “Ngày vào Đảng”: Ngày “31/02/2024” không có thật.",
        ),
        (
            "members_bad_missing.csv",
            "Dòng 5, cột “Họ và tên”: Chưa nhập giá trị bắt buộc.",
        ),
        (
            "members_bad_choice.csv",
            "Dòng 6, cột “Giới tính”: “Khác” không thuộc các giá trị cho phép: Nam, Nữ.",
        ),
    ],
)
def test_one_bad_row_names_row_column_and_reason_and_nothing_is_written(
    tree, superuser, file_name, expected
):
    assert Member.objects.count() == 0

    report = run_import("members", file_name, user=superuser)

    assert messages(report) == [expected]
    assert not report.committed
    assert Member.objects.count() == 0
    assert MemberPlacement.objects.count() == 0


def test_every_bad_row_is_listed_not_only_the_first(tree, superuser):
    content = (
        "Mã đảng viên,Họ và tên,Mã chi bộ,Ngày vào Đảng,Ngày sinh\n"
        "DV1,Một,CBA1,30/02/2020,\n"
        "DV2,,CBA1,01/01/2020,\n"
        "DV3,Ba,XYZ,01/01/2020,01/01/2021\n"
    ).encode()

    report = run_import("members", content, user=superuser)

    assert messages(report) == [
        "Dòng 2, cột “Ngày vào Đảng”: Ngày “30/02/2020” không có thật.",
        "Dòng 3, cột “Họ và tên”: Chưa nhập giá trị bắt buộc.",
        "Dòng 4, cột “Mã chi bộ”: Không có đơn vị mã “XYZ” trong phạm vi đơn vị của bạn.",
        "Dòng 4, cột “Ngày sinh”: Ngày sinh phải trước ngày vào Đảng.",
    ]


def test_a_unit_outside_the_users_subtree_is_a_row_error(tree, alice):
    # Alice works in cell A1: cell A2 is her sibling, outside her scope.
    report = run_import("members", "members_utf8.csv", user=alice)

    assert "Dòng 4, cột “Mã chi bộ”: Không có đơn vị mã “CBA2” trong phạm vi đơn vị của bạn." in (
        messages(report)
    )
    assert Member.objects.count() == 0


def test_a_member_of_another_unit_cannot_be_overwritten(tree, roster, alice):
    content = "Mã đảng viên,Họ và tên,Mã chi bộ,Ngày vào Đảng\nB001,Tên mới,CBA1,01/05/2015\n"

    report = run_import("members", content.encode(), user=alice)

    assert messages(report) == [
        "Dòng 2, cột “Mã đảng viên”: Đảng viên mã “B001” thuộc đơn vị ngoài phạm vi của bạn."
    ]
    assert Member.objects.get(code="B001").full_name == "Vũ Thị Giang"


def _roster_csv(count: int) -> bytes:
    lines = ["Mã đảng viên,Số thẻ đảng viên,Họ và tên,Mã chi bộ,Ngày vào Đảng,Ngày sinh"]
    cells = ["CBA1", "CBA2", "CBB1"]
    lines += [
        f"Q{n:06d},{70000000 + n},Nguyễn Văn Số {n},{cells[n % 3]},01/01/2015,{n % 28 + 1}/3/1980"
        for n in range(count)
    ]
    return "\n".join(lines).encode()


def test_a_thousand_rows_take_as_many_queries_as_a_hundred(
    tree, superuser, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as hundred:
        report = run_import("members", _roster_csv(100), user=superuser)
    assert report.counts["new"] == 100
    Member.objects.all().delete()

    with django_assert_num_queries(len(hundred.captured_queries)):
        report = run_import("members", _roster_csv(1000), user=superuser)

    assert report.counts["new"] == 1000
    assert MemberPlacement.objects.count() == 1000
    assert len(hundred.captured_queries) < 20


def test_queries_grow_by_the_same_number_with_each_chunk_not_with_rows(tree, superuser):
    """A fixed number of queries a chunk (the cells are looked up in the first one only)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from imports_app.engine import import_run, read_table
    from imports_app.kinds.members import MemberImporter

    counts = []
    for chunks in (1, 2, 3):
        with CaptureQueriesContext(connection) as captured:
            report = import_run(
                MemberImporter(user=superuser),
                read_table(_roster_csv(100 * chunks)),
                dry_run=False,
                chunk_size=100,
            )
        assert report.counts["new"] == 100 * chunks
        counts.append(len(captured.captured_queries))
        Member.objects.all().delete()

    assert counts[2] - counts[1] == counts[1] - counts[0] < 20


def test_reimporting_a_thousand_rows_is_bounded_too(tree, superuser, django_assert_max_num_queries):
    run_import("members", _roster_csv(1000), user=superuser)

    with django_assert_max_num_queries(12):
        report = run_import("members", _roster_csv(1000), user=superuser)

    assert report.counts == {"new": 0, "changed": 0, "unchanged": 1000}


def test_a_header_row_without_required_columns_is_refused(tree, superuser):
    report = run_import("members", "Tên,Tuổi\nAn,30\n".encode(), user=superuser)

    assert messages(report) == [
        "Tệp: Tệp thiếu cột bắt buộc: “Mã đảng viên”, “Họ và tên”, “Ngày vào Đảng”. "
        "Hãy tải tệp mẫu và giữ nguyên dòng tiêu đề."
    ]


@pytest.mark.parametrize(
    ("file_name", "expected"),
    [
        ("empty.csv", "Tệp rỗng, không có dữ liệu."),
        ("not_a_spreadsheet.pdf", "Tệp không phải bảng tính CSV hoặc Excel (.xlsx)."),
        ("not_a_spreadsheet.zip", "Tệp không phải bảng tính CSV hoặc Excel (.xlsx)."),
    ],
)
def test_files_that_are_not_spreadsheets_are_refused(tree, superuser, file_name, expected):
    with pytest.raises(ImportRefused) as refusal:
        run_import("members", file_name, user=superuser)

    assert refusal.value.message.startswith(expected)


def test_a_file_with_only_headers_is_refused(tree, superuser):
    report = run_import("members", "header_only.csv", user=superuser)

    assert messages(report) == ["Tệp: Tệp không có dòng dữ liệu nào (chỉ có dòng tiêu đề)."]


def test_a_file_over_the_size_limit_is_refused(tree, superuser, settings):
    settings.IMPORT_MAX_BYTES = 100

    with pytest.raises(ImportRefused) as refusal:
        run_import("members", "members_utf8.csv", user=superuser)

    assert refusal.value.message == "Tệp quá lớn: tối đa 0 MB. Hãy chia tệp thành nhiều phần."
