"""Reading spreadsheets as offices send them, and the all-or-nothing import pipeline.

Why not django-import-export's import: its row-by-row machinery runs queries per row
(ForeignKeyWidget, instance loading), and its bulk mode neither ties errors to rows nor
keeps earlier batches from being written when a later one fails. Here every chunk of
rows is resolved with a fixed number of queries, every row is validated, and the writes
happen in one transaction that is rolled back if any row anywhere is bad.
django-import-export still serves the exports (sessions_app/resources.py).
"""

import codecs
import csv
import datetime
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from itertools import islice
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from sessions_app.text import fold, nfc

CHUNK_SIZE = 1000
# Stop reading an XLSX after this many blank rows in a row: LibreOffice can pad a sheet
# with a million of them.
MAX_BLANK_RUN = 10_000
PREVIEW_ROWS = 200
ENCODINGS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 có BOM",
    "cp1258": "Windows-1258 (Excel tiếng Việt)",
    "utf-16": "UTF-16 (Unicode Text của Excel)",
}
DELIMITERS = {",": "Dấu phẩy (,)", ";": "Dấu chấm phẩy (;)", "\t": "Dấu tab"}


def max_import_bytes() -> int:
    return getattr(settings, "IMPORT_MAX_BYTES", 30 * 1024 * 1024)


class ImportRefused(Exception):
    """The file as a whole cannot be read: too large, empty, not a spreadsheet, no headers."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- reading files ---------------------------------------------------------------------


@dataclass
class Table:
    """A spreadsheet's header row and a way to iterate its data rows (numbered as shown)."""

    headers: list[str]
    rows: Callable[[], Iterator[tuple[int, list[Any]]]]
    file_format: str
    encoding: str = ""
    delimiter: str = ""


def detect_encoding(data: bytes) -> str:
    """BOM first; then strict UTF-8; what is not UTF-8 came from Vietnamese Windows Excel."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1258"
    return "utf-8"


def detect_delimiter(first_line: str) -> str:
    """The separator the header row uses most: ',' or ';' (Excel with a comma decimal)."""
    counts = {sep: first_line.count(sep) for sep in DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


_BINARY_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
NOT_A_SPREADSHEET = (
    "Tệp không phải bảng tính CSV hoặc Excel (.xlsx). Hãy mở tệp bằng Excel và lưu lại "
    "dưới dạng “CSV UTF-8” hoặc “Excel Workbook (.xlsx)”."
)


def read_table(
    data: bytes, *, name: str = "", encoding: str | None = None, delimiter: str | None = None
) -> Table:
    """Open uploaded bytes as a table, refusing with a Vietnamese message what cannot be read."""
    if len(data) > max_import_bytes():
        limit = max_import_bytes() // (1024 * 1024)
        raise ImportRefused(f"Tệp quá lớn: tối đa {limit} MB. Hãy chia tệp thành nhiều phần.")
    if not data.strip():
        raise ImportRefused("Tệp rỗng, không có dữ liệu.")
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportRefused(
            "Tệp Excel 97–2003 (.xls) chưa được hỗ trợ. Hãy lưu lại dưới dạng .xlsx hoặc CSV UTF-8."
        )
    return _read_csv(data, encoding=encoding, delimiter=delimiter)


def _read_csv(data: bytes, *, encoding: str | None, delimiter: str | None) -> Table:
    encoding = encoding or detect_encoding(data)
    if encoding != "utf-16" and _BINARY_BYTES.search(data[:8192]):
        raise ImportRefused(NOT_A_SPREADSHEET)
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as error:
        raise ImportRefused(
            f"Không đọc được tệp với bảng mã {ENCODINGS.get(encoding, encoding)}. "
            "Hãy chọn bảng mã khác."
        ) from error
    text = text.removeprefix("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = delimiter or detect_delimiter(first_line)

    def rows() -> Iterator[tuple[int, list[Any]]]:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        next(reader, None)
        for number, row in enumerate(reader, start=2):
            if any(cell.strip() for cell in row):
                yield number, row

    try:
        headers = next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), [])
    except csv.Error as error:
        raise ImportRefused(NOT_A_SPREADSHEET) from error
    return Table(headers, rows, "csv", encoding=encoding, delimiter=delimiter)


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        header_row = next(sheet.iter_rows(max_row=1, values_only=True), ())
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, IndexError) as error:
        raise ImportRefused(NOT_A_SPREADSHEET) from error

    def rows() -> Iterator[tuple[int, list[Any]]]:
        blank_run = 0
        for number, row in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
            if all(cell is None or str(cell).strip() == "" for cell in row):
                blank_run += 1
                if blank_run >= MAX_BLANK_RUN:
                    return
                continue
            blank_run = 0
            yield number, list(row)

    headers = ["" if cell is None else str(cell) for cell in header_row]
    return Table(headers, rows, "xlsx")


# --- reading cells ---------------------------------------------------------------------


class CellError(Exception):
    """A cell that cannot be read; the message is shown to the user."""


def cell_text(value: Any) -> str:
    """Any cell as NFC text with stray spaces trimmed (XLSX numbers without '.0')."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    text = str(value)
    if text[:1] == "'" and text[1:2] in FORMULA_STARTS:
        text = text[1:]  # undo the export's formula neutralising
    return nfc(text)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value: Any) -> Any:
    """A cell a spreadsheet would run as a formula gets a leading apostrophe (shown as text)."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


_DAY_FIRST = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?:\s+0{1,2}:00(?::00)?)?")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]0{1,2}:00(?::00)?)?")


def parse_date(value: Any) -> datetime.date:
    """dd/mm/yyyy, d/m/yyyy (also with - or .), ISO yyyy-mm-dd, or an Excel date cell."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = cell_text(value)
    if match := _DAY_FIRST.fullmatch(text):
        day, month, year = (int(part) for part in match.groups())
    elif match := _ISO.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
    else:
        raise CellError(
            f"“{text}” không phải ngày; ghi theo dạng ngày/tháng/năm, ví dụ 05/03/2025."
        )
    try:
        return datetime.date(year, month, day)
    except ValueError as error:
        raise CellError(f"Ngày “{text}” không có thật.") from error


