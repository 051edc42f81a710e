"""The report table's cells, from the registry: each figure's text and the link to the rows
it counts (the drill-down list of reports_app/drilldown.py)."""

import datetime
import functools
from dataclasses import dataclass
from decimal import Decimal

from django.urls import get_script_prefix, reverse
from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import mark_safe

from reports_app.compliance import UnitRow
from reports_app.drilldown import drillable
from reports_app.figures import TABLE, Figure, pct_text

ESTIMATED_TITLE = "Ngày hội nghị ước định: nguồn không nêu ngày cụ thể"


@dataclass
class Cell:
    text: str
    url: str = ""
    note: str = ""
    mark: str = ""  # title of the ≈ mark, when the value is an estimated date
    css: str = "num"

    @property
    def html(self) -> str:
        """The table cell: built here rather than in the template, which spent more time on
        a district's thousand cells than the database on its figures (and escape() rather
        than format_html(), for the same reason). Every value is escaped."""
        value = escape(self.text)
        if self.url:
            value = f'<a href="{escape(self.url)}">{value}</a>'
        if self.mark:
            value = f'<abbr class="estimated" title="{escape(self.mark)}">≈</abbr>{value}'
        if self.note:
            value = f"{value} <small>{escape(self.note)}</small>"
        return mark_safe(f'<td class="{escape(self.css)}">{value}</td>')  # noqa: S308 (escaped above)


def text(figure: Figure, value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if figure.kind == "rate":
        return pct_text(value)
    if isinstance(value, int | Decimal):
        return number_format(value, force_grouping=True)
    return str(value)


@functools.cache
def _figure_path(key: str, script_prefix: str) -> tuple[str, str]:
    """The figure list's path around the unit's id: reversed once per figure, not per cell
    (a district's table has about a thousand links)."""
    marker = 987654321
    path = reverse("reports_app:figure", kwargs={"pk": marker, "key": key})
    before, _, after = path.partition(str(marker))
    return before, after


def figure_url(unit, key: str, query: str) -> str:
    before, after = _figure_path(key, get_script_prefix())
    url = f"{before}{unit.pk}{after}"
    return f"{url}?{query}" if query else url


def cells(row: UnitRow, query: str) -> list[Cell]:
    """One cell per table figure of the registry."""
    result = []
    for figure in TABLE:
        cell = Cell(text=text(figure, figure.of(row)))
        if drillable(figure) and not row.is_own:
            cell.url = figure_url(row.unit, figure.key, query)
        if figure.note is not None:
            cell.note = figure.note(row) or ""
        if figure.key == "first_session" and row.figures.dates_estimated:
            cell.mark = ESTIMATED_TITLE
        if figure.kind == "rate":
            cell.css = "num rate"
        result.append(cell)
    return result


def unit_report_url(unit) -> str:
    """The compliance report of a unit (for the admin's change page or list)."""
    return reverse("reports_app:unit", kwargs={"pk": unit.pk})
