"""The rows behind each figure: the list a figure's link opens holds exactly what it counts.

The rows come from the same family and condition as the figure's aggregate
(reports_app/figures.py), under the row's unit, with the report's filters.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from reports_app import selectors
from reports_app.figures import BY_KEY, ROSTER, Context, Figure
from reports_app.selectors import ReportFilters
from sessions_app.models import Organisation, StudySession

LIMIT = 500


@dataclass(frozen=True)
class Column:
    label: str
    value: str  # a dotted attribute path on the row object


COLUMNS = {
    "attend": [
        Column("Đảng viên", "member"),
        Column("Chi bộ (ngày học)", "unit.name"),
        Column("Hội nghị", "session.title"),
        Column("Ngày hội nghị", "held_on"),
        Column("Điểm danh", "get_status_display"),
        Column("Học bù tại", "made_up_by"),
    ],
    "write": [
        Column("Đảng viên", "member"),
        Column("Chi bộ (ngày học)", "unit.name"),
        Column("Văn bản", "document.symbol"),
        Column("Hội nghị phát sinh", "session.title"),
        Column("Ngày học", "studied_on"),
        Column("Hạn nộp", "due_on"),
        Column("Tình trạng bài", "get_report_status_display"),
    ],
    "reported": [
        Column("Hội nghị", "title"),
        Column("Ngày", "held_on"),
        Column("Số được triệu tập", "reported_expected"),
        Column("Số tham dự", "reported_attended"),
        Column("Số điểm cầu", "reported_site_count"),
        Column("Tỷ lệ báo cáo (%)", "reported_rate"),
    ],
    "sessions": [
        Column("Hội nghị", "title"),
        Column("Ngày", "held_on"),
        Column("Thành phần", "get_audience_display"),
        Column("Cấp ủy tổ chức", "organiser.name"),
    ],
    "programme": [
        Column("Đơn vị", "unit.name"),
        Column("Văn bản", "document.symbol"),
        Column("Số ký hiệu", "symbol"),
        Column("Ngày ban hành", "issued_on"),
    ],
    "inspection": [
        Column("Đơn vị được kiểm tra", "inspected_unit.name"),
        Column("Cấp ủy kiểm tra", "inspecting_unit.name"),
        Column("Ngày bắt đầu", "started_on"),
        Column("Kết luận", "conclusion"),
    ],
    "remediation": [
        Column("Đơn vị được kiểm tra", "inspection.inspected_unit.name"),
        Column("Nội dung", "description"),
        Column("Hạn", "due_on"),
        Column("Ngày hoàn thành", "resolved_on"),
    ],
}
RELATED = {
    "attend": ["member", "unit", "session", "made_up_by"],
    "write": ["member", "unit", "document", "session"],
    "reported": [],
    "sessions": ["organiser"],
    "programme": ["unit", "document"],
    "inspection": ["inspected_unit", "inspecting_unit"],
    "remediation": ["inspection__inspected_unit"],
}
ORDER = {
    "attend": ["held_on", "unit_path", "member__full_name"],
    "write": ["studied_on", "unit_path", "member__full_name"],
    "reported": ["held_on", "pk"],
    "sessions": ["held_on", "pk"],
    "programme": ["issued_on", "pk"],
    "inspection": ["started_on", "pk"],
    "remediation": ["due_on", "pk"],
}


def drillable(figure: Figure) -> bool:
    return figure.drill and (figure.counted or figure.key == "sessions")


def figure_rows(
    figure: Figure, unit: Organisation, filters: ReportFilters, context: Context
) -> tuple[str, QuerySet]:
    """(the kind of list, the rows the figure counts on the unit's row)."""
    if figure.key == "sessions":
        roster = selectors.family_rows("attend", unit, filters).filter(ROSTER).values("session_id")
        reported = selectors.family_rows("reported", unit, filters).values("pk")
        rows = StudySession.objects.filter(Q(pk__in=roster) | Q(pk__in=reported))
        return "sessions", rows.select_related(*RELATED["sessions"]).order_by(*ORDER["sessions"])
    rows = selectors.family_rows(figure.family, unit, filters).filter(figure.condition(context))
    how, _, name = figure.measure.partition(":")
    if how == "sum":
        rows = rows.filter(**{f"{name}__isnull": False})
    if how == "distinct":
        rows = rows.distinct()
    related = RELATED[figure.family]
    if related:
        rows = rows.select_related(*related)
    return figure.family, rows.order_by(*ORDER[figure.family])


def measured(figure: Figure, rows: QuerySet) -> int:
    """What the figure makes of its rows: their number, or the sum of its field."""
    how, _, name = figure.measure.partition(":")
    if how == "sum":
        return sum(getattr(row, name) or 0 for row in rows)
    return rows.count()


def first_rows(figure, unit, filters, context) -> tuple[str, list, int, int]:
    """(kind, the first LIMIT rows, how many rows there are, the figure's value).

    A list shorter than LIMIT is counted as it is read. A longer one (a province's
    millions of rows) takes its count from the tallies the figure itself is counted from
    (tests/test_report_drilldown.py holds every figure's rows equal to its value).
    """
    kind, rows = figure_rows(figure, unit, filters, context)
    shown = list(rows[:LIMIT])
    if len(shown) < LIMIT and figure.measure == "count":
        return kind, shown, len(shown), len(shown)
    if (
        figure.measure == "count"
        and figure.tallied
        and selectors.from_tallies(figure.family, filters)
    ):
        count = selectors.totals(figure.family, unit, filters, [figure], context)
        count = count.get(None, {}).get(figure.key) or 0
        return kind, shown, count, count
    count = len(shown) if len(shown) < LIMIT else rows.count()
    return kind, shown, count, measured(figure, rows)


def cell_value(obj, path: str):
    value = obj
    for part in path.split("."):
        value = getattr(value, part)
        if callable(value):
            value = value()
        if value is None:
            return None
    return value


def lookup(key: str) -> Figure | None:
    figure = BY_KEY.get(key)
    return figure if figure is not None and drillable(figure) else None