_YES = {"co", "x", "1", "yes", "true", "dung", "c", "v"}
_NO = {"", "khong", "0", "no", "false", "sai", "k"}


def parse_bool(value: Any) -> bool:
    """Có/Không, x or blank (also 1/0, yes/no) as typed in a yes/no column."""
    if isinstance(value, bool):
        return value
    key = fold(cell_text(value))
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise CellError(f"“{cell_text(value)}” không hợp lệ; ghi “Có”, “x”, “Không” hoặc để trống.")


def parse_int(value: Any) -> int:
    """Whole numbers as Vietnamese write them: 8.900 or 8900."""
    if isinstance(value, int | float) and float(value).is_integer():
        return int(value)
    text = cell_text(value).replace(".", "").replace(" ", "")
    if not text.isdigit():
        raise CellError(f"“{cell_text(value)}” không phải số nguyên không âm.")
    return int(text)


def parse_decimal(value: Any) -> Decimal:
    """A decimal with a comma (8,5) or a point (8.5)."""
    if isinstance(value, int | float):
        return Decimal(str(value))
    text = cell_text(value).replace(",", ".")
    try:
        return Decimal(text)
    except InvalidOperation as error:
        raise CellError(f"“{cell_text(value)}” không phải số.") from error


def choice_parser(choices) -> Callable[[Any], str]:
    """Accept a choice's Vietnamese label or its stored value, with or without diacritics."""
    lookup = {}
    for value, label in choices.choices:
        lookup[fold(str(label))] = value
        lookup[fold(str(value))] = value
    allowed = ", ".join(str(label) for _, label in choices.choices if label)

    def parse(value: Any) -> str:
        key = fold(cell_text(value))
        if key not in lookup:
            raise CellError(f"“{cell_text(value)}” không thuộc các giá trị cho phép: {allowed}.")
        return lookup[key]

    return parse


def text_parser(max_length: int) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = cell_text(value)
        if len(text) > max_length:
            raise CellError(f"Dài quá {max_length} ký tự.")
        return text

    return parse


def code_parser(max_length: int) -> Callable[[Any], str]:
    """Codes compare without case or stray spaces: stored upper-case as units use them."""

    def parse(value: Any) -> str:
        text = "".join(cell_text(value).split()).upper()
        if len(text) > max_length:
            raise CellError(f"Mã dài quá {max_length} ký tự.")
        return text

    return parse


# --- columns, rows and reports ---------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of an import: its Vietnamese header, the key it fills, how it is read."""

    header: str
    key: str
    parse: Callable[[Any], Any]
    required: bool = False
    example: str = ""
    default: Any = ""


@dataclass
class Row:
    """A data row: its number as the spreadsheet shows it and the cells read so far."""

    number: int
    values: dict[str, Any]
    blank: set[str]
    ok: bool = True


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"Dòng {self.row}" if self.row else "Tệp"
        column = f", cột “{self.column}”" if self.column else ""
        return f"{where}{column}: {self.message}"


@dataclass
class ImportReport:
    """What an import found: errors, and which rows are new, changed or unchanged."""

    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: {"new": 0, "changed": 0, "unchanged": 0})
    preview: list[dict] = field(default_factory=list)
    ignored_headers: list[str] = field(default_factory=list)
    committed: bool = False

    def error(self, row: Row | int, column: str, message: str) -> None:
        number = row.number if isinstance(row, Row) else row
        if isinstance(row, Row):
            row.ok = False
        self.errors.append(RowError(number, column, message))

    def classify(self, row: Row, status: str, label: str, changes: Iterable[str] = ()) -> None:
        self.counts[status] += 1
        if status != "unchanged" and len(self.preview) < PREVIEW_ROWS:
            self.preview.append(
                {"row": row.number, "status": status, "label": label, "changes": list(changes)}
            )

    def as_dict(self) -> dict:
        return {
            "rows": self.rows,
            # Checks run in passes (cells, then duplicates, then references): list by row.
            "errors": [
                [e.row, e.column, e.message] for e in sorted(self.errors, key=lambda e: e.row)
            ],
            "counts": self.counts,
            "preview": self.preview,
            "ignored_headers": self.ignored_headers,
            "committed": self.committed,
        }


