"""The report read from the tallies equals the report read from the obligation rows.

The tallies are an optimisation: the figures must not change with them. Over the rich
scenario (tests/report_scenario.py), for every unit, unfiltered, per document and per
quarter, the table, the matrix and the monthly trend are built once from the tallies and
once from the rows (the tallies switched off), and compared. The hand-computed numbers of
test_report_scenario.py hold the first; this holds the second to it.
"""

import datetime

import pytest

from reports_app import selectors
from reports_app.compliance import build_matrix, build_report, trend
from reports_app.selectors import ReportFilters
from sessions_app.models import Organisation
from tests.report_scenario import scenario  # noqa: F401 (fixture)

TODAY = datetime.date(2024, 1, 15)


def _filters(scenario):
    return {
        "all": ReportFilters(),
        "d1": ReportFilters(document=scenario["d1"]),
        "d2": ReportFilters(document=scenario["d2"]),
        "q3": ReportFilters(
            date_from=datetime.date(2023, 7, 1), date_to=datetime.date(2023, 9, 30)
        ),
        "q4": ReportFilters(
            date_from=datetime.date(2023, 10, 1), date_to=datetime.date(2023, 12, 31)
        ),
    }


def _everything(unit, filters):
    report = build_report(unit, filters, TODAY)
    matrix = build_matrix(unit, filters, TODAY)
    return {
        "rows": [(r.unit.code, r.is_own, dict(r.figures), r.reasons) for r in report.all_rows],
        "matrix": [
            (child.code, [(cell.row.document.pk, dict(cell.row.figures)) for cell in line])
            for child, line in matrix.rows
        ],
        "trend": [(m["month"], m["rate"], m["basis"]) for m in trend(unit, filters, TODAY)],
    }


@pytest.mark.parametrize("period", ["all", "d1", "d2", "q3", "q4"])
def test_the_tallies_give_the_figures_the_rows_give(scenario, monkeypatch, period):
    filters = _filters(scenario)[period]
    units = list(Organisation.objects.order_by("path"))
    from_tallies = {unit.code: _everything(unit, filters) for unit in units}

    monkeypatch.setattr(selectors, "TALLY_SOURCES", {})
    from_rows = {unit.code: _everything(unit, filters) for unit in units}

    assert from_tallies == from_rows
    # Not a comparison of nothing: the scenario's figures are there in both.
    assert any(row[2]["required"] for row in from_rows["TINH"]["rows"]) or period == "d2"
