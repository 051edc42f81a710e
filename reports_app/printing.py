"""The báo cáo a committee signs: letterhead, numbered sections, table, assessment, signature.

Built once from the compliance report (reports_app.compliance.Report) and the unit tree;
the print view and the .docx both render this one object, so they say the same thing, and
every sentence of the assessment reads the same verdict and reasons as the table.

The shape follows the Party's rules on the form of documents (Hướng dẫn 36-HD/VPTW):
the superior organisation and the issuing committee top left with the number line, the
Party's name and the place and date top right, the title, numbered sections, and the
signature "T/M" of the committee with the "Nơi nhận" beside it.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.utils.formats import number_format

from reports_app.compliance import Report, UnitRow, stages
from reports_app.figures import TABLE, groups, pct_text
from reports_app.links import cells
from reports_app.selectors import ancestor_paths
from sessions_app.choices import Sector, UnitKind
from sessions_app.models import Organisation
from sessions_app.text import nfc

# Committees that lead through a standing committee (Ban Thường vụ) sign "T/M BAN THƯỜNG VỤ".
STANDING = {UnitKind.PROVINCE, UnitKind.DISTRICT, UnitKind.BLOC}
CELLS = {UnitKind.GRASSROOTS_CELL, UnitKind.CELL}

# "Đảng bộ huyện X" is led by "Huyện ủy X", whose documents carry the issuer symbol "HU".
_LEVELS = {
    "tỉnh": ("Tỉnh ủy", "TU"),
    "thành phố": ("Thành ủy", "TU"),
    "thị xã": ("Thị ủy", "TU"),
    "huyện": ("Huyện ủy", "HU"),
    "quận": ("Quận ủy", "QU"),
}
_PARTY_BRANCH = re.compile(r"^đảng bộ\s+", re.IGNORECASE)
_LEVEL = re.compile(r"^(tỉnh|thành phố|thị xã|huyện|quận)\s+(.+)$", re.IGNORECASE)
# A place name in a unit's name: "… tỉnh Thanh Hóa", "Đảng bộ xã Dân Lực".
_PLACE = re.compile(
    r"\b(?:tỉnh|thành phố|thị xã|huyện|quận|xã|phường|thị trấn)\s+(.+)$", re.IGNORECASE
)
_NOTE = re.compile(r"\s*\([^)]*\)\s*$")


def num(value) -> str:
    return number_format(value or 0, force_grouping=True)


def _plain(name: str) -> str:
    """The name without a trailing note in brackets: 'Đảng bộ thành phố Móng Cái'."""
    return _NOTE.sub("", nfc(name))


@dataclass(frozen=True)
class Committee:
    """The body that signs for a unit: 'Huyện ủy Triệu Sơn', symbol HU."""

    name: str
    symbol: str
    kind: str

    @property
    def standing(self) -> bool:
        return self.kind in STANDING

    @property
    def on_behalf(self) -> str:
        if self.standing:
            return "T/M BAN THƯỜNG VỤ"
        if self.kind in CELLS:
            return "T/M CHI ỦY"
        return "T/M ĐẢNG ỦY"


def committee(unit: Organisation) -> Committee:
    """The unit's committee as its documents name it, from the unit's name and kind."""
    name = _plain(unit.name)
    rest = _PARTY_BRANCH.sub("", name)
    if unit.kind in CELLS:
        return Committee(name, "CB", unit.kind)
    if rest == name:  # already a committee's name ("Đảng ủy Khối …") or a free name
        return Committee(name, "ĐU", unit.kind)
    level = _LEVEL.match(rest)
    if unit.kind in (UnitKind.PROVINCE, UnitKind.DISTRICT) and level:
        title, symbol = _LEVELS[level[1].lower()]
        return Committee(f"{title} {level[2]}", symbol, unit.kind)
    symbol = "ĐUK" if unit.kind == UnitKind.BLOC else "ĐU"
    return Committee(f"Đảng ủy {rest}", symbol, unit.kind)


def place_name(unit: Organisation, ancestors: list[Organisation]) -> str:
    """Where the committee sits, as the date line names it: the nearest unit (itself, then
    upwards) whose name carries a place ('Đảng bộ xã Dân Lực' → 'Dân Lực')."""
    for candidate in [unit, *reversed(ancestors)]:
        match = _PLACE.search(_plain(candidate.name))
        if match:
            return match[1]
    return ""


def date_line(place: str, day: datetime.date) -> str:
    """'Thanh Hóa, ngày 05 tháng 01 năm 2026': a zero before days under 10 and months under 3."""
    day_text = f"{day.day:02d}"
    month_text = f"{day.month:02d}" if day.month < 3 else str(day.month)
    dated = f"ngày {day_text} tháng {month_text} năm {day.year}"
    return f"{place}, {dated}" if place else dated.capitalize()


@dataclass
class Letterhead:
    superior: str  # the organisation above, upper case; empty at the top of the tree
    committee: str  # the issuing committee, upper case
    number: str  # "Số …-BC/HU": the office fills in the number when it registers the report
    party: str
    date_line: str


@dataclass
class Part:
    """A numbered subsection: its paragraphs, a list, and whether the table goes here."""

    heading: str = ""
    paragraphs: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    table: bool = False


@dataclass
class Section:
    heading: str
    parts: list[Part]


@dataclass
class TableRow:
    label: str
    cells: list  # reports_app.links.Cell: the same texts as the page's table
    verdict: str
    reasons: list[str]
    css: str  # total | child | own


@dataclass
class Paper:
    unit: Organisation
    letterhead: Letterhead
    title: str
    subtitle: str
    about: str  # the document's title (trích yếu), when the report is about one document
    period: str  # what the title does not already say: the dates, unit kind and sector
    sections: list[Section]
    columns: list
    column_groups: list
    rows: list[TableRow]
    on_behalf: str
    position: str
    recipients: list[str]
    failing: list[UnitRow]  # the units beneath that did not meet the targets
    passed: bool


def period_text(f) -> str:
    """The same words as the page's period line (reports_app/_period.html), of ReportFilters."""
    text = (
        f"Văn bản {f.document.symbol} ngày {f.document.issued_on:%d/%m/%Y}"
        if f.document
        else "Tất cả văn bản"
    )
    if f.date_from or f.date_to:
        start = f"{f.date_from:%d/%m/%Y}" if f.date_from else "…"
        end = f"{f.date_to:%d/%m/%Y}" if f.date_to else "nay"
        text += f"; từ {start} đến {end}"
    if f.kind:
        text += f"; loại tổ chức: {UnitKind(f.kind).label}"
    if f.sector:
        text += f"; lĩnh vực: {Sector(f.sector).label}"
    return text


