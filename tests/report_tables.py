"""Hand-computed report tables and the CSV export they are compared with.

A scenario's expected figures are written as rows `CODE | v1 | v2 …` in the order of the
columns it checks (COLUMNS, or a subset of it), and compared with the CSV export a manager
downloads, read back one dict per line.
"""

import csv
import io

from django.urls import reverse

# Short keys for the export columns a hand table lists, in the export's order.
COLUMNS = {
    "ses": "Số hội nghị",
    "first": "Hội nghị đầu tiên",
    "approx": "Ngày ước định",
    "days": "Số ngày từ khi ban hành",
    "req": "Đảng viên phải học",
    "att": "Tham dự",
    "late": "Đi muộn",
    "exc": "Vắng có lý do",
    "unexc": "Vắng không lý do",
    "mu": "Đã học bù",
    "r_exp": "Số được triệu tập (báo cáo)",
    "r_att": "Số tham dự (báo cáo)",
    "rate": "Tỷ lệ tham gia (%)",
    "basis": "Cơ sở tính tỷ lệ",
    "wr": "Bài thu hoạch phải nộp",
    "sub": "Đã nộp",
    "pass": "Bài đạt",
    "back": "Yêu cầu viết lại",
    "lead": "Lãnh đạo phải có kế hoạch",
    "plan": "Lãnh đạo có kế hoạch hành động",
    "verdict": "Kết luận",
}
# The rate's basis as abbreviated in hand tables.
BASIS = {
    "": "",
    "ĐD": "theo điểm danh",
    "BC": "theo số liệu báo cáo",
    "KH": "kết hợp điểm danh và số liệu báo cáo",
}


def hand_table(text: str, columns: dict[str, str] = COLUMNS) -> dict[str, dict[str, str]]:
    """Rows `CODE | v1 | v2 …` in the order of `columns`; blank cells are empty strings."""
    rows = {}
    for line in text.strip().splitlines():
        code, *values = [cell.strip() for cell in line.split("|")]
        assert len(values) == len(columns), code
        row = dict(zip(columns, values, strict=True))
        row["basis"] = BASIS[row["basis"]]
        rows[code] = row
    return rows


def export_rows(client, unit, query) -> list[dict[str, str]]:
    """The CSV export the manager downloads, one dict per line (total first)."""
    url = reverse("reports_app:export_csv", kwargs={"pk": unit.pk})
    response = client.get(url, query)
    assert response.status_code == 200
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    return [dict(zip(lines[0], line, strict=True)) for line in lines[1:]]
