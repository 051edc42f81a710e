"""The report's FilterSet filters obligation rows, one field at a time (tests/report_scenario.py:
18 rows to attend: S0 2, S1 6, S2 4, S3 6), and refuses an inverted period by name."""

import pytest
from django.urls import reverse

from reports_app.filters import ReportFilterSet
from sessions_app.choices import Sector
from sessions_app.models import Organisation
from tests.report_scenario import scenario  # noqa: F401 (fixture)


def rows(data, **kwargs) -> int:
    return ReportFilterSet(data, **kwargs).qs.count()


def test_without_a_choice_every_row_to_attend_is_kept(scenario):
    assert rows({}) == 18


def test_the_document_keeps_the_rows_of_its_sessions(scenario):
    assert rows({"document": scenario["d1"].pk}) == 2 + 6 + 6  # S0, S1, S3
    assert rows({"document": scenario["d2"].pk}) == 6 + 4  # S1, S2


def test_the_start_date_keeps_rows_from_that_day(scenario):
    assert rows({"date_from": "01/10/2023"}) == 6  # S3 only


def test_the_end_date_keeps_rows_up_to_that_day(scenario):
    assert rows({"date_to": "20/09/2023"}) == 2 + 6 + 4  # S2 on its last day


def test_a_year_and_quarter_keep_that_quarter(scenario):
    assert rows({"year": "2023", "quarter": "3"}) == 12
    assert rows({"year": "2023", "quarter": "4"}) == 6
    assert rows({"year": "2024"}) == 0


def test_the_kind_keeps_rows_under_a_unit_of_that_kind(scenario):
    assert rows({"kind": "dang_bo_co_so"}) == 18  # every cell sits under a grassroots committee
    assert rows({"kind": "chi_bo_co_so"}) == 0


def test_the_sector_keeps_rows_under_a_unit_of_that_sector(tree, scenario):
    Organisation.objects.filter(pk=tree["commune_b"].pk).update(sector=Sector.COMMUNE)
    assert rows({"sector": Sector.COMMUNE}) == 1  # Giang at S2


def test_the_same_filters_apply_to_written_report_rows_by_their_study_date(scenario):
    # Owed from Q3 studies: An, Cường (S0), Bình, Dung, Em, Khanh (S1); Hoa's from S3 in Q4.
    assert rows({"year": "2023", "quarter": "3"}, family="write") == 6
    assert rows({"year": "2023", "quarter": "4"}, family="write") == 1
    assert rows({"document": scenario["d2"].pk}, family="write") == 0


def test_an_inverted_period_is_refused_on_the_end_date_field(scenario):
    filterset = ReportFilterSet({"date_from": "31/12/2023", "date_to": "01/07/2023"})
    assert not filterset.form.is_valid()
    assert filterset.form.errors["date_to"] == [
        "Đến ngày (01/07/2023) không được trước Từ ngày (31/12/2023)."
    ]


@pytest.mark.parametrize("page", ["unit", "matrix", "print", "export_csv"])
def test_an_inverted_period_never_breaks_a_page(client, superuser, tree, scenario, page):
    client.force_login(superuser)
    url = reverse(f"reports_app:{page}", kwargs={"pk": tree["province"].pk})
    response = client.get(url, {"date_from": "31/12/2023", "date_to": "01/07/2023"})
    assert response.status_code == 200


def test_the_definitions_page_states_every_figure_and_rule(client, superuser, tree):
    from reports_app.figures import FIGURES, RULES

    client.force_login(superuser)
    report = client.get(reverse("reports_app:unit", kwargs={"pk": tree["province"].pk}))
    url = reverse("reports_app:definitions")
    assert f'href="{url}"' in report.content.decode()
    html = client.get(url).content.decode()
    assert "Cách tính số liệu" in html
    for figure in FIGURES:
        if figure.table or figure.export:
            assert figure.help in html, figure.key
    for rule in RULES:
        assert rule.replace("\u201c", "&ldquo;") in html or rule in html


def test_the_definitions_page_is_for_staff(client, tree):
    response = client.get(reverse("reports_app:definitions"))
    assert response.status_code == 302
