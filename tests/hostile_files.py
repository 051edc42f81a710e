"""Hostile spreadsheets, made in the tests: zip bombs, lying dimensions, broken parts.

An XLSX is a zip of XML parts; these helpers write the few parts Excel needs by hand, so
each file can carry exactly the defect under test. Large parts are written in pieces.
"""

import io
import struct
import zipfile
from collections.abc import Iterable

HEADER = ["Mã đảng viên", "Họ và tên", "Mã chi bộ", "Ngày vào Đảng"]

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    "{sheets}"
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
SHEET_TYPE = (
    '<Override PartName="/xl/worksheets/sheet{n}.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
REL_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def row_xml(number: int, cells: Iterable[str]) -> str:
    parts = [f'<row r="{number}">']
    for index, value in enumerate(cells):
        if value != "":
            ref = f"{column_letter(index)}{number}"
            parts.append(f'<c r="{ref}" t="inlineStr"><is><t>{_escape(value)}</t></is></c>')
    parts.append("</row>")
    return "".join(parts)


def sheet_xml(rows: Iterable[str], *, dimension: str = "") -> Iterable[str]:
    """The parts of a worksheet's XML: rows are row_xml() strings (or anything)."""
    yield f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet {NS}>'
    if dimension:
        yield f'<dimension ref="{dimension}"/>'
    yield "<sheetData>"
    yield from rows
    yield "</sheetData></worksheet>"


def xlsx(
    sheets: dict[str, Iterable[str]],
    *,
    shared_strings: Iterable[str] = ("<sst " + NS + "/>",),
    level: int = 6,
) -> bytes:
    """A workbook of the given sheets (name -> parts of the sheet's XML)."""
    buffer = io.BytesIO()
    names = list(sheets)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        types = "".join(SHEET_TYPE.format(n=n) for n in range(1, len(names) + 1))
        archive.writestr("[Content_Types].xml", CONTENT_TYPES.format(sheets=types))
        archive.writestr("_rels/.rels", ROOT_RELS)
        listed = "".join(
            f'<sheet name="{_escape(name)}" sheetId="{n}" r:id="rId{n}"/>'
            for n, name in enumerate(names, start=1)
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook {NS} {REL_NS}>'
            f"<sheets>{listed}</sheets></workbook>",
        )
        rels = "".join(
            f'<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/'
            f'2006/relationships/worksheet" Target="worksheets/sheet{n}.xml"/>'
            for n in range(1, len(names) + 1)
        )
        rels += (
            f'<Relationship Id="rId{len(names) + 1}" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships '
            f'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}'
            "</Relationships>",
        )
        for n, name in enumerate(names, start=1):
            _write_parts(archive, f"xl/worksheets/sheet{n}.xml", sheets[name])
        _write_parts(archive, "xl/sharedStrings.xml", shared_strings)
    return buffer.getvalue()


def _write_parts(archive: zipfile.ZipFile, name: str, parts: Iterable[str]) -> None:
    with archive.open(name, "w", force_zip64=True) as handle:
        pending = []
        size = 0
        for part in parts:
            pending.append(part)
            size += len(part)
            if size > 1 << 20:
                handle.write("".join(pending).encode())
                pending, size = [], 0
        handle.write("".join(pending).encode())


def roster_rows(count: int, *, first: int = 2, unit: str = "CBA1") -> list[str]:
    return [
        row_xml(first + n, [f"N{n:04d}", f"Người thứ {n}", unit, "01/05/2015"])
        for n in range(count)
    ]


def simple_xlsx(rows: list[list[str]], *, dimension: str = "", sheet: str = "Sheet1") -> bytes:
    xml_rows = [row_xml(n, cells) for n, cells in enumerate(rows, start=1)]
    return xlsx({sheet: sheet_xml(xml_rows, dimension=dimension)})


def shared_strings_bomb(megabytes: int) -> bytes:
    """A small file whose shared-strings part unpacks to `megabytes` MB of short strings."""
    piece = "<si><t>ab</t></si>" * 5000

    def strings():
        yield f"<sst {NS}>"
        for _ in range(megabytes * (1 << 20) // len(piece)):
            yield piece
        yield "</sst>"

    header = row_xml(1, HEADER)
    return xlsx({"Sheet1": sheet_xml([header])}, shared_strings=strings(), level=9)


def identical_rows_bomb(rows: int = 1_048_575) -> bytes:
    """Every row the same shared string, without row numbers (they are optional): a sheet
    of a million rows that packs about a thousand times, to 150 KB."""
    row = '<row><c t="s"><v>0</v></c></row>'

    def body():
        yield row_xml(1, HEADER)
        for _ in range(rows // 10_000):
            yield row * 10_000
        yield row * (rows % 10_000 - 1)

    return xlsx(
        {"Sheet1": sheet_xml(body())},
        shared_strings=[f"<sst {NS}><si><t>x</t></si></sst>"],
        level=9,
    )


def numbered_rows(rows: int) -> bytes:
    """A million numbered rows: packs only about ten times, so the row limit stops it."""

    def body():
        yield row_xml(1, HEADER)
        for number in range(2, rows + 1):
            yield f'<row r="{number}"><c r="A{number}" t="s"><v>0</v></c></row>'

    return xlsx(
        {"Sheet1": sheet_xml(body())}, shared_strings=[f"<sst {NS}><si><t>x</t></si></sst>"]
    )


def corrupt_deflate(data: bytes, part: str = "xl/worksheets/sheet1.xml") -> bytes:
    """The same file with bytes of one part's compressed stream overwritten."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(part)
    name_length, extra_length = struct.unpack(
        "<HH", data[info.header_offset + 26 : info.header_offset + 30]
    )
    start = info.header_offset + 30 + name_length + extra_length
    middle = start + info.compress_size // 2
    broken = bytearray(data)
    broken[middle : middle + 16] = b"\xff" * 16
    return bytes(broken)


def xlsx_from_values(rows: list[list] | dict[str, tuple[list[list], str]]) -> bytes:
    """A workbook written by openpyxl with typed cells (numbers, dates, times, booleans):
    one sheet of rows, or sheets by name, each (rows, "visible" or "hidden")."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheets = rows if isinstance(rows, dict) else {"Sheet1": (rows, "visible")}
    workbook.remove(workbook.active)
    for name, (values, state) in sheets.items():
        sheet = workbook.create_sheet(name)
        sheet.sheet_state = state
        for row in values:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
