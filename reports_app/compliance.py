"""The compliance report: aggregated figures per unit row, rates and verdicts against targets.

Every loop here runs over unit rows (already aggregated in SQL), never over records.
"""

import datetime
from dataclasses import dataclass, field, fields
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format

from reports_app import selectors
from reports_app.models import ComplianceTarget
from reports_app.selectors import ReportFilters
from sessions_app.choices import UnitKind
from sessions_app.models import Document, Organisation

ADDITIVE = [
    "required",
    "attended",
    "late",
    "excused",
    "unexcused",
    "made_up",
    "reports_required",
    "reports",
    "submitted",
    "passed",
    "sent_back",
    "failed",
    "leaders",
    "leaders_with_plan",
    "programmes",
    "own_programmes",
    "inspections",
    "concluded",
    "remediations",
    "open_items",
    "overdue",
    "reported_sessions",
    "reported_expected",
    "reported_attended",
    "reported_sites",
    "reported_rate_expected",
    "reported_rate_attended",
    "reported_rate_sum",
    "reported_rate_count",
]
ROSTER_BASIS = "theo điểm danh"
REPORTED_BASIS = "theo số liệu báo cáo"
# Units that issue their own action programme; cells carry it out under their committee.
ISSUE_PROGRAMMES = {
    UnitKind.PROVINCE,
    UnitKind.DISTRICT,
    UnitKind.BLOC,
    UnitKind.GRASSROOTS_COMMITTEE,
    UnitKind.GRASSROOTS_CELL,
}


def percent(part, whole) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def pct_text(value) -> str:
    """99,8% or 95% — the Vietnamese way."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"{number_format(int(value), force_grouping=True)}%"
    return f"{number_format(value, decimal_pos=1, force_grouping=True)}%"


@dataclass
class Figures:
    """Every figure of one unit row (a child rolled up over its subtree, or the root)."""

    sessions: int = 0
    first_session: datetime.date | None = None
    dates_estimated: bool = False  # a session date the source did not give (seed articles)
    required: int = 0
    attended: int = 0
    late: int = 0
    excused: int = 0
    unexcused: int = 0
    made_up: int = 0
    reports_required: int = 0
    reports: int = 0
    submitted: int = 0
    passed: int = 0
    sent_back: int = 0
    failed: int = 0
    leaders: int = 0
    leaders_with_plan: int = 0
    programmes: int = 0
    own_programmes: int = 0
    own_first: datetime.date | None = None
    inspections: int = 0
    concluded: int = 0
    remediations: int = 0
    open_items: int = 0
    overdue: int = 0
    reported_sessions: int = 0
    reported_expected: int = 0
    reported_attended: int = 0
    reported_sites: int = 0
    # The parts of the reported rate (see selectors._reported_aggregates): attended and
    # expected of the sessions that reported both; the sum and number of rates reported.
    reported_rate_expected: int = 0
    reported_rate_attended: int = 0
    reported_rate_sum: Decimal = Decimal(0)
    reported_rate_count: int = 0

    def add(self, row: dict) -> None:
        for name in ADDITIVE:
            if row.get(name) is not None:
                setattr(self, name, getattr(self, name) + row[name])
        if row.get("own_first"):
            self.own_first = min(filter(None, [self.own_first, row["own_first"]]))

    @property
    def has_roster(self) -> bool:
        return self.required > 0

    @property
    def has_reported(self) -> bool:
        """Counts-only sessions were reported for the unit (shown whether or not it has rosters)."""
        return self.reported_sessions > 0

    @property
    def is_reported(self) -> bool:
        """The participation rate comes from counts the unit reported, not from a roster."""
        return not self.has_roster and self.has_reported

    @property
    def rate_basis(self) -> str | None:
        """What the participation rate (and so the verdict) is computed from."""
        if self.has_roster:
            return ROSTER_BASIS
        if self.has_reported:
            return REPORTED_BASIS
        return None

    @property
    def absent(self) -> int:
        return self.excused + self.unexcused

    @property
    def not_recorded(self) -> int:
        return max(self.required - self.attended - self.absent, 0)

    @property
    def roster_rate(self) -> Decimal | None:
        """Attended, plus absences closed by a make-up session, over members required."""
        return percent(self.attended + self.made_up, self.required)

    @property
    def reported_rate(self) -> Decimal | None:
        """Attended ÷ expected where a session reported both; else the rates' plain average."""
        if self.reported_rate_expected:
            return percent(self.reported_rate_attended, self.reported_rate_expected)
        if self.reported_rate_count:
            average = Decimal(self.reported_rate_sum) / self.reported_rate_count
            return average.quantize(Decimal("0.1"), ROUND_HALF_UP)
        return None

    @property
    def reported_rate_is_average(self) -> bool:
        return not self.reported_rate_expected and self.reported_rate_count > 0

    @property
    def reported_rate_partial(self) -> bool:
        """Some reported attendance is left out of the rate: its session gave no expected count."""
        return bool(self.reported_rate_expected) and (
            self.reported_rate_attended != self.reported_attended
            or self.reported_rate_expected != self.reported_expected
        )

    @property
    def participation_rate(self) -> Decimal | None:
        """The rate the verdict uses: the roster's where the unit has one, else the reported."""
        return self.roster_rate if self.has_roster else self.reported_rate

    @property
    def report_rate(self) -> Decimal | None:
        return percent(self.submitted, self.reports_required)

    @property
    def pass_rate(self) -> Decimal | None:
        return percent(self.passed, self.reports_required)

    @property
    def held_any(self) -> bool:
        return self.sessions > 0 or self.reported_sessions > 0


