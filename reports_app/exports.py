"""The report table as CSV (UTF-8 with BOM, for Excel) and XLSX, formula-safe."""

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from reports_app.compliance import Report, UnitRow
from reports_app.figures import EXPORT

HEADERS = ["Mã đơn vị", "Tên tổ chức đảng", *(figure.label for figure in EXPORT)]
DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Spreadsheets run cells starting with = + - @ tab or CR: prefix them with a quote."""
    if isinstance(value, str) and value.startswith(DANGEROUS_PREFIXES):
        return "'" + value
    return value


def _number(value):
    return float(value) if value is not None else None


def _values(row: UnitRow) -> list:
    """The registry's export columns; rates as numbers, the basis in its own column."""
    values = [row.code, row.name]
    for figure in EXPORT:
        value = figure.of(row)
        if figure.kind == "rate":
            value = _number(value)
        values.append(value)
    return values


def table(report: Report) -> list[list]:
    return [[neutralise(v) for v in _values(row)] for row in report.all_rows]


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
