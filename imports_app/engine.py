"""Reading spreadsheets as offices send them, and the all-or-nothing import pipeline.

Why not django-import-export's import: its row-by-row machinery runs queries per row
(ForeignKeyWidget, instance loading), and its bulk mode neither ties errors to rows nor
keeps earlier batches from being written when a later one fails. Here every chunk of
rows is resolved with a fixed number of queries, every row is validated, and the writes
happen in one transaction that is rolled back if any row anywhere is bad.
django-import-export still serves the exports, built from the same columns
(imports_app/resources.py).
"""

import codecs
import csv
import datetime
import io
import logging
import re
import time
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from itertools import chain, islice
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from openpyxl.reader.excel import ExcelReader
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from sessions_app.text import fold, nfc

logger = logging.getLogger(__name__)

# Rows checked and written together, each chunk with a fixed number of queries. Measured
# on 100,000 new members (bench/import_roster.py): 5,000 needed a fifth of the round trips
# of 1,000 and was a third faster, 10,000 another tenth. A chunk's rows take ~10 MB.
CHUNK_SIZE = 10_000
PREVIEW_ROWS = 200
# The header row may sit below title rows ("DANH SÁCH ĐẢNG VIÊN…"): look this far down.
HEADER_SCAN_ROWS = 20
ENCODINGS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 có BOM",
    "cp1258": "Windows-1258 (Excel tiếng Việt)",
    "utf-16": "UTF-16 (Unicode Text của Excel)",
}
DELIMITERS = {",": "Dấu phẩy (,)", ";": "Dấu chấm phẩy (;)", "\t": "Dấu tab"}
MB = 1024 * 1024


def max_import_bytes() -> int:
    return getattr(settings, "IMPORT_MAX_BYTES", 30 * MB)


@dataclass(frozen=True)
class Limits:
    """Hard limits checked while a file is read, so no file can exhaust memory or time.

    Sized for the largest real roster (a province, 100,000+ members) with room to spare;
    each can be changed in settings.IMPORT_LIMITS.
    """

    rows: int = 300_000
    columns: int = 200
    # Excel's own limit for one cell: no spreadsheet holds a longer one.
    cell_chars: int = 32_767
    # XLSX: the sum of the unpacked sizes of the zip members, and its ratio to the packed
    # size (real sheets pack 5-20 times; a zip bomb thousands of times).
    unpacked_bytes: int = 200 * MB
    ratio: int = 100
    # openpyxl keeps the whole shared-strings table in memory (about 3 times its XML size).
    shared_strings_bytes: int = 40 * MB
    seconds: int = 600


def import_limits() -> Limits:
    return Limits(**getattr(settings, "IMPORT_LIMITS", {}))


class ImportRefused(Exception):
    """The file as a whole cannot be read: too large, empty, not a spreadsheet, no headers."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _number(value: int) -> str:
    """Thousands with a dot, as Vietnamese write them: 131.072."""
    return f"{value:,}".replace(",", ".")


# --- reading files ---------------------------------------------------------------------


RowSource = Callable[[], Iterator[tuple[int, list[Any]]]]


@dataclass
class Table:
    """A spreadsheet's sheets, each a way to iterate its non-blank rows from the top
    (numbered as the spreadsheet shows them). CSV files have one unnamed sheet."""

    sheets: dict[str, RowSource]
    file_format: str
    encoding: str = ""
    delimiter: str = ""
    # Sheets hidden in Excel (lookup lists, old data): read only when chosen, or when no
    # visible sheet has the header.
    hidden: frozenset[str] = frozenset()

    @property
    def sheet_names(self) -> list[str]:
        return [name for name in self.sheets if name]


def detect_encoding(data: bytes) -> str:
    """BOM first; then strict UTF-8; what is not UTF-8 came from Vietnamese Windows Excel."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for start in range(0, len(data), MB):  # in pieces: no second copy of a 30 MB file
            decoder.decode(data[start : start + MB], final=start + MB >= len(data))
    except UnicodeDecodeError:
        return "cp1258"
    return "utf-8"


