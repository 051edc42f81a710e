"""Server-side SVG charts: geometry computed here, drawn by templates (no JavaScript)."""

from dataclasses import dataclass
from decimal import Decimal

from reports_app.compliance import UnitRow
from reports_app.figures import REPORTED_BASIS, pct_text

PLOT_HEIGHT = 160
TOP = 20
LEFT = 40
BAR = 14
GAP = 18
MONTH_STEP = 56  # a month label (mm/yyyy) is wider than a bar and its gap


@dataclass
class Bar:
    x: int
    y: float
    height: float
    css: str
    title: str


def _bar(x, value, css, title) -> Bar:
    value = min(Decimal(value or 0), Decimal(100))
    height = float(value) * PLOT_HEIGHT / 100
    return Bar(x=x, y=TOP + PLOT_HEIGHT - height, height=height, css=css, title=title)


def _y(percent) -> float:
    return TOP + PLOT_HEIGHT - float(min(Decimal(percent), Decimal(100))) * PLOT_HEIGHT / 100


def participation_chart(rows: list[UnitRow], target) -> dict:
    """Two bars per child unit: participation rate and written reports submitted."""
    bars, labels = [], []
    for index, row in enumerate(rows):
        x = LEFT + index * (2 * BAR + GAP)
        f = row.figures
        rate, reports = f.participation_rate, f.report_rate
        bars.append(_bar(x, rate, "bar-participation", f"{row.unit.name}: tham gia {_text(rate)}"))
        bars.append(
            _bar(
                x + BAR, reports, "bar-reports", f"{row.unit.name}: bài thu hoạch {_text(reports)}"
            )
        )
        labels.append({"x": x + BAR, "text": row.unit.code})
    width = LEFT + max(len(rows), 1) * (2 * BAR + GAP) + 10
    return {
        "width": width,
        "height": TOP + PLOT_HEIGHT + 40,
        "bars": bars,
        "labels": labels,
        "bar_width": BAR,
        "axis_y": TOP + PLOT_HEIGHT,
        "label_y": TOP + PLOT_HEIGHT + 14,
        "target_y": _y(target.participation_rate_min),
        "target_text": f"Chỉ tiêu {pct_text(target.participation_rate_min)}",
        "grid": [{"y": _y(p), "text": f"{p}%"} for p in (0, 50, 100)],
        "left": LEFT,
    }


def trend_chart(trend: list[dict]) -> dict:
    """One bar per month: the participation rate by the table's rule and rounding."""
    bars, labels = [], []
    for index, month in enumerate(trend):
        x = LEFT + index * MONTH_STEP
        rate = month["rate"]
        css = "bar-participation" if month["basis"] != REPORTED_BASIS else "bar-reported"
        label = f"{month['month']:%m/%Y}"
        bars.append(
            _bar(x, rate, css, f"{label}: {_text(rate)} ({month['basis'] or 'chưa có số liệu'})")
        )
        labels.append({"x": x + BAR // 2, "text": label})
    return {
        "width": LEFT + max(len(trend), 1) * MONTH_STEP + 30,
        "height": TOP + PLOT_HEIGHT + 40,
        "bars": bars,
        "labels": labels,
        "bar_width": BAR,
        "axis_y": TOP + PLOT_HEIGHT,
        "label_y": TOP + PLOT_HEIGHT + 14,
        "grid": [{"y": _y(p), "text": f"{p}%"} for p in (0, 50, 100)],
        "left": LEFT,
        "empty": not trend,
    }


def _text(value) -> str:
    return "chưa có số liệu" if value is None else pct_text(value)