def _period_note(report: Report) -> str:
    text = period_text(report.filters)
    if report.filters.document is None:
        return text
    return text.partition("; ")[2]  # the document is named in the subtitle


def _subtitle(report: Report) -> str:
    doc = report.filters.document
    if doc is None:
        return "Kết quả học tập, quán triệt các nghị quyết, chỉ thị, kết luận, quy định của Đảng"
    kind = doc.get_kind_display() if doc.kind else "Văn bản"
    by = f" của {doc.issuing_body}" if doc.issuing_body else ""
    return f"Kết quả học tập, quán triệt {kind} số {doc.symbol} ngày {doc.issued_on:%d/%m/%Y}{by}"


def _targets(report: Report) -> str:
    t = report.target
    return (
        f"Chỉ tiêu: tỷ lệ tham gia học tập từ {pct_text(t.participation_rate_min)}; "
        f"bài thu hoạch nộp {pct_text(t.report_rate_min)}; hội nghị đầu tiên trong "
        f"{t.first_session_days} ngày và chương trình hành động trong "
        f"{t.action_programme_days} ngày kể từ ngày ban hành văn bản."
    )


def _situation(report: Report) -> Section:
    unit, n = report.root, len(report.rows)
    narrowed = report.filters.kind or report.filters.sector
    beneath = (
        f"{unit.name} có {n} tổ chức đảng trực thuộc"
        + (" thuộc phạm vi báo cáo" if narrowed else "")
        + "."
        if n
        else f"{unit.name} không có tổ chức đảng trực thuộc trong phạm vi báo cáo."
    )
    return Section(
        "I. TÌNH HÌNH CHUNG",
        [
            Part(
                paragraphs=[
                    beneath,
                    f"Phạm vi báo cáo: {period_text(report.filters)}. "
                    f"Số liệu tính đến ngày {report.today:%d/%m/%Y}.",
                    _targets(report),
                ]
            )
        ],
    )


