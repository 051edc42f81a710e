"""The compliance report: the registry's figures per unit row, rates and verdicts.

Every loop here runs over unit rows and figures (already aggregated in SQL), never over
records. Which figures exist and how each adds up the tree is reports_app/figures.py.
"""

import datetime
from dataclasses import dataclass, field

from reports_app import selectors
from reports_app.figures import (
    COUNTED,
    DISTINCT,
    OWN,
    SUM,
    Context,
    family_figures,
    participation,
    pct_text,
    percent,
)
from reports_app.models import ComplianceTarget
from reports_app.selectors import ReportFilters
from sessions_app.choices import UnitKind
from sessions_app.models import Document, Organisation

# Units that issue their own action programme; cells carry it out under their committee.
ISSUE_PROGRAMMES = {
    UnitKind.PROVINCE,
    UnitKind.DISTRICT,
    UnitKind.BLOC,
    UnitKind.GRASSROOTS_COMMITTEE,
    UnitKind.GRASSROOTS_CELL,
}
FAMILIES_COUNTED = sorted({figure.family for figure in COUNTED})


class Figures(dict):
    """Every counted figure of one unit row by key, and the figures computed from them."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    @classmethod
    def empty(cls) -> "Figures":
        return cls(
            {figure.key: None if figure.measure.startswith("min") else 0 for figure in COUNTED}
        )

    @property
    def sessions(self) -> int:
        return self["roster_sessions"] + self["reported_sessions"]

    @property
    def first_session(self) -> datetime.date | None:
        return min(filter(None, [self["roster_first"], self["reported_first"]]), default=None)

    @property
    def dates_estimated(self) -> bool:
        """The first session itself has an estimated date (≈)."""
        first = self.first_session
        return first is not None and first in (
            self["roster_first_estimated"],
            self["reported_first_estimated"],
        )

    @property
    def participation_rate(self):
        return participation(self)[0]

    @property
    def rate_basis(self) -> str:
        return participation(self)[1]

    @property
    def has_roster(self) -> bool:
        return self["required"] > 0

    @property
    def has_reported(self) -> bool:
        return self["reported_sessions"] > 0

    @property
    def is_reported(self) -> bool:
        return not self.has_roster and self.has_reported

    @property
    def report_rate(self):
        return percent(self["submitted"], self["reports_required"])

    @property
    def held_any(self) -> bool:
        return self.sessions > 0

    @property
    def absent(self) -> int:
        return self["excused"] + self["unexcused"]


@dataclass
class UnitRow:
    """One line of the report: a unit, its figures and its verdict."""

    unit: Organisation
    figures: Figures
    is_root: bool = False
    is_own: bool = False  # records placed at the root itself, not under a child
    document: Document | None = None
    reasons: list[str] = field(default_factory=list)
    days_to_first: int | None = None
    days_to_programme: int | None = None

    @property
    def passed(self) -> bool:
        return not self.reasons

    @property
    def verdict(self) -> str:
        if self.is_own:
            return ""
        return "Đạt" if self.passed else "Chưa đạt"

    @property
    def code(self) -> str:
        return f"{self.unit.code} (trực tiếp)" if self.is_own else self.unit.code

    @property
    def name(self) -> str:
        return f"{self.unit.name} (số liệu trực tiếp)" if self.is_own else self.unit.name


def judge(row: UnitRow, target: ComplianceTarget) -> None:
    """Fill the row's reasons for failing the targets (none means đạt)."""
    f, doc = row.figures, row.document
    if doc is not None and f.first_session:
        row.days_to_first = (f.first_session - doc.issued_on).days
    if doc is not None and f.own_first:
        row.days_to_programme = (f.own_first - doc.issued_on).days
    if row.is_own:
        return
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
    if programme_late(row, target) is not None:
        row.reasons.append(programme_late(row, target))


def programme_late(row: UnitRow, target: ComplianceTarget) -> str | None:
    """Why the unit's own action programme misses the target, if it issues one and does."""
    if row.unit.kind not in ISSUE_PROGRAMMES:
        return None
    if row.figures.own_first is None:
        return "Chưa ban hành chương trình hành động"
    # Days are counted from one document's issue: without a document there is no deadline.
    if row.days_to_programme is not None and row.days_to_programme > target.action_programme_days:
        return f"Chương trình hành động ban hành sau {row.days_to_programme} ngày, quá {target.action_programme_days} ngày"
    return None


@dataclass
class Report:
    """A unit's compliance report: its own row (rolled up) and one row per child."""

    root: Organisation
    filters: ReportFilters
    target: ComplianceTarget
    today: datetime.date
    total: UnitRow
    rows: list[UnitRow]
    own: UnitRow | None = None

    @property
    def failing(self) -> list[UnitRow]:
        return [row for row in self.rows if not row.passed]

    @property
    def all_rows(self) -> list[UnitRow]:
        return [self.total, *self.rows, *([self.own] if self.own else [])]