def detect_delimiter(lines: list[str]) -> str:
    """The separator the widest of the first lines uses most: ',' or ';' (Excel with a
    comma decimal), or tab. Title rows above the header have few or none."""
    counts = {sep: max((line.count(sep) for line in lines), default=0) for sep in DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


_BINARY_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
NOT_A_SPREADSHEET = (
    "Tệp không phải bảng tính CSV hoặc Excel (.xlsx). Hãy mở tệp bằng Excel và lưu lại "
    "dưới dạng “CSV UTF-8” hoặc “Excel Workbook (.xlsx)”."
)
CORRUPT_XLSX = (
    "Tệp Excel bị hỏng, không đọc được{where}. Hãy mở tệp bằng Excel, kiểm tra rồi lưu lại "
    "(hoặc lưu dưới dạng “CSV UTF-8”)."
)


def read_table(
    data: bytes, *, name: str = "", encoding: str | None = None, delimiter: str | None = None
) -> Table:
    """Open uploaded bytes as a table, refusing with a Vietnamese message what cannot be read.

    Nothing is read beyond what is needed to open the file: rows are read (and the
    limits checked) as the import iterates them.
    """
    if len(data) > max_import_bytes():
        limit = max_import_bytes() // MB
        raise ImportRefused(f"Tệp quá lớn: tối đa {limit} MB. Hãy chia tệp thành nhiều phần.")
    if not data.strip():
        raise ImportRefused("Tệp rỗng, không có dữ liệu.")
    limits = import_limits()
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data, limits)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportRefused(
            "Tệp Excel 97–2003 (.xls) chưa được hỗ trợ. Hãy lưu lại dưới dạng .xlsx hoặc CSV UTF-8."
        )
    return _read_csv(data, encoding=encoding, delimiter=delimiter, limits=limits)


class _RowGuard:
    """Counts rows and checks every limit as rows are read, not after."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.rows = 0
        self.deadline = time.monotonic() + limits.seconds

    def tick(self, number: int) -> None:
        """A blank row: not counted, but reading a million of them takes time."""
        if number % 10_000 == 0 and time.monotonic() > self.deadline:
            self._too_slow(number)

    def _too_slow(self, number: int):
        raise ImportRefused(
            f"Đọc tệp quá {_number(self.limits.seconds)} giây (giới hạn thời gian), dừng ở "
            f"dòng {number}. Hãy chia tệp thành nhiều phần."
        )

    def check(self, number: int, cells: list[Any]) -> list[Any]:
        """The row's cells without trailing blanks; refuses the file past a limit."""
        limits = self.limits
        while cells and (cells[-1] is None or cells[-1] == ""):
            cells.pop()
        self.rows += 1
        if self.rows > limits.rows:
            raise ImportRefused(
                f"Tệp có quá {_number(limits.rows)} dòng dữ liệu (giới hạn một lần nhập). "
                "Hãy chia tệp thành nhiều phần."
            )
        if len(cells) > limits.columns:
            raise ImportRefused(
                f"Dòng {number} có {_number(len(cells))} cột, quá giới hạn "
                f"{_number(limits.columns)} cột."
            )
        for index, cell in enumerate(cells):
            if isinstance(cell, str) and len(cell) > limits.cell_chars:
                raise ImportRefused(
                    f"Dòng {number}, cột {get_column_letter(index + 1)}: ô dài "
                    f"{_number(len(cell))} ký tự, quá giới hạn {_number(limits.cell_chars)} "
                    "ký tự của một ô."
                )
        if self.rows % 1000 == 0 and time.monotonic() > self.deadline:
            self._too_slow(number)
        return cells