def _sessions(report: Report) -> list[str]:
    t, f, unit = report.total, report.total.figures, report.root
    text = f"{unit.name} đã tổ chức {num(f.sessions)} hội nghị học tập, quán triệt"
    if f.first_session:
        text += f", hội nghị đầu tiên ngày {f.first_session:%d/%m/%Y}"
        if t.days_to_first is not None:
            text += f" ({t.days_to_first} ngày sau khi văn bản được ban hành)"
    paragraphs = [text + "."]
    if f.has_reported:
        text = f"Theo số liệu các đơn vị báo cáo: {num(f.reported_sessions)} hội nghị"
        if f.reported_sites:
            text += f" với {num(f.reported_sites)} điểm cầu"
        if f.reported_attended:
            text += f", {num(f.reported_attended)} người tham dự"
        if f.reported_expected:
            text += f", {num(f.reported_expected)} người được triệu tập"
        paragraphs.append(text + ".")
    return paragraphs


def _attendance(report: Report) -> list[str]:
    f = report.total.figures
    paragraphs = []
    if f.has_roster:
        paragraphs.append(
            "Tổng số lượt đảng viên phải tham gia học tập (không tính đảng viên được miễn sinh "
            f"hoạt) là {num(f.required)}, có mặt {num(f.attended)} (đi muộn {num(f.late)}), "
            f"vắng có lý do {num(f.excused)}, vắng không lý do {num(f.unexcused)}, "
            f"đã học bù {num(f.made_up)}."
        )
    if f.participation_rate is not None:
        paragraphs.append(
            f"Tỷ lệ tham gia học tập đạt {pct_text(f.participation_rate)} ({f.rate_basis})."
        )
    return paragraphs or ["Chưa có số liệu tham gia học tập trong kỳ."]


def _reports(report: Report) -> list[str]:
    f = report.total.figures
    if not f.reports_required:
        return ["Không có bài thu hoạch phải nộp trong kỳ."]
    return [
        f"{num(f.reports_required)} bài thu hoạch phải nộp, đã nộp {num(f.submitted)} "
        f"({pct_text(f.report_rate)}), đạt {num(f.passed)}, yêu cầu viết lại {num(f.sent_back)}; "
        f"{num(f.leaders_with_plan)}/{num(f.leaders)} cán bộ lãnh đạo, quản lý có kế hoạch "
        "hành động."
    ]


def _programmes(report: Report) -> list[str]:
    f, unit = report.total.figures, report.root
    if not f.programmes:
        return ["Chưa ban hành chương trình hành động."]
    text = f"Đã ban hành {num(f.programmes)} chương trình, kế hoạch hành động"
    if f.own_first:
        text += f"; chương trình của {unit.name} ban hành ngày {f.own_first:%d/%m/%Y}"
    return [text + "."]


def _inspections(report: Report) -> list[str]:
    f = report.total.figures
    if not f.inspections:
        return ["Chưa có cuộc kiểm tra, giám sát nào trong kỳ."]
    text = (
        f"Đã kiểm tra, giám sát {num(f.inspections)} cuộc ({num(f.concluded)} cuộc có kết luận); "
        f"còn {num(f.open_items)} yêu cầu khắc phục chưa hoàn thành"
    )
    if f.overdue:
        text += f", trong đó {num(f.overdue)} quá hạn"
    return [text + "."]


