"""Make the import test files: `python tests/data/make_files.py` rewrites them all.

The files are committed; this script says how each was made (encodings, separators,
Unicode forms) so a reader can trust what the tests claim about them.
"""

import csv
import io
import unicodedata
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).parent

MEMBER_HEADERS = [
    "Mã đảng viên",
    "Số thẻ đảng viên",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Mã chi bộ",
    "Ngày vào Đảng",
    "Ngày chuyển chính thức",
    "Chức vụ cấp ủy",
    "Cán bộ lãnh đạo, quản lý",
    "Chức vụ chính quyền, đoàn thể",
    "Tình trạng",
]
# Dates day-first with and without leading zeros, and ISO; yes/no as Có, x, Không, blank;
# a stray space around a code and a name.
MEMBERS = [
    [
        "DV101",
        "79000101",
        "Nguyễn Văn Thắng",
        "05/03/1980",
        "Nam",
        "CBA1",
        "19/5/2010",
        "19/05/2011",
        "Bí thư",
        "Có",
        "Trưởng thôn",
        "Đang sinh hoạt",
    ],
    ["DV102", "", " Trần Thị Hằng ", "1985-07-21", "Nữ", "CBA1", "2012-03-02", "", "", "x", "", ""],
    [
        "dv103 ",
        "",
        "Lê Văn Đức",
        "1/1/1990",
        "nam",
        "CBA2",
        "03/02/2015",
        "",
        "Không",
        "",
        "",
        "Đang sinh hoạt",
    ],
    [
        "DV104",
        "",
        "Phạm Thị Ngọc Ánh",
        "12/12/1992",
        "Nữ",
        "CBA2",
        "20/10/2016",
        "",
        "Cấp ủy viên",
        "Không",
        "Bí thư Đoàn",
        "Đang sinh hoạt",
    ],
    ["DV105", "", "Hoàng Quốc Việt", "", "", "CBA1", "01/09/2018", "", "", "", "", ""],
]
TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def windows_1258_form(text: str) -> str:
    """How Excel on Vietnamese Windows writes text: â ê ô ơ ư ă đ whole, tones as marks."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", char)
        tones = "".join(p for p in parts if p in TONES)
        base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in TONES))
        out.append(base + tones)
    return "".join(out)


def csv_text(headers, rows, delimiter=",") -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue()


def write(name: str, data: bytes) -> None:
    (HERE / name).write_bytes(data)


def with_row(rows, index, column, value):
    changed = [list(row) for row in rows]
    changed[index][MEMBER_HEADERS.index(column)] = value
    return changed


def main() -> None:
    text = csv_text(MEMBER_HEADERS, MEMBERS)
    write("members_utf8.csv", text.encode("utf-8"))
    write("members_utf8_bom.csv", text.encode("utf-8-sig"))
    write("members_semicolon.csv", csv_text(MEMBER_HEADERS, MEMBERS, ";").encode("utf-8"))
    write(
        "members_nfd.csv",
        unicodedata.normalize("NFD", text).encode("utf-8"),
    )
    write(
        "members_windows1258.csv",
        windows_1258_form(csv_text(MEMBER_HEADERS, MEMBERS, ";")).encode("cp1258"),
    )
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(MEMBER_HEADERS)
    for row in MEMBERS:
        sheet.append(row)
    sheet["G2"].value = __import__("datetime").date(2010, 5, 19)  # a real Excel date cell
    buffer = io.BytesIO()
    workbook.save(buffer)
    write("members.xlsx", buffer.getvalue())

    bad = {
        "members_bad_unknown_unit.csv": with_row(MEMBERS, 2, "Mã chi bộ", "KHONGCO"),
        "members_bad_duplicate.csv": [*MEMBERS, MEMBERS[0]],
        "members_bad_date.csv": with_row(MEMBERS, 1, "Ngày vào Đảng", "31/02/2024"),
        "members_bad_missing.csv": with_row(MEMBERS, 3, "Họ và tên", ""),
        "members_bad_choice.csv": with_row(MEMBERS, 4, "Giới tính", "Khác"),
    }
    for name, rows in bad.items():
        write(name, csv_text(MEMBER_HEADERS, rows).encode("utf-8"))

    write("empty.csv", b"")
    write("header_only.csv", csv_text(MEMBER_HEADERS, []).encode("utf-8"))
    write("not_a_spreadsheet.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\x00\x01\x02stream")
    write("not_a_spreadsheet.zip", b"PK\x03\x04" + b"\x00" * 60)

    write(
        "organisations.csv",
        csv_text(
            [
                "Mã đơn vị",
                "Tên tổ chức đảng",
                "Loại tổ chức",
                "Lĩnh vực",
                "Mã đơn vị cấp trên",
                "Số đảng viên (báo cáo)",
                "Đang hoạt động",
            ],
            [
                # the child comes before its parent: the import orders them
                [
                    "CBX1",
                    "Chi bộ Trường Tiểu học",
                    "Chi bộ trực thuộc",
                    "Trường học",
                    "XAX",
                    "12",
                    "Có",
                ],
                [
                    "XAX",
                    "Đảng bộ xã Thọ Xương",
                    "Đảng bộ cơ sở",
                    "Xã, phường, thị trấn",
                    "HA",
                    "1.250",
                    "x",
                ],
                ["CBX2", "Chi bộ thôn Đông", "chi bo truc thuoc", "", "XAX", "", "Có"],
            ],
        ).encode("utf-8"),
    )
    write(
        "documents.csv",
        csv_text(
            [
                "Số ký hiệu",
                "Khóa",
                "Ngày ban hành",
                "Trích yếu",
                "Cơ quan ban hành",
                "Phải viết bài thu hoạch",
            ],
            [
                [
                    "114-QĐ/TW",
                    "XIII",
                    "11/07/2023",
                    "Quy định về kiểm soát quyền lực và phòng, chống tham nhũng, tiêu cực trong công tác cán bộ",
                    "Bộ Chính trị",
                    "Có",
                ],
                [
                    "117 - qđ/tw",
                    "XIII",
                    "18/8/2023",
                    "Quy định về thi hành kỷ luật tổ chức đảng vi phạm",
                    "Bộ Chính trị",
                    "x",
                ],
                [
                    "01-KL/TW",
                    "XIII",
                    "2021-05-18",
                    "Kết luận về tiếp tục thực hiện Chỉ thị 05-CT/TW",
                    "Bộ Chính trị",
                    "",
                ],
            ],
        ).encode("utf-8"),
    )
    write(
        "attendance.csv",
        csv_text(
            ["Mã đảng viên", "Họ và tên", "Điểm danh", "Ghi chú"],
            [
                ["A001", "Nguyễn Văn An", "Có mặt", ""],
                ["A002", "Trần Thị Bình", "Đi muộn", "Đến lúc 8 giờ 15"],
                ["A003", "Lê Văn Cường", "Vắng có lý do", "Ốm"],
                ["A004", "Phạm Thị Dung", "vang khong ly do", ""],
            ],
        ).encode("utf-8"),
    )
    write(
        "attendance_bad_outsider.csv",
        csv_text(
            ["Mã đảng viên", "Điểm danh"],
            [["A001", "Có mặt"], ["A005", "Có mặt"], ["A001", "Đi muộn"], ["A002", "Trốn"]],
        ).encode("utf-8"),
    )
    write(
        "written_reports.csv",
        csv_text(
            [
                "Mã đảng viên",
                "Số ký hiệu văn bản",
                "Khóa văn bản",
                "Tình trạng",
                "Ngày nộp",
                "Có liên hệ thực tế",
                "Kế hoạch hành động",
                "Điểm",
                "Ngày chấm",
            ],
            [
                [
                    "A001",
                    "114-QĐ/TW",
                    "",
                    "Đạt",
                    "20/09/2023",
                    "Có",
                    "Rà soát quy trình bổ nhiệm",
                    "8,5",
                    "25/09/2023",
                ],
                ["A002", "114-QĐ/TW", "", "Yêu cầu viết lại", "21/09/2023", "", "", "4", ""],
                ["A003", "114-QĐ/TW", "", "Chưa nộp", "", "", "", "", ""],
            ],
        ).encode("utf-8"),
    )
    write(
        "remediations.csv",
        csv_text(
            [
                "Mã đơn vị được kiểm tra",
                "Ngày bắt đầu kiểm tra",
                "Nội dung yêu cầu khắc phục",
                "Hạn khắc phục",
                "Ngày khắc phục xong",
                "Kết quả khắc phục",
            ],
            [
                [
                    "XA1",
                    "15/03/2024",
                    "Bổ sung kế hoạch hành động của chi bộ",
                    "30/06/2024",
                    "",
                    "",
                ],
                [
                    "XA1",
                    "15/03/2024",
                    "=Nhắc nhở đảng viên vắng không lý do",
                    "30/04/2024",
                    "20/04/2024",
                    "Đã nhắc nhở tại sinh hoạt chi bộ tháng 4",
                ],
            ],
        ).encode("utf-8"),
    )


if __name__ == "__main__":
    main()