def _read_csv(data: bytes, *, encoding: str | None, delimiter: str | None, limits: Limits) -> Table:
    encoding = encoding or detect_encoding(data)
    if encoding != "utf-16" and _BINARY_BYTES.search(data[:8192]):
        raise ImportRefused(NOT_A_SPREADSHEET)
    try:
        codecs.lookup(encoding)
        head = codecs.getincrementaldecoder(encoding)().decode(data[: 64 * 1024])
    except (UnicodeDecodeError, LookupError) as error:
        raise _undecodable(encoding) from error
    delimiter = delimiter or detect_delimiter(head.splitlines()[:HEADER_SCAN_ROWS])

    def rows() -> Iterator[tuple[int, list[Any]]]:
        guard = _RowGuard(limits)
        stream = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
        reader = csv.reader(stream, delimiter=delimiter)
        number = 0
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise ImportRefused(
                    f"Dòng {number + 1}: không đọc được ({error}). Thường do một ô dài quá "
                    f'{_number(csv.field_size_limit())} ký tự hoặc một dấu ngoặc kép (") mở mà '
                    "không đóng, khiến phần còn lại của tệp dồn vào một ô."
                ) from error
            except UnicodeDecodeError as error:
                raise _undecodable(encoding, number + 1) from error
            number += 1
            if any(cell.strip() for cell in cells):
                yield number, guard.check(number, cells)

    return Table({"": rows}, "csv", encoding=encoding, delimiter=delimiter)


def _undecodable(encoding: str, row: int | None = None) -> ImportRefused:
    where = f" (dòng {row})" if row else ""
    return ImportRefused(
        f"Không đọc được tệp với bảng mã {ENCODINGS.get(encoding, encoding)}{where}. "
        "Hãy chọn bảng mã khác."
    )


def _check_zip(data: bytes, limits: Limits) -> None:
    """Refuse a zip bomb from its directory (ZipInfo sizes), before anything is unpacked.

    zipfile stops every member at its declared size (and fails its CRC past it), so the
    declared sizes bound what opening the workbook can unpack.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as error:
        raise ImportRefused(NOT_A_SPREADSHEET) from error
    unpacked = sum(member.file_size for member in members)
    packed = max(1, sum(member.compress_size for member in members))
    if unpacked > limits.unpacked_bytes:
        raise ImportRefused(
            f"Tệp Excel khi giải nén lớn {_number(unpacked // MB)} MB, quá giới hạn "
            f"{_number(limits.unpacked_bytes // MB)} MB. Hãy chia tệp hoặc lưu dưới dạng CSV."
        )
    if unpacked > 10 * MB and unpacked > limits.ratio * packed:
        raise ImportRefused(
            f"Tệp Excel nén {_number(unpacked // packed)} lần, quá giới hạn "
            f"{_number(limits.ratio)} lần: tệp chứa dữ liệu lặp lại bất thường (thường là hàng "
            "triệu dòng trống hoặc giống nhau). Hãy xoá các dòng thừa hoặc lưu dưới dạng CSV."
        )
    for member in members:
        name = member.filename.lower()
        if name.endswith("sharedstrings.xml") and member.file_size > limits.shared_strings_bytes:
            raise ImportRefused(
                f"Bảng chuỗi dùng chung của tệp Excel lớn {_number(member.file_size // MB)} MB, "
                f"quá giới hạn {_number(limits.shared_strings_bytes // MB)} MB. Hãy chia tệp "
                "hoặc lưu dưới dạng CSV."
            )


class _SheetWithoutDimension(ReadOnlyWorksheet):
    """A read-only sheet that does not look for its <dimension> tag: the tag is not trusted
    (it can claim A1:XFD1048576, or fewer rows than the sheet holds), and openpyxl's search
    for it parses a sheet that has none to its end before the first row is read."""

    def _get_size(self):
        pass


class _WorkbookReader(ExcelReader):
    """openpyxl's reader with its read-only worksheets replaced by _SheetWithoutDimension."""

    def read_worksheets(self):
        for sheet, rel in self.parser.find_sheets():
            if rel.target not in self.valid_files or "chartsheet" in rel.Type:
                continue
            worksheet = _SheetWithoutDimension(self.wb, sheet.name, rel.target, self.shared_strings)
            worksheet.sheet_state = sheet.state
            self.wb._sheets.append(worksheet)


