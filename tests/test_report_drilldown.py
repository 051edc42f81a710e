"""Every figure drills down to exactly the rows it counts: walked over the rich scenario
(tests/report_scenario.py) at every level, unfiltered, per document and per quarter."""

import datetime
import re

import pytest
from django.urls import reverse

from reports_app import drilldown
from reports_app.compliance import build_report
from reports_app.figures import FIGURES, Context
from reports_app.filters import ReportFilterSet
from tests.report_scenario import scenario  # noqa: F401 (fixture)

ROOTS = ["province", "district_a", "commune_a", "cell_a1", "cell_a2", "district_b", "commune_b"]
DRILLABLE = [figure for figure in FIGURES if drilldown.drillable(figure)]
TODAY = datetime.date(2026, 1, 1)


def _query(scenario, period):
    return {
        "unfiltered": {},
        "d1": {"document": scenario["d1"].pk},
        "d2": {"document": scenario["d2"].pk},
        "q3": {"year": "2023", "quarter": "3"},
        "q4": {"year": "2023", "quarter": "4"},
    }[period]


@pytest.mark.parametrize("period", ["unfiltered", "d1", "d2", "q3", "q4"])
def test_every_figure_of_every_row_lists_as_many_rows_as_it_says(tree, scenario, period):
    filters = ReportFilterSet(_query(scenario, period)).report_filters()
    checked = 0
    for root in ROOTS:
        report = build_report(tree[root], filters, TODAY)
        for row in [report.total, *report.rows]:
            context = Context(depth=row.unit.depth, today=TODAY)
            for figure in DRILLABLE:
                _, rows = drilldown.figure_rows(figure, row.unit, filters, context)
                value = figure.of(row)
                assert drilldown.measured(figure, rows) == value, (root, row.code, figure.key)
                if figure.measure == "count":
                    assert rows.count() == value, (root, row.code, figure.key)
                checked += value
    assert checked > 0


def test_the_walk_covers_every_counted_figure_of_the_table():
    """A figure added to the registry with rows of its own is walked without editing here."""
    shown = {figure.key for figure in FIGURES if figure.table and figure.counted and figure.drill}
    assert shown <= {figure.key for figure in DRILLABLE}
    assert "sessions" in {figure.key for figure in DRILLABLE}


def test_made_up_lists_the_absence_that_was_made_up_not_the_attended(
    client, superuser, tree, scenario
):
    client.force_login(superuser)
    url = reverse("reports_app:figure", kwargs={"pk": tree["cell_a1"].pk, "key": "made_up"})
    response = client.get(url)
    assert response.context["count"] == 1
    html = response.content.decode()
    assert "Lê Văn Cường" in html and "Vắng có lý do" in html
    assert "Nguyễn Văn An" not in html


def test_required_lists_each_member_and_session_with_the_session_shown(
    client, superuser, tree, scenario
):
    """CBA2 in Q4: Bình (moved in on 01/10), Dung, Khanh, Hoa at S3 on 10/10/2023."""
    client.force_login(superuser)
    url = reverse("reports_app:figure", kwargs={"pk": tree["cell_a2"].pk, "key": "required"})
    response = client.get(url, {"year": "2023", "quarter": "4"})
    assert response.context["count"] == 4
    html = response.content.decode()
    assert html.count("10/10/2023") == 4
    assert "Trần Thị Bình" in html and "Hoàng Văn Em" not in html  # Em is exempted


def test_reports_owed_list_the_member_where_they_studied(client, superuser, tree, scenario):
    """Bình owes his report to CBA1, where he was at S1, though he is in CBA2 now."""
    client.force_login(superuser)
    key = "reports_required"
    cba1 = client.get(reverse("reports_app:figure", kwargs={"pk": tree["cell_a1"].pk, "key": key}))
    cba2 = client.get(reverse("reports_app:figure", kwargs={"pk": tree["cell_a2"].pk, "key": key}))
    assert (cba1.context["count"], cba2.context["count"]) == (3, 4)
    assert "Trần Thị Bình" in cba1.content.decode()
    assert "Trần Thị Bình" not in cba2.content.decode()


def test_every_link_of_a_report_page_opens_its_list(client, superuser, tree, scenario):
    client.force_login(superuser)
    url = reverse("reports_app:unit", kwargs={"pk": tree["commune_a"].pk})
    html = client.get(url, {"document": scenario["d1"].pk}).content.decode()
    links = set(re.findall(r'href="(/bao-cao/don-vi/\d+/so-lieu/[^"]+)"', html))
    assert len(links) >= 3 * 10
    for link in links:
        assert client.get(link.replace("&amp;", "&")).status_code == 200, link


PAGES = ["unit", "matrix", "print", "docx", "export_csv", "export_xlsx", "figure"]


def _count_queries(client, name, unit, query):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    kwargs = {"pk": unit.pk, **({"key": "required"} if name == "figure" else {})}
    with CaptureQueriesContext(connection) as context:
        assert client.get(reverse(f"reports_app:{name}", kwargs=kwargs), query).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("name", PAGES)
def test_report_pages_cost_the_same_queries_as_obligation_rows_grow(
    client, superuser, tree, scenario, name
):
    """Pinned: the report (with its trend), matrix, print, .docx, exports and a figure's list."""
    from sessions_app import services
    from tests import builders

    client.force_login(superuser)
    query = {"document": scenario["d1"].pk}
    before = _count_queries(client, name, tree["province"], query)
    newcomers = [builders.member(tree["cell_b1"], f"Đảng viên {i}") for i in range(30)]
    for day in (2, 9, 16):
        session = builders.session(
            tree["commune_b"],
            [tree["commune_b"]],
            [scenario["d1"]],
            held_on=datetime.date(2023, 11, day),
        )
        services.attendance_record_roster(
            session=session, statuses={m.pk: "co_mat" for m in newcomers}
        )
    after = _count_queries(client, name, tree["province"], query)
    assert after == before
    # The matrix also reads the user's units through access and its documents once more;
    # suspected copies are counted from the rows, beside the other written-report figures'
    # tallies (one query more).
    assert after <= {"matrix": 21, "figure": 12}.get(name, 24)