@dataclass
class UnitRow:
    """One line of the report: a unit, its figures and its verdict."""

    unit: Organisation
    figures: Figures
    is_root: bool = False
    document: Document | None = None
    reasons: list[str] = field(default_factory=list)
    days_to_first: int | None = None
    days_to_programme: int | None = None

    @property
    def passed(self) -> bool:
        return not self.reasons

    @property
    def verdict(self) -> str:
        return "Đạt" if self.passed else "Chưa đạt"


def judge(row: UnitRow, target: ComplianceTarget) -> None:
    """Fill the row's reasons for failing the targets (none means đạt)."""
    f, doc = row.figures, row.document
    if doc is not None and f.first_session:
        row.days_to_first = (f.first_session - doc.issued_on).days
    if doc is not None and f.own_first:
        row.days_to_programme = (f.own_first - doc.issued_on).days
    if not f.held_any:
        row.reasons.append("Chưa tổ chức học tập, quán triệt")
        return
    rate = f.participation_rate
    if rate is None:
        row.reasons.append("Chưa có số liệu tham gia học tập")
    elif rate < target.participation_rate_min:
        row.reasons.append(
            f"Tỷ lệ tham gia {pct_text(rate)} ({f.rate_basis}), thấp hơn chỉ tiêu {pct_text(target.participation_rate_min)}"
        )
    if f.reports_required and f.report_rate < target.report_rate_min:
        row.reasons.append(
            f"Bài thu hoạch đã nộp {pct_text(f.report_rate)}, thấp hơn chỉ tiêu {pct_text(target.report_rate_min)}"
        )
    if doc is None:
        return
    if row.days_to_first is not None and row.days_to_first > target.first_session_days:
        row.reasons.append(
            f"Hội nghị đầu tiên sau {row.days_to_first} ngày, quá {target.first_session_days} ngày"
        )
    if row.unit.kind in ISSUE_PROGRAMMES:
        if f.own_first is None:
            row.reasons.append("Chưa ban hành chương trình hành động")
        elif row.days_to_programme > target.action_programme_days:
            row.reasons.append(
                f"Chương trình hành động ban hành sau {row.days_to_programme} ngày, quá {target.action_programme_days} ngày"
            )


@dataclass
class Report:
    """A unit's compliance report: its own row (rolled up) and one row per child."""

    root: Organisation
    filters: ReportFilters
    target: ComplianceTarget
    today: datetime.date
    total: UnitRow
    rows: list[UnitRow]

    @property
    def failing(self) -> list[UnitRow]:
        return [row for row in self.rows if not row.passed]


def _figures(data: dict, bucket: str | None, doc_id) -> Figures:
    """Merge grouped rows into one Figures: one bucket, or every bucket when bucket is None."""
    figures = Figures()
    for name in ("roster", "reports", "programmes", "inspections", "remediations"):
        if bucket is None:
            rows = [row for (_, row_doc), row in data[name].items() if row_doc == doc_id]
        else:
            rows = [data[name].get((bucket, doc_id)) or {}]
        for row in rows:
            figures.add(_unsuffixed(row, doc_id, name))
    # A counts-only session may reach several children: the total has its own aggregate.
    reported = data["reported"]
    if bucket is None:
        figures.add(reported["total"].get(doc_id) or {})
    else:
        figures.add(reported["per_child"].get((bucket, doc_id)) or {})
    return figures


def _unsuffixed(row: dict, doc_id, name: str) -> dict:
    if name != "roster" or doc_id is None:
        return row
    suffix = f"_{doc_id}"
    return {key.removesuffix(suffix): value for key, value in row.items() if key.endswith(suffix)}