def _read_xlsx(data: bytes, limits: Limits) -> Table:
    _check_zip(data, limits)
    try:
        reader = _WorkbookReader(io.BytesIO(data), read_only=True, data_only=True)
        names = set(reader.valid_files)
    except Exception as error:  # any parser failure of a hostile file: not a spreadsheet
        raise ImportRefused(NOT_A_SPREADSHEET) from error
    if "xl/workbook.xml" not in names and "[Content_Types].xml" not in names:
        raise ImportRefused(NOT_A_SPREADSHEET)  # a zip, but not of a workbook
    try:
        reader.read()
        sheets = list(reader.wb.worksheets)
    except Exception as error:  # zlib.error, BadZipFile (CRC), XML parse errors…
        raise ImportRefused(CORRUPT_XLSX.format(where="")) from error
    if not sheets:
        raise ImportRefused(NOT_A_SPREADSHEET)

    def reader(sheet) -> RowSource:
        def rows() -> Iterator[tuple[int, list[Any]]]:
            guard = _RowGuard(limits)
            # Rows are read as they are, gaps coming as empty rows (see _SheetWithoutDimension).
            number = 0
            try:
                for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                    if any(cell is not None and str(cell).strip() != "" for cell in values):
                        yield number, guard.check(number, list(values))
                    else:
                        guard.tick(number)
            except ImportRefused:
                raise
            except Exception as error:  # zlib.error, BadZipFile (CRC), XML parse errors…
                where = f" từ dòng {number + 1} của trang “{sheet.title}”"
                raise ImportRefused(CORRUPT_XLSX.format(where=where)) from error

        return rows

    hidden = frozenset(sheet.title for sheet in sheets if sheet.sheet_state != "visible")
    return Table({sheet.title: reader(sheet) for sheet in sheets}, "xlsx", hidden=hidden)


# --- reading cells ---------------------------------------------------------------------


class CellError(Exception):
    """A cell that cannot be read; the message is shown to the user."""


def cell_text(value: Any) -> str:
    """Any cell as NFC text with stray spaces trimmed (XLSX numbers without '.0')."""
    if type(value) is str:  # most cells: the text branch first
        if not value.isascii():
            # A BOM or zero-width space pasted into a cell is invisible in Excel but would
            # make "\ufeffDV01" a second member beside "DV01".
            value = value.translate(_STRAY_MARKS)
        if value[:1] == "'" and value[1:2] in FORMULA_STARTS:
            value = value[1:]  # undo the export's formula neutralising
        return nfc(value)
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
_STRAY_MARKS = dict.fromkeys(map(ord, "\ufeff\u200b\u2060"))