def load(root: Organisation, filters: ReportFilters, today: datetime.date, per_document=False):
    """Every family's grouped figures (one query each) and the subtree totals of the
    figures that do not add up (one query)."""
    context = Context(depth=root.depth, today=today)
    data = {}
    for family in FAMILIES_COUNTED:
        data[family] = selectors.grouped(
            family, root, filters, family_figures(family), context, per_document=per_document
        )
    data["totals"] = {}
    for family in FAMILIES_COUNTED:
        distinct = [f for f in family_figures(family) if f.rollup == DISTINCT]
        if distinct:
            data["totals"][family] = selectors.totals(
                family, root, filters, distinct, context, per_document
            )
    return data


def _combine(values: list, figure) -> object:
    present = [value for value in values if value is not None]
    if figure.measure.startswith("min"):
        return min(present, default=None)
    return sum(present)


def figures_of(data, bucket: str | None, doc_id, root_path: str) -> Figures:
    """One row's figures: a bucket (a child's path, or the root's path for its own records),
    or the whole subtree when bucket is None."""
    figures = Figures.empty()
    for figure in COUNTED:
        rows = data[figure.family]
        if bucket is not None:
            part = rows.get((bucket, doc_id)) or {}
            figures[figure.key] = _combine([part.get(figure.key)], figure)
            continue
        if figure.rollup == DISTINCT:
            total = data["totals"][figure.family].get(doc_id) or {}
            figures[figure.key] = total.get(figure.key) or 0
        elif figure.rollup == OWN:
            own = rows.get((root_path, doc_id)) or {}
            figures[figure.key] = _combine([own.get(figure.key)], figure)
        else:
            parts = [row.get(figure.key) for (_, d), row in rows.items() if d == doc_id]
            figures[figure.key] = _combine(parts, figure)
    return figures


def _has_own(figures: Figures) -> bool:
    return any(
        figures[f.key]
        for f in COUNTED
        if f.family in ("attend", "write", "reported") and f.rollup == SUM
    )


def _row(unit, figures, doc, target, **flags) -> UnitRow:
    row = UnitRow(unit=unit, figures=figures, document=doc, **flags)
    judge(row, target)
    return row


def build_report(root: Organisation, filters: ReportFilters, today: datetime.date) -> Report:
    target = ComplianceTarget.current()
    children = list(selectors.child_units(root, filters))
    data = load(root, filters, today)
    doc = filters.document
    rows = [_row(c, figures_of(data, c.path, None, root.path), doc, target) for c in children]
    total = _row(root, figures_of(data, None, None, root.path), doc, target, is_root=True)
    own = None
    if children:
        own_figures = figures_of(data, root.path, None, root.path)
        if _has_own(own_figures):
            own = _row(root, own_figures, doc, target, is_own=True)
    return Report(
        root=root, filters=filters, target=target, today=today, total=total, rows=rows, own=own
    )


STAGES = [
    ("studied", "Đã học tập"),
    ("participation", "Đạt tỷ lệ tham gia"),
    ("reports", "Đạt tỷ lệ nộp bài thu hoạch"),
    ("programme", "Có chương trình hành động đúng hạn"),
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


def stages(row: UnitRow, target: ComplianceTarget) -> dict[str, bool]:
    """The matrix's stages, by the same figures and targets as the table's verdict."""
    f = row.figures
    rate = f.participation_rate
    return {
        "studied": f.held_any,
        "participation": rate is not None and rate >= target.participation_rate_min,
        "reports": not f.reports_required or f.report_rate >= target.report_rate_min,
        "programme": programme_late(row, target) is None,
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
    data = load(root, filters, today, per_document=True) if documents else {}
    cells = []
    for child in children:
        line = []
        for doc in documents:
            row = _row(child, figures_of(data, child.path, doc.pk, root.path), doc, target)
            line.append(MatrixCell(row=row, stages=stages(row, target)))
        cells.append(line)
    return Matrix(root=root, documents=documents, children=children, cells=cells)


TREND_FIGURES = {
    "attend": ["required", "attended", "made_up"],
    "reported": [
        "reported_rate_expected",
        "reported_rate_attended",
        "reported_rate_sum",
        "reported_rate_count",
    ],
}


def trend(root: Organisation, filters: ReportFilters, today: datetime.date) -> list[dict]:
    """Per month: the participation rate by the table's rule and rounding, and its basis."""
    from reports_app.figures import BY_KEY

    context = Context(depth=root.depth, today=today)
    figures = {family: [BY_KEY[key] for key in keys] for family, keys in TREND_FIGURES.items()}
    data = selectors.monthly_trend(root, filters, figures, context)
    months: dict = {}
    for rows in data.values():
        for row in rows:
            month = row.pop("month")
            if isinstance(month, datetime.datetime):
                month = month.date()
            months.setdefault(month, Figures.empty()).update(
                {key: value or 0 for key, value in row.items()}
            )
    result = []
    for month, figures in sorted(months.items()):
        rate, basis = participation(figures)
        result.append({"month": month, "rate": rate, "basis": basis, "figures": figures})
    return result