def _sessions(data: dict, bucket: str | None, doc_id) -> tuple[int, datetime.date | None, bool]:
    """Sessions held, the first one's date, and whether any of their dates is estimated."""
    sessions = data["sessions"]
    if bucket is None:
        parts = [sessions["total"].get(doc_id) or {}]
    else:
        parts = [
            sessions["reach_all"].get(doc_id) or {},
            sessions["per_child"].get((bucket, doc_id)) or {},
        ]
    firsts = [part["first"] for part in parts if part.get("first")]
    return (
        sum(part.get("n") or 0 for part in parts),
        min(firsts, default=None),
        any(part.get("estimated") for part in parts),
    )


def _load(root, filters, today, documents=None) -> dict:
    per_doc = documents is not None
    data = {
        "sessions": selectors.session_figures(root, filters, per_doc),
        "roster": selectors.roster_figures(root, filters, documents),
        "reports": selectors.report_figures(root, filters, per_doc),
        "programmes": selectors.programme_figures(root, filters, per_doc),
        "inspections": selectors.inspection_figures(root, filters, per_doc),
        "remediations": selectors.remediation_figures(root, filters, today, per_doc),
        "reported": selectors.reported_figures(root, filters, per_doc),
    }
    if per_doc:
        # The roster query puts documents in columns; re-key it like the others.
        data["roster"] = {
            (bucket, doc.pk): row
            for (bucket, _), row in data["roster"].items()
            for doc in documents
        }
    return data


def _row(unit, data, bucket, doc, target, is_root=False, per_document=False) -> UnitRow:
    doc_id = doc.pk if per_document else None
    figures = _figures(data, bucket, doc_id)
    figures.sessions, figures.first_session, figures.dates_estimated = _sessions(
        data, bucket, doc_id
    )
    if is_root:  # the root's own programme, not its children's
        own = data["programmes"].get((unit.path, doc_id)) or {}
        figures.own_programmes, figures.own_first = (
            own.get("own_programmes", 0),
            own.get("own_first"),
        )
    row = UnitRow(unit=unit, figures=figures, is_root=is_root, document=doc)
    judge(row, target)
    return row


def build_report(root: Organisation, filters: ReportFilters, today: datetime.date) -> Report:
    target = ComplianceTarget.current()
    children = list(selectors.child_units(root, filters))
    data = _load(root, filters, today)
    doc = filters.document
    rows = [_row(child, data, child.path, doc, target) for child in children]
    total = _row(root, data, None, doc, target, is_root=True)
    return Report(root=root, filters=filters, target=target, today=today, total=total, rows=rows)


STAGES = [
    ("studied", "Đã học tập"),
    ("participation", "Đạt tỷ lệ tham gia"),
    ("reports", "Bài thu hoạch đạt"),
    ("programme", "Có chương trình hành động"),
    ("inspected", "Đã kiểm tra"),
    ("remediated", "Đã khắc phục xong"),
]


@dataclass
class MatrixCell:
    """One document for one child unit: the stages reached and the verdict."""

    row: UnitRow
    stages: dict[str, bool]

    @property
    def reached(self) -> str:
        label = "Chưa học tập"
        for key, name in STAGES:
            if not self.stages[key]:
                break
            label = name
        return label

    @property
    def stage_list(self) -> list[tuple[str, str, bool]]:
        return [(key, name, self.stages[key]) for key, name in STAGES]

    @property
    def level(self) -> int:
        return sum(1 for key, _ in STAGES if self.stages[key])


def _stages(row: UnitRow, target: ComplianceTarget) -> dict[str, bool]:
    f = row.figures
    rate = f.participation_rate
    return {
        "studied": f.held_any,
        "participation": rate is not None and rate >= target.participation_rate_min,
        "reports": not f.reports_required
        or (f.pass_rate is not None and f.pass_rate >= target.report_rate_min),
        "programme": f.programmes > 0,
        "inspected": f.inspections > 0,
        "remediated": f.inspections > 0 and f.open_items == 0,
    }


@dataclass
class Matrix:
    root: Organisation
    documents: list[Document]
    children: list[Organisation]
    cells: list[list[MatrixCell]]  # one list per child, one cell per document

    @property
    def rows(self):
        return list(zip(self.children, self.cells, strict=True))


def build_matrix(root: Organisation, filters: ReportFilters, today: datetime.date) -> Matrix:
    target = ComplianceTarget.current()
    documents = selectors.documents_studied(root, filters)
    children = list(selectors.child_units(root, filters))
    data = _load(root, filters, today, documents) if documents else {}
    cells = []
    for child in children:
        line = []
        for doc in documents:
            row = _row(child, data, child.path, doc, target, per_document=True)
            line.append(MatrixCell(row=row, stages=_stages(row, target)))
        cells.append(line)
    return Matrix(root=root, documents=documents, children=children, cells=cells)


def figure_names() -> list[str]:
    return [f.name for f in fields(Figures)]