def neutralise_formula(value: Any) -> Any:
    """A cell a spreadsheet would run as a formula gets a leading apostrophe (shown as text)."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


_DAY_FIRST = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?:\s+0{1,2}:00(?::00)?)?")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]0{1,2}:00(?::00)?)?")


def _text(value: Any) -> str:
    """A cell as text: parse_row hands the parsers text cells already cleaned (cell_text),
    so a text cell is not normalised twice; typed XLSX cells are turned into text here."""
    return value if type(value) is str else cell_text(value)


# Excel's serial day numbers of 1927–2100: a date cell formatted as a number ("General").
# Smaller numbers are more likely a year or a count typed in the wrong column.
EXCEL_SERIALS = range(10_000, 73_416)


def parse_date(value: Any) -> datetime.date:
    """dd/mm/yyyy, d/m/yyyy (also with - or .), ISO yyyy-mm-dd, or an Excel date cell
    (also one formatted as a number: Excel's serial day number)."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if type(value) is int or type(value) is float:
        return _excel_serial(value)
    text = _text(value)
    if len(text) == 10 and text[2] == text[5] == "/" and text.replace("/", "").isdigit():
        day, month, year = int(text[:2]), int(text[3:5]), int(text[6:])  # 05/03/2025: most cells
    elif match := _DAY_FIRST.fullmatch(text):
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


def _excel_serial(value: float) -> datetime.date:
    if value != int(value) or int(value) not in EXCEL_SERIALS:
        raise CellError(
            f"Số {_text(value)} không phải ngày; ghi theo dạng ngày/tháng/năm, ví dụ 05/03/2025."
        )
    return from_excel(int(value)).date()


_YES = {"co", "x", "1", "yes", "true", "dung", "c", "v"}
_NO = {"", "khong", "0", "no", "false", "sai", "k"}
_EXACT = {"x": True, "X": True, "Có": True, "Không": False, "": False}


def parse_bool(value: Any) -> bool:
    """Có/Không, x or blank (also 1/0, yes/no) as typed in a yes/no column."""
    if isinstance(value, bool):
        return value
    text = _text(value)
    if text in _EXACT:  # "x", "Có", "Không" as typed: no folding needed
        return _EXACT[text]
    key = fold(text)
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise CellError(f"“{_text(value)}” không hợp lệ; ghi “Có”, “x”, “Không” hoặc để trống.")


def parse_int(value: Any) -> int:
    """Whole numbers as Vietnamese write them: 8.900 or 8900."""
    if isinstance(value, int | float) and float(value).is_integer():
        return int(value)
    text = _text(value).replace(".", "").replace(" ", "")
    if not text.isdigit():
        raise CellError(f"“{_text(value)}” không phải số nguyên không âm.")
    return int(text)


def parse_decimal(value: Any) -> Decimal:
    """A decimal with a comma (8,5) or a point (8.5); never NaN or infinity."""
    text = str(value) if isinstance(value, int | float) else _text(value).replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation as error:
        raise CellError(f"“{_text(value)}” không phải số.") from error
    if not number.is_finite():  # "NaN" parses, then fails every comparison
        raise CellError(f"“{_text(value)}” không phải số.")
    return number


def choice_parser(choices) -> Callable[[Any], str]:
    """Accept a choice's Vietnamese label or its stored value, with or without diacritics."""
    lookup = {}
    for value, label in choices.choices:
        lookup[fold(str(label))] = value
        lookup[fold(str(value))] = value
    for value, label in choices.choices:
        lookup.setdefault(str(label), value)
        lookup.setdefault(str(value), value)
    allowed = ", ".join(str(label) for _, label in choices.choices if label)

    def parse(value: Any) -> str:
        text = _text(value)
        # Most cells hold the label or value as written: no folding needed to find them.
        if text in lookup:
            return lookup[text]
        key = fold(text)
        if key not in lookup:
            raise CellError(f"“{text}” không thuộc các giá trị cho phép: {allowed}.")
        return lookup[key]

    parse.choices = choices  # the export writes the labels back
    return parse


def text_parser(max_length: int) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = _text(value)
        if len(text) > max_length:
            raise CellError(f"Dài quá {max_length} ký tự.")
        return text

    return parse


def code_parser(max_length: int) -> Callable[[Any], str]:
    """Codes compare without case or stray spaces: stored upper-case as units use them."""

    def parse(value: Any) -> str:
        text = "".join(_text(value).split()).upper()
        if not text.isascii():  # invisible format characters (ZWJ, soft hyphen…) in a code
            text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
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
    # Where the export reads the column (a lookup path such as "unit__code"); the key
    # when empty. A kind's export may compute a column with a dehydrate_<key> method.
    export: str = ""


@dataclass
class Row:
    """A data row: its number as the spreadsheet shows it and the cells read so far."""

    number: int
    values: dict[str, Any]
    blank: set[str]
    ok: bool = True
    # Columns whose cell was a number typed in Excel, which drops a code's leading zeros.
    typed_numbers: set[str] = field(default_factory=set)


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
    # "skipped" appears only when a row was skipped (a member who moved away).
    counts: dict[str, int] = field(default_factory=lambda: {"new": 0, "changed": 0, "unchanged": 0})
    preview: list[dict] = field(default_factory=list)
    ignored_headers: list[str] = field(default_factory=list)
    committed: bool = False
    sheet: str = ""
    sheets: list[str] = field(default_factory=list)
    hidden_sheets: list[str] = field(default_factory=list)  # hidden in Excel
    header_row: int = 0
    # Where data would be lost: columns whose header cell is blank (a title merged over two
    # columns), and the header's width (data to its right has no header either).
    unnamed_columns: list[int] = field(default_factory=list)
    header_width: int = 0
    # The version of the record each row matched (-1: none, a new record), by row number.
    # The preview's are kept; the confirm refuses rows whose record moved on since.
    versions: dict[str, int] = field(default_factory=dict)
    seen_versions: dict[str, int] | None = None

    def error(self, row: Row | int, column: str, message: str) -> None:
        number = row.number if isinstance(row, Row) else row
        if isinstance(row, Row):
            row.ok = False
        self.errors.append(RowError(number, column, message))

    def classify(
        self, row: Row, status: str, label: str, changes: Iterable[str] = (), record=None
    ) -> None:
        """Count the row as new, changed or unchanged; `record` is the stored record it
        matched, whose version the preview keeps so the confirm cannot overwrite an edit
        made in between (as the admin form refuses a stale save)."""
        version = -1 if status == "new" else getattr(record, "version", None)
        if version is not None:
            key = str(row.number)
            seen = (self.seen_versions or {}).get(key)
            if self.seen_versions is not None and seen is not None and seen != version:
                self.error(
                    row,
                    "",
                    f"“{label}” đã được người khác {'xoá hoặc ' if seen >= 0 else ''}"
                    f"{'sửa' if seen >= 0 else 'thêm'} sau khi bạn xem trước tệp này. Chưa ghi "
                    "dòng nào để không ghi đè lên thay đổi đó; hãy tải tệp lên lại để xem "
                    "trước dữ liệu mới nhất.",
                )
                return
            self.versions[key] = version
        self.counts[status] = self.counts.get(status, 0) + 1
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
            "sheet": self.sheet,
            "sheets": self.sheets,
            "hidden_sheets": self.hidden_sheets,
            "header_row": self.header_row,
        }


