"""The report table as CSV (UTF-8 with BOM, for Excel) and XLSX, formula-safe."""

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from reports_app.compliance import Report, UnitRow

HEADERS = [
    "Mã đơn vị",
    "Tên tổ chức đảng",
    "Số hội nghị",
    "Hội nghị đầu tiên",
    "Số ngày từ khi ban hành",
    "Đảng viên phải học",
    "Tham dự",
    "Đi muộn",
    "Vắng có lý do",
    "Vắng không lý do",
    "Đã học bù",
    "Tỷ lệ tham gia (%)",
    "Tỷ lệ tính",
    "Hội nghị báo cáo số liệu",
    "Số được triệu tập (báo cáo)",
    "Số tham dự (báo cáo)",
    "Tỷ lệ theo số liệu báo cáo (%)",
    "Bài thu hoạch phải nộp",
    "Đã nộp",
    "Đạt",
    "Yêu cầu viết lại",
    "Lãnh đạo có kế hoạch hành động",
    "Chương trình hành động",
    "Ngày ban hành chương trình",
    "Cuộc kiểm tra",
    "Có kết luận",
    "Yêu cầu khắc phục chưa xong",
    "Quá hạn khắc phục",
    "Kết luận",
    "Lý do chưa đạt",
]
DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Spreadsheets run cells starting with = + - @ tab or CR: prefix them with a quote."""
    if isinstance(value, str) and value.startswith(DANGEROUS_PREFIXES):
        return "'" + value
    return value


def _number(value):
    return float(value) if value is not None else None


def _values(row: UnitRow) -> list:
    """Roster and reported figures side by side; the rate column is the one the verdict used."""
    f = row.figures
    return [
        row.unit.code,
        row.unit.name,
        f.sessions,
        f.first_session,
        row.days_to_first,
        f.required if f.has_roster else None,
        f.attended if f.has_roster else None,
        f.late,
        f.excused,
        f.unexcused,
        f.made_up,
        _number(f.participation_rate),
        f.rate_basis or "",
        f.reported_sessions or None,
        f.reported_expected or None,
        f.reported_attended or None,
        _number(f.reported_rate),
        f.reports_required,
        f.submitted,
        f.passed,
        f.sent_back,
        f"{f.leaders_with_plan}/{f.leaders}",
        f.programmes,
        f.own_first,
        f.inspections,
        f.concluded,
        f.open_items,
        f.overdue,
        row.verdict,
        "; ".join(row.reasons),
    ]


def table(report: Report) -> list[list]:
    return [[neutralise(v) for v in _values(row)] for row in [report.total, *report.rows]]


def as_csv(report: Report) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    for values in table(report):
        writer.writerow([_csv_cell(v) for v in values])
    return buffer.getvalue().encode("utf-8-sig")


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return str(value)


def as_xlsx(report: Report) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Báo cáo"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for values in table(report):
        sheet.append(values)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if hasattr(cell.value, "strftime"):
                cell.number_format = "DD/MM/YYYY"
            elif isinstance(cell.value, float):
                cell.number_format = "0.0"
            elif isinstance(cell.value, int):
                cell.number_format = "#,##0"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
