"""The báo cáo of reports_app/printing.py as a Word file (python-docx), for editing before
signing: the same letterhead, sections, table and signature as the print view."""

import io

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from reports_app.printing import Paper, Part

MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONT = "Times New Roman"
A4 = (Cm(21.0), Cm(29.7))
CENTER, RIGHT, JUSTIFY = (
    WD_ALIGN_PARAGRAPH.CENTER,
    WD_ALIGN_PARAGRAPH.RIGHT,
    WD_ALIGN_PARAGRAPH.JUSTIFY,
)


def _page(section, landscape: bool) -> None:
    width, height = A4
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (height, width) if landscape else (width, height)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin = Cm(2.5 if landscape else 3)
    section.right_margin = Cm(1.5)


def _run(paragraph, text, *, bold=False, italic=False, underline=False, size=None):
    run = paragraph.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    if size:
        run.font.size = Pt(size)
    return run


def _para(container, text="", *, align=None, indent=False, space_after=4, **style):
    paragraph = container.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_after, fmt.space_before = Pt(space_after), Pt(0)
    if indent:
        fmt.first_line_indent = Cm(1)
    if text:
        _run(paragraph, text, **style)
    return paragraph


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _cell_text(cell, text, *, align=None, size=None, bold=False, italic=False, underline=False):
    """Write into a table cell, reusing its first (empty) paragraph."""
    paragraph = cell.paragraphs[0] if not cell.paragraphs[0].text else cell.add_paragraph()
    paragraph.paragraph_format.space_after = Pt(0)
    if align is not None:
        paragraph.alignment = align
    _run(paragraph, text, bold=bold, italic=italic, underline=underline, size=size)
    return paragraph


def _letterhead(document, paper: Paper) -> None:
    head = paper.letterhead
    table = document.add_table(rows=2, cols=2)
    _no_borders(table)
    left, right = table.rows[0].cells
    if head.superior:
        _cell_text(left, head.superior, align=CENTER, size=13)
    _cell_text(left, head.committee, align=CENTER, size=13, bold=True)
    _cell_text(left, "*", align=CENTER, size=13)
    _cell_text(right, head.party, align=CENTER, size=14, bold=True, underline=True)
    number, date = table.rows[1].cells
    _cell_text(number, head.number, align=CENTER, size=13)
    _cell_text(date, head.date_line, align=CENTER, size=13, italic=True)


def _part(document, part: Part, paper: Paper) -> None:
    if part.heading:
        _para(document, part.heading, bold=True, indent=True)
    for text in part.paragraphs:
        _para(document, text, align=JUSTIFY, indent=True)
    for text in part.items:
        _para(document, f"- {text}", align=JUSTIFY, indent=True)


def _figures_table(document, paper: Paper) -> None:
    columns = paper.columns
    table = document.add_table(rows=2, cols=len(columns) + 2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    top, labels = table.rows
    first = top.cells[0].merge(labels.cells[0])
    _cell_text(first, "Đơn vị", align=CENTER, size=8, bold=True)
    last = top.cells[-1].merge(labels.cells[-1])
    _cell_text(last, "Kết luận", align=CENTER, size=8, bold=True)
    index = 1
    for group, span in paper.column_groups:
        cell = top.cells[index].merge(top.cells[index + span - 1]) if span > 1 else top.cells[index]
        _cell_text(cell, group, align=CENTER, size=8, bold=True)
        index += span
    for offset, figure in enumerate(columns, start=1):
        _cell_text(labels.cells[offset], figure.label, align=CENTER, size=7, bold=True)
    for row in paper.rows:
        line = table.add_row().cells
        _cell_text(line[0], row.label, size=8, bold=row.css == "total")
        for offset, cell in enumerate(row.cells, start=1):
            text = f"{cell.text} {cell.note}".strip() if cell.note else cell.text
            _cell_text(line[offset], text, align=RIGHT, size=8)
        _cell_text(line[-1], row.verdict, size=8, bold=True)
        for reason in row.reasons:
            _cell_text(line[-1], f"- {reason}", size=7)


def _signature(document, paper: Paper) -> None:
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    recipients, sign = table.rows[0].cells
    _cell_text(recipients, "Nơi nhận:", size=12, bold=True, italic=True, underline=True)
    for line in paper.recipients:
        _cell_text(recipients, line, size=11)
    _cell_text(sign, paper.on_behalf, align=CENTER, size=13, bold=True)
    _cell_text(sign, paper.position, align=CENTER, size=13, bold=True)
    for _ in range(4):
        _cell_text(sign, "", align=CENTER)


def render(paper: Paper, layout: str) -> bytes:
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(13)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    _page(document.sections[0], landscape=layout == "ngang")
    _letterhead(document, paper)
    _para(
        document, paper.title, align=CENTER, size=14, bold=True, space_after=0
    ).paragraph_format.space_before = Pt(12)
    _para(document, paper.subtitle, align=CENTER, bold=True, space_after=0)
    if paper.about:
        _para(document, paper.about, align=CENTER, bold=True, space_after=0)
    _para(document, "-----", align=CENTER, space_after=8)
    for section in paper.sections:
        _para(document, section.heading, bold=True)
        for part in section.parts:
            _part(document, part, paper)
            if part.table:
                # The wide table on landscape pages of its own unless the whole paper is one way.
                own_pages = layout == "tu-dong"
                if own_pages:
                    _page(document.add_section(WD_SECTION.NEW_PAGE), landscape=True)
                _figures_table(document, paper)
                if own_pages:
                    _page(document.add_section(WD_SECTION.NEW_PAGE), landscape=False)
    _signature(document, paper)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