def changed_fields(instance, values: dict[str, Any], fields: Iterable[str]) -> list[str]:
    return [name for name in fields if getattr(instance, name) != values[name]]


@dataclass
class RecordPlan:
    """What a chunk will write: new records, changed ones and the fields that change."""

    creates: list = field(default_factory=list)
    updates: list = field(default_factory=list)
    update_fields: list[str] = field(default_factory=list)


class Importer:
    """One kind of record brought in from a spreadsheet. Subclasses say how to check and write.

    prepare() validates a chunk with a fixed number of queries and returns a plan;
    write() applies a plan with bulk statements. Both see the whole chunk at once.
    """

    kind: str = ""
    title: str = ""
    columns: list[Column] = []
    source_name: str = ""  # the uploaded file's name, for the audit trail
    locking: bool = False  # set by import_run: the confirm locks the rows it will change

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

    def lock(self, queryset):
        """The confirm reads the records it will change with a row lock (no save can slip in
        between its check and its write); the preview reads them plainly."""
        return queryset.select_for_update(of=("self",)) if self.locking else queryset

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


_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\x00"))
_HEADER_MARKS = re.compile(r"\(\s*\*\s*\)|\*|:\s*$")


def header_key(value: Any) -> str:
    """A header as the columns are matched: without case, diacritics, the "(*)" or "*" that
    mark required columns, a trailing colon, zero-width and non-breaking spaces."""
    text = unicodedata.normalize("NFC", str(value or "")).translate(_INVISIBLE)
    return fold(_HEADER_MARKS.sub(" ", text))


def _matches(importer: Importer, cells: list[Any]) -> set[str]:
    keys = {header_key(column.header): column.key for column in importer.columns}
    return {keys[key] for cell in cells if (key := header_key(cell)) in keys}


