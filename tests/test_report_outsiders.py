"""Report pages tried by the users of sibling units, over the rich scenario (a shared class
of CBA2 and CBB1 run by the province, a counts-only session of Huyện B's company):

- every report URL, every drill-down key and every filter of a unit outside the user's scope
  is a 404 that never names that unit;
- a user's own pages never name a member or unit of another branch, even through the shared
  class both branches attended;
- the print view and the .docx never list the unit among its own subordinates and never
  state the opposite of the verdict they give.
"""

import io
import re

import docx
import pytest
from django.urls import reverse

from reports_app import drilldown
from reports_app.figures import FIGURES
from tests.report_scenario import scenario  # noqa: F401 (fixture)

KEYS = [figure.key for figure in FIGURES if drilldown.drillable(figure)]
PAGES = ["unit", "matrix", "print", "docx", "checks", "export_csv", "export_xlsx"]


def _urls(unit):
    urls = [reverse(f"reports_app:{name}", kwargs={"pk": unit.pk}) for name in PAGES]
    urls += [reverse("reports_app:figure", kwargs={"pk": unit.pk, "key": key}) for key in KEYS]
    return urls


def _queries(scenario):
    return [
        {},
        {"document": scenario["d1"].pk},
        {"year": "2023", "quarter": "3"},
        {"date_from": "01/07/2023", "date_to": "31/12/2023"},
    ]


def _body(response) -> str:
    """The text a user reads, .docx and .xlsx included."""
    content_type = response.get("Content-Type", "")
    if "wordprocessingml" in content_type:
        document = docx.Document(io.BytesIO(response.content))
        lines = [p.text for p in document.paragraphs]
        lines += [c.text for t in document.tables for r in t.rows for c in r.cells]
        return "\n".join(lines)
    if "spreadsheetml" in content_type:
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
        return "\n".join(
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    return response.content.decode("utf-8-sig", errors="replace")


OUTSIDE = [
    ("alice", "cell_a2"),  # the sibling cell in the same commune
    ("alice", "commune_a"),  # her own cell's parent
    ("charlie", "cell_a2"),  # a cell of the other district that shares a class with it
    ("charlie", "commune_a"),
    ("erik", "district_a"),  # the other district's administrator
    ("erik", "province"),
    ("diana", "district_b"),
    ("bob", "company_b"),
]


@pytest.mark.parametrize(("persona", "unit"), OUTSIDE)
def test_every_report_url_and_drill_down_of_an_outside_unit_is_a_404_without_its_name(
    client, request, tree, scenario, persona, unit
):
    client.force_login(request.getfixturevalue(persona))
    outside = tree[unit]
    for query in _queries(scenario):
        for url in _urls(outside):
            response = client.get(url, query)
            assert response.status_code == 404, (persona, url, query)
            assert outside.name not in _body(response), (persona, url)


def test_an_unknown_drill_down_key_is_a_vietnamese_404(client, bob, tree, scenario):
    client.force_login(bob)
    url = reverse("reports_app:figure", kwargs={"pk": tree["commune_a"].pk, "key": "khong-co"})
    response = client.get(url)
    assert response.status_code == 404
    assert "Not Found" not in response.content.decode()


# Names of the other branch each user must never read on their own pages.
FOREIGN = {
    "bob": ["Vũ Thị Giang", "Chi bộ khu 1", "Ka Long", "Móng Cái", "Công ty Điện lực"],
    "alice": ["Phạm Thị Dung", "Ngô Văn Khánh", "Chi bộ thôn 2", "Vũ Thị Giang"],
    "charlie": ["Phạm Thị Dung", "Đỗ Thị Hoa", "Chi bộ thôn 2", "Triệu Sơn", "Dân Lực"],
}
OWN = {
    "bob": ["district_a", "commune_a", "cell_a1", "cell_a2"],
    "alice": ["cell_a1"],
    "charlie": ["cell_b1"],
}


@pytest.mark.parametrize("persona", list(OWN))
def test_own_pages_and_every_drill_down_name_nobody_of_another_branch(
    client, request, tree, scenario, persona
):
    client.force_login(request.getfixturevalue(persona))
    for unit in OWN[persona]:
        for query in _queries(scenario):
            for url in _urls(tree[unit]):
                response = client.get(url, query)
                assert response.status_code == 200, (persona, url, query)
                body = _body(response)
                leaked = [name for name in FOREIGN[persona] if name in body]
                assert not leaked, (persona, url, query, leaked)


def _print_text(client, unit, query) -> str:
    html = client.get(reverse("reports_app:print", kwargs={"pk": unit.pk}), query)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.content.decode()))


def _docx_text(client, unit, query) -> str:
    response = client.get(reverse("reports_app:docx", kwargs={"pk": unit.pk}), query)
    return re.sub(r"\s+", " ", _body(response))


ROOTS = ["province", "district_a", "commune_a", "cell_a1", "district_b", "commune_b"]


@pytest.mark.parametrize("root", ROOTS)
def test_the_paper_never_lists_the_unit_beneath_itself_nor_contradicts_its_verdict(
    client, superuser, tree, scenario, root
):
    client.force_login(superuser)
    unit = tree[root]
    for query in _queries(scenario):
        for text in (_print_text(client, unit, query), _docx_text(client, unit, query)):
            passed = f"{unit.name} đạt các chỉ tiêu đề ra." in text
            failed = f"{unit.name} chưa đạt chỉ tiêu." in text
            assert passed != failed, (root, query)
            assert not (failed and "tổ chức đảng trực thuộc đạt chỉ tiêu" in text), (root, query)
            assert f"{unit.name}:" not in text, (root, query)  # never among those failing
            if passed:
                assert "Lý do:" not in text