def _results(report: Report) -> Section:
    return Section(
        "II. KẾT QUẢ HỌC TẬP, QUÁN TRIỆT",
        [
            Part("1. Tổ chức học tập, quán triệt", _sessions(report)),
            Part("2. Đảng viên tham gia học tập", _attendance(report)),
            Part("3. Bài thu hoạch", _reports(report)),
            Part("4. Chương trình hành động", _programmes(report)),
            Part("5. Kiểm tra, giám sát", _inspections(report)),
            Part(
                "6. Kết quả của từng đơn vị",
                ["Số liệu toàn đơn vị, từng tổ chức đảng trực thuộc và kết luận theo chỉ tiêu:"],
                table=True,
            ),
        ],
    )


def _reasons(row: UnitRow) -> str:
    return "; ".join(row.reasons)


def _assessment(report: Report) -> Section:
    """One verdict, stated once: the table's total row and the rows beneath that failed."""
    total, unit, failing, n = report.total, report.root, report.failing, len(report.rows)
    if total.passed:
        overall = f"{unit.name} đạt các chỉ tiêu đề ra."
    else:
        overall = f"{unit.name} chưa đạt chỉ tiêu. Lý do: {_reasons(total)}."
    parts = [Part("1. Đánh giá chung", [overall])]
    if n:
        beneath = Part("2. Tổ chức đảng trực thuộc chưa đạt chỉ tiêu")
        if failing:
            beneath.paragraphs.append(f"Có {len(failing)}/{n} tổ chức đảng trực thuộc chưa đạt:")
            beneath.items = [f"{row.unit.name}: {_reasons(row)}." for row in failing]
        elif total.passed:
            beneath.paragraphs.append(f"Cả {n}/{n} tổ chức đảng trực thuộc đạt chỉ tiêu.")
        else:
            beneath.paragraphs.append(
                f"Các chỉ tiêu chưa đạt nêu trên thuộc phần việc trực tiếp của {unit.name}."
            )
        parts.append(beneath)
    return Section("III. ĐÁNH GIÁ", parts)


def _names(rows: list[UnitRow]) -> str:
    return ", ".join(row.unit.name for row in rows)


def _proposals(report: Report) -> Section:
    """What to do next: per document, from the stages the failing rows missed (the matrix's
    own rule); over several documents, the failing rows are named as a whole."""
    failing = [*report.failing, *([] if report.total.passed else [report.total])]
    items = []
    if report.filters.document is not None:
        items += _by_stage(failing, report)
    elif report.failing:
        items.append(f"{_names(report.failing)} khắc phục các chỉ tiêu chưa đạt nêu tại mục III.")
    f = report.total.figures
    if f.open_items:
        overdue = f", trong đó {num(f.overdue)} yêu cầu đã quá hạn" if f.overdue else ""
        items.append(
            f"Hoàn thành {num(f.open_items)} yêu cầu khắc phục sau kiểm tra, giám sát{overdue}."
        )
    items.append(
        "Tiếp tục kiểm tra, giám sát việc học tập, quán triệt và xây dựng, thực hiện chương "
        "trình hành động ở các tổ chức đảng trực thuộc."
    )
    return Section("IV. ĐỀ XUẤT, KIẾN NGHỊ", [Part(items=items)])


def _by_stage(rows: list[UnitRow], report: Report) -> list[str]:
    """The units beneath act on what they missed; the unit itself on its own programme (its
    rates are theirs, added up)."""
    missed: dict[str, list[UnitRow]] = {}
    for row in rows:
        for key, done in stages(row, report.target).items():
            own_part = not row.is_root or key == "programme" or not report.rows
            if not done and key in _TODO and own_part:
                missed.setdefault(key, []).append(row)
    items = []
    if missed.get("studied"):
        items.append(f"{_names(missed['studied'])} khẩn trương tổ chức học tập, quán triệt.")
    if missed.get("participation"):
        items.append(
            f"{_names(missed['participation'])} tổ chức học bù cho đảng viên vắng mặt, bảo đảm "
            f"tỷ lệ tham gia từ {pct_text(report.target.participation_rate_min)}."
        )
    if missed.get("reports"):
        items.append(
            f"{_names(missed['reports'])} đôn đốc đảng viên nộp bài thu hoạch; bài chưa đạt yêu "
            "cầu phải viết lại."
        )
    if missed.get("programme"):
        items.append(
            f"{_names(missed['programme'])} ban hành chương trình hành động thực hiện văn bản."
        )
    return items