def map_headers(importer: Importer, headers: list[str], report: ImportReport) -> dict[int, Column]:
    """Match the file's headers to the importer's columns; a column given twice is refused."""
    by_key = {header_key(column.header): column for column in importer.columns}
    positions: dict[int, Column] = {}
    where: dict[str, int] = {}
    for index, header in enumerate(headers):
        column = by_key.get(header_key(header))
        if column is None:
            if cell_text(header):
                report.ignored_headers.append(cell_text(header))
        elif column.key in where:
            first, second = get_column_letter(where[column.key] + 1), get_column_letter(index + 1)
            raise ImportRefused(
                f"Cột “{column.header}” xuất hiện hai lần ở dòng tiêu đề (cột {first} và cột "
                f"{second}). Hãy xoá một cột rồi tải tệp lên lại."
            )
        else:
            positions[index] = column
            where[column.key] = index
    report.unnamed_columns = [
        index for index, header in enumerate(headers) if not cell_text(header)
    ]
    report.header_width = len(headers)
    missing = [c.header for c in importer.columns if c.required and c.key not in where]
    if missing:
        names = ", ".join(f"“{name}”" for name in missing)
        raise ImportRefused(
            f"Tệp thiếu cột bắt buộc: {names}. Hãy tải tệp mẫu và giữ nguyên dòng tiêu đề."
        )
    return positions


def locate_header(
    importer: Importer, table: Table, report: ImportReport, *, sheet: str = ""
) -> tuple[dict[int, Column], Iterator[tuple[int, list[Any]]]]:
    """Find the header row: the first row, within the first rows of a sheet, that holds
    every required column (title rows above it are skipped). Without a chosen sheet, the
    first sheet that has one (instructions often come first). Returns the column
    positions and the data rows below the header."""
    report.sheets = table.sheet_names
    report.hidden_sheets = [name for name in table.sheet_names if name in table.hidden]
    if sheet and sheet not in table.sheets:
        raise ImportRefused(f"Tệp không có trang tính “{sheet}”.")
    required = {column.key for column in importer.columns if column.required}
    best: tuple[int, str, int, list[Any]] | None = None
    # Without a choice, visible sheets first: data hidden in Excel is not what the user sees.
    ordered = sorted(table.sheets, key=lambda name: name in table.hidden)
    for name in [sheet] if sheet else ordered:
        rows = table.sheets[name]()
        scanned = list(islice(rows, HEADER_SCAN_ROWS))
        for index, (number, cells) in enumerate(scanned):
            found = _matches(importer, cells)
            if required <= found:
                report.sheet, report.header_row = name, number
                positions = map_headers(importer, cells, report)
                return positions, chain(scanned[index + 1 :], rows)
            if best is None or len(found) > best[0]:
                best = (len(found), name, number, cells)
    if best is None:
        raise ImportRefused("Tệp không có dòng dữ liệu nào.")
    matched, name, number, cells = best
    try:
        map_headers(importer, cells, ImportReport())
    except ImportRefused as refusal:
        hints = []
        if matched:
            sheet_name = f" của trang tính “{name}”" if name else ""
            hints.append(f"Dòng giống dòng tiêu đề nhất là dòng {number}{sheet_name}.")
        if len(table.sheet_names) > 1:
            listed = ", ".join(f"“{n}”" for n in table.sheet_names)
            hints.append(f"Tệp có các trang tính {listed}: hãy chọn trang chứa dữ liệu.")
        raise ImportRefused(" ".join([refusal.message, *hints])) from refusal
    raise AssertionError("unreachable: a row with every required column was found above")


