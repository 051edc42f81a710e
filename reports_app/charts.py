"""Server-side SVG charts: geometry computed here, drawn by templates (no JavaScript).

Horizontal bars, each under its label and with its value written at its end. Positions
across are percentages of the chart's width and positions down are pixels, so the chart
fills a phone or a desktop column while its text keeps its size.
"""

from dataclasses import dataclass
from decimal import Decimal

from reports_app.compliance import UnitRow
from reports_app.figures import REPORTED_BASIS, pct_text

PLOT = Decimal(80)  # percent of the width that 100% takes; the rest holds the value text
TOP = 22  # the scale (0%, 50%, 100%) above the first bar
LABEL = 17  # a label line above its bars
BAR = 14
BAR_GAP = 4
ITEM_GAP = 12
UNITS_SHOWN = 30  # a chart of a thousand units says nothing: the lowest rates are shown


@dataclass
class Bar:
    y: int
    width: str  # percent of the chart's width
    value_x: str
    css: str
    text: str
    title: str

    @property
    def text_y(self) -> int:
        return self.y + BAR - 3


@dataclass
class Item:
    label: str
    label_y: int
    bars: list[Bar]
    css: str = ""


def _x(percent) -> Decimal:
    return min(Decimal(percent or 0), Decimal(100)) * PLOT / 100


def _pct(value: Decimal) -> str:
    return f"{value:.2f}%"


def _bar(y: int, value, css: str, title: str) -> Bar:
    x = _x(value)
    return Bar(
        y=y,
        width=_pct(x),
        value_x=_pct(x + Decimal("1.2")),
        css=css,
        text=_text(value),
        title=f"{title}: {_text(value)}",
    )


def _layout(items_bars: list[tuple[str, str, list[tuple]]], target=None) -> dict:
    """Stack the items (label, css, [(value, css, title)…]) down the chart."""
    items, y = [], TOP
    for label, css, bars in items_bars:
        label_y = y + LABEL - 4
        y += LABEL
        drawn = []
        for value, bar_css, title in bars:
            drawn.append(_bar(y, value, bar_css, title))
            y += BAR + BAR_GAP
        items.append(Item(label=label, label_y=label_y, bars=drawn, css=css))
        y += ITEM_GAP - BAR_GAP
    chart = {
        "items": items,
        "height": y,
        "top": TOP - 6,
        "bottom": y - ITEM_GAP + BAR_GAP,
        "plot": _pct(PLOT),
        "bar_height": BAR,
        "grid": [{"x": _pct(_x(p)), "text": f"{p}%", "first": p == 0} for p in (0, 50, 100)],
        "empty": not items,
    }
    if target is not None:
        chart["target_x"] = _pct(_x(target))
        chart["target_text"] = f"Chỉ tiêu {pct_text(target)}"
    return chart


def _order(row: UnitRow):
    rate = row.figures.participation_rate
    return (rate is not None, rate or 0, row.unit.name)


def participation_chart(rows: list[UnitRow], target) -> dict:
    """Per child unit, lowest participation first: participation and reports submitted."""
    shown = sorted(rows, key=_order)[:UNITS_SHOWN]
    items = []
    for row in shown:
        f, name = row.figures, row.unit.name
        mark = "✔" if row.passed else "✘"
        items.append(
            (
                f"{mark} {name}",
                "pass" if row.passed else "fail",
                [
                    (f.participation_rate, "bar-participation", f"{name}: tham gia"),
                    (f.report_rate, "bar-reports", f"{name}: bài thu hoạch đã nộp"),
                ],
            )
        )
    chart = _layout(items, target.participation_rate_min)
    chart.update(shown=len(shown), total=len(rows))
    return chart


def trend_chart(trend: list[dict], target=None) -> dict:
    """One bar per month: the participation rate by the table's rule and rounding."""
    items = []
    for month in trend:
        label = f"Tháng {month['month']:%m/%Y}"
        basis = month["basis"] or "chưa có số liệu"
        css = "bar-participation" if month["basis"] != REPORTED_BASIS else "bar-reported"
        items.append((f"{label} ({basis})", "", [(month["rate"], css, label)]))
    return _layout(items, target)


def _text(value) -> str:
    return "chưa có số liệu" if value is None else pct_text(value)