_TODO = {"studied", "participation", "reports", "programme"}


def _table_rows(report: Report) -> list[TableRow]:
    """The total first, then the units beneath; the unit's own records last, named as its own."""

    def line(row: UnitRow, label: str, css: str) -> TableRow:
        return TableRow(label, cells(row, ""), row.verdict, row.reasons, css)

    rows = [line(report.total, f"{report.root.name} (toàn đơn vị)", "total")]
    rows += [line(row, row.unit.name, "child") for row in report.rows]
    if report.own:
        rows.append(line(report.own, f"Số liệu trực tiếp của {report.root.name}", "own"))
    return rows


def _recipients(unit_committee: Committee, superior: Committee | None, has_children) -> list[str]:
    recipients = []
    if superior is not None:
        above = f"Ban Thường vụ {superior.name}" if superior.standing else superior.name
        recipients.append(f"- {above} (để báo cáo),")
    if has_children:
        recipients.append("- Các tổ chức đảng trực thuộc,")
    recipients.append("- Lưu Văn phòng." if unit_committee.standing else "- Lưu.")
    return recipients


def ancestors_of(unit: Organisation) -> list[Organisation]:
    """Every unit above, top first: names only, for the letterhead and the place."""
    paths = [p for p in ancestor_paths(unit) if p != unit.path]
    units = Organisation.objects.filter(path__in=paths).only("pk", "name", "kind", "path", "depth")
    return list(units.order_by("depth"))


def build_paper(report: Report, ancestors: list[Organisation]) -> Paper:
    unit = report.root
    own = committee(unit)
    parent = ancestors[-1] if ancestors else None
    superior = committee(parent) if parent is not None else None
    letterhead = Letterhead(
        superior=_plain(parent.name).upper() if parent is not None else "",
        committee=own.name.upper(),
        number=f"Số …-BC/{own.symbol}",
        party="ĐẢNG CỘNG SẢN VIỆT NAM",
        date_line=date_line(place_name(unit, ancestors), report.today),
    )
    return Paper(
        unit=unit,
        letterhead=letterhead,
        title="BÁO CÁO",
        subtitle=_subtitle(report),
        about=report.filters.document.title if report.filters.document else "",
        period=_period_note(report),
        sections=[
            _situation(report),
            _results(report),
            _assessment(report),
            _proposals(report),
        ],
        columns=TABLE,
        column_groups=groups(TABLE),
        rows=_table_rows(report),
        on_behalf=own.on_behalf,
        position="BÍ THƯ",
        recipients=_recipients(own, superior, bool(report.rows)),
        failing=report.failing,
        passed=report.total.passed,
    )


# Paper: portrait A4 by default with the wide table on landscape pages; or all one way.
LAYOUTS = {
    "tu-dong": "Dọc, bảng số liệu in ngang",
    "doc": "Dọc",
    "ngang": "Ngang",
}
DEFAULT_LAYOUT = "tu-dong"


def layout(value: str | None) -> str:
    return value if value in LAYOUTS else DEFAULT_LAYOUT


def layout_choices(data, current: str) -> list[dict]:
    """The page's paper choices, each a link keeping the report's filters."""
    choices = []
    for key, label in LAYOUTS.items():
        query = data.copy()
        query["kho"] = key
        choices.append(
            {"key": key, "label": label, "query": query.urlencode(), "on": key == current}
        )
    return choices