def parse_row(
    number: int, cells: list[Any], positions: dict[int, Column], report: ImportReport
) -> Row:
    row = Row(number, {}, set())
    width = len(cells)
    for index, column in positions.items():
        raw = cells[index] if index < width else None
        if type(raw) is str:
            if "\x00" in raw:
                # PostgreSQL refuses NUL in text; SQLite would store it. Refuse it on both.
                report.error(
                    row, column.header, "Ô chứa ký tự rỗng (NUL, mã 0): tệp có thể bị hỏng."
                )
                continue
            raw = cell_text(raw)  # once: the parsers take the cleaned text
        if raw is None or raw == "":  # typed XLSX cells (numbers, dates, booleans) are never blank
            row.blank.add(column.key)
            if column.required:
                report.error(row, column.header, "Chưa nhập giá trị bắt buộc.")
            else:
                row.values[column.key] = column.default
            continue
        if type(raw) is int or type(raw) is float:
            row.typed_numbers.add(column.key)
        try:
            row.values[column.key] = column.parse(raw)
        except CellError as error:
            report.error(row, column.header, str(error))
    _refuse_unnamed_cells(row, cells, report)
    return row


def _refuse_unnamed_cells(row: Row, cells: list[Any], report: ImportReport) -> None:
    """A value in a column without a header would be dropped without a word: refuse it."""
    unnamed = [i for i in report.unnamed_columns if i < len(cells)]
    unnamed += range(report.header_width, len(cells))
    for index in unnamed:
        value = cells[index]
        if value is None or (type(value) is str and not cell_text(value)):
            continue
        report.error(
            row,
            f"{get_column_letter(index + 1)} (không có tiêu đề)",
            "Ô có dữ liệu nhưng cột không có tiêu đề nên dữ liệu sẽ không được nhập (thường do "
            "tiêu đề gộp nhiều ô). Hãy đặt tiêu đề cho cột, hoặc chuyển dữ liệu sang đúng cột.",
        )


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
    sheet: str = "",
    seen_versions: dict[str, int] | None = None,
) -> ImportReport:
    """Check every row; write only if no row anywhere is bad, in one transaction.

    A dry run (the preview) does the same checks and writes nothing. The confirm passes
    the preview's `seen_versions`, and locks the records it reads until it commits.
    """
    report = ImportReport(seen_versions=seen_versions)
    importer.locking = not dry_run
    if reason := importer.check_allowed():
        report.error(0, "", reason)
        return report
    try:
        positions, data_rows = locate_header(importer, table, report, sheet=sheet)
        with transaction.atomic():
            for chunk in chunked(data_rows, chunk_size):
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
    except ValidationError as error:
        # A rule the checks above missed: nothing is written, and the user is told.
        report.error(0, "", "Không ghi được dữ liệu: " + "; ".join(error.messages))
    except DatabaseError as error:
        logger.warning("Import of %s refused by the database", importer.kind, exc_info=True)
        report.error(0, "", database_error_message(error))
    report.committed = not dry_run and not report.errors
    return report


def _constraint_messages() -> dict[str, str]:
    messages = {}
    for model in apps.get_models():
        for constraint in model._meta.constraints:
            message = getattr(constraint, "violation_error_message", None)
            if message:
                messages[constraint.name] = str(message).replace("%(name)s", constraint.name)
    return messages


def database_error_message(error: DatabaseError) -> str:
    """A database refusal in Vietnamese, never its raw English text (which shows internal
    ids): the named constraint's own message when there is one."""
    text = str(error)
    prefix = "Không ghi được dữ liệu, chưa ghi dòng nào: "
    if "\x00" in text or "NUL" in text:
        return prefix + "tệp chứa ký tự rỗng (NUL, mã 0), thường do tệp bị hỏng."
    for name, message in _constraint_messages().items():
        if re.search(rf"\b{re.escape(name)}\b", text):
            return prefix + message
    if isinstance(error, IntegrityError):
        return prefix + (
            "dữ liệu trùng hoặc mâu thuẫn với dữ liệu đã có (có thể do người khác vừa ghi cùng "
            "lúc). Hãy tải tệp lên lại để kiểm tra."
        )
    return prefix + "cơ sở dữ liệu từ chối ghi. Hãy thử lại sau; chi tiết đã ghi vào nhật ký."