def changed_fields(instance, values: dict[str, Any], fields: Iterable[str]) -> list[str]:
    return [name for name in fields if getattr(instance, name) != values[name]]


class Importer:
    """One kind of record brought in from a spreadsheet. Subclasses say how to check and write.

    prepare() validates a chunk with a fixed number of queries and returns a plan;
    write() applies a plan with bulk statements. Both see the whole chunk at once.
    """

    kind: str = ""
    title: str = ""
    columns: list[Column] = []
    source_name: str = ""  # the uploaded file's name, for the audit trail

    def __init__(self, *, user, context=None):
        self.user = user
        self.context = context

    @property
    def change_reason(self) -> str:
        """What the history of every record this import writes says about why it changed."""
        return f"Nhập từ tệp {self.source_name}" if self.source_name else "Nhập từ tệp"

    @property
    def audit(self) -> dict:
        """Keyword arguments for the services: who writes, and why."""
        return {"by": self.user, "reason": self.change_reason}

    @classmethod
    def headers(cls) -> list[str]:
        return [column.header for column in cls.columns]

    @classmethod
    def example_row(cls) -> list[str]:
        return [column.example for column in cls.columns]

    def header_of(self, key: str) -> str:
        return next(column.header for column in self.columns if column.key == key)

    def check_allowed(self) -> str | None:
        """A reason the user may not run this import at all, or None."""
        return None

    def prepare(self, rows: list[Row], report: ImportReport) -> Any:
        raise NotImplementedError

    def write(self, plan: Any) -> None:
        raise NotImplementedError

    def finish(self, report: ImportReport, *, dry_run: bool) -> None:
        """Checks and writes that need the whole file (after the last chunk), if any."""


def map_headers(importer: Importer, headers: list[str], report: ImportReport) -> dict[int, Column]:
    """Match the file's headers to the importer's columns (ignoring case and diacritics)."""
    by_folded = {fold(column.header): column for column in importer.columns}
    positions: dict[int, Column] = {}
    for index, header in enumerate(headers):
        column = by_folded.get(fold(cell_text(header)))
        if column is None:
            if cell_text(header):
                report.ignored_headers.append(cell_text(header))
        elif column not in positions.values():
            positions[index] = column
    missing = [c.header for c in importer.columns if c.required and c not in positions.values()]
    if missing:
        names = ", ".join(f"“{name}”" for name in missing)
        raise ImportRefused(
            f"Tệp thiếu cột bắt buộc: {names}. Hãy tải tệp mẫu và giữ nguyên dòng tiêu đề."
        )
    return positions


def parse_row(
    number: int, cells: list[Any], positions: dict[int, Column], report: ImportReport
) -> Row:
    row = Row(number, {}, set())
    for index, column in positions.items():
        raw = cells[index] if index < len(cells) else None
        if cell_text(raw) == "" and not isinstance(raw, bool):
            row.blank.add(column.key)
            if column.required:
                report.error(row, column.header, "Chưa nhập giá trị bắt buộc.")
            else:
                row.values[column.key] = column.default
            continue
        try:
            row.values[column.key] = column.parse(raw)
        except CellError as error:
            report.error(row, column.header, str(error))
    return row


def chunked(iterable: Iterable, size: int) -> Iterator[list]:
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


class _Rollback(Exception):
    pass


def import_run(
    importer: Importer,
    table: Table,
    *,
    dry_run: bool,
    progress: Callable[[int], None] | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> ImportReport:
    """Check every row; write only if no row anywhere is bad, in one transaction.

    A dry run (the preview) does the same checks and writes nothing.
    """
    report = ImportReport()
    if reason := importer.check_allowed():
        report.error(0, "", reason)
        return report
    try:
        positions = map_headers(importer, table.headers, report)
        with transaction.atomic():
            for chunk in chunked(table.rows(), chunk_size):
                rows = [parse_row(number, cells, positions, report) for number, cells in chunk]
                plan = importer.prepare(rows, report)
                if not dry_run and not report.errors:
                    importer.write(plan)
                report.rows += len(rows)
                if progress:
                    progress(report.rows)
            importer.finish(report, dry_run=dry_run)
            if not report.rows and not report.errors:
                raise ImportRefused("Tệp không có dòng dữ liệu nào (chỉ có dòng tiêu đề).")
            if dry_run or report.errors:
                raise _Rollback
    except _Rollback:
        pass
    except ImportRefused as refusal:
        report.error(0, "", refusal.message)
    except (ValidationError, DatabaseError) as error:
        # A rule the checks above missed: nothing is written, and the user is told.
        messages = getattr(error, "messages", None) or [str(error)]
        report.error(0, "", "Không ghi được dữ liệu: " + "; ".join(messages))
    report.committed = not dry_run and not report.errors
    return report
