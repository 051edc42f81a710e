"""An inspection belongs to the committee that inspected; the inspected unit reads it and
closes its remediation items, but cannot rewrite the conclusion."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sessions_app.access import allowed
from sessions_app.models import Inspection, RemediationItem
from tests.admin_forms import page_form_data


@pytest.fixture
def district_inspection(tree):
    """Huyện A inspects Chi bộ thôn 1 (Alice's cell) and asks for one remediation."""
    inspection = Inspection.objects.create(
        inspecting_unit=tree["district_a"],
        inspected_unit=tree["cell_a1"],
        started_on=datetime.date(2024, 3, 1),
        conclusion="Chi bộ chưa xây dựng kế hoạch hành động",
    )
    RemediationItem.objects.create(
        inspection=inspection, description="Xây dựng kế hoạch", due_on=datetime.date(2024, 6, 30)
    )
    return inspection


def _change(model, obj):
    return reverse(f"admin:sessions_app_{model._meta.model_name}_change", args=[obj.pk])


def test_the_inspected_cell_reads_its_inspection_but_cannot_rewrite_it(
    client, alice, diana, district_inspection
):
    assert not allowed(alice, "change", type(district_inspection), district_inspection)
    assert allowed(diana, "change", type(district_inspection), district_inspection)
    client.force_login(alice)
    page = client.get(_change(Inspection, district_inspection))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()

    posted = client.post(_change(Inspection, district_inspection), {"conclusion": "Đạt"})

    assert posted.status_code == 403
    district_inspection.refresh_from_db()
    assert district_inspection.conclusion == "Chi bộ chưa xây dựng kế hoạch hành động"


def test_the_inspecting_district_changes_its_conclusion(client, diana, district_inspection):
    client.force_login(diana)
    url = _change(Inspection, district_inspection)
    data = page_form_data(client.get(url))
    response = client.post(url, {**data, "conclusion": "Đã khắc phục một phần"})
    assert response.status_code == 302
    district_inspection.refresh_from_db()
    assert district_inspection.conclusion == "Đã khắc phục một phần"


def _close(item):
    return reverse("admin:sessions_app_remediationitem_close", args=[item.pk])


def test_the_inspected_cell_reports_its_remediation_item_done(client, alice, district_inspection):
    item = district_inspection.remediations.get()
    assert item.resolved_on is None
    client.force_login(alice)
    page = client.get(_change(RemediationItem, item)).content.decode()
    assert _close(item) in page and 'name="_save"' not in page

    response = client.post(
        _close(item),
        {"resolved_on": "15/05/2024", "resolution": "Đã ban hành kế hoạch số 05-KH/CB"},
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.resolved_on == datetime.date(2024, 5, 15)


def test_the_inspected_cell_cannot_move_its_own_deadline(client, alice, district_inspection):
    item = district_inspection.remediations.get()
    client.force_login(alice)
    assert client.post(_change(RemediationItem, item), {"due_on": "31/12/2030"}).status_code == 403
    item.refresh_from_db()
    assert item.due_on == datetime.date(2024, 6, 30)


def test_the_inspected_cell_cannot_add_items_to_its_own_inspection(
    client, alice, district_inspection
):
    client.force_login(alice)
    add = reverse("admin:sessions_app_remediationitem_add")
    response = client.post(
        add,
        {"inspection": district_inspection.pk, "description": "Tự thêm", "due_on": "31/12/2030"},
    )
    assert response.status_code == 200
    assert "inspection" in response.context["adminform"].form.errors
    assert district_inspection.remediations.count() == 1


def test_a_resolution_dated_before_the_inspection_is_refused_on_its_field(
    client, alice, district_inspection
):
    item = district_inspection.remediations.get()
    client.force_login(alice)

    response = client.post(_close(item), {"resolved_on": "15/01/2024", "resolution": "Đã làm"})

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["resolved_on"] == ["Ngày khắc phục xong không được trước ngày kiểm tra."]
    assert "Đã làm" in response.content.decode()
    item.refresh_from_db()
    assert item.resolved_on is None


def test_a_manager_cannot_report_an_item_done(client, bob, district_inspection):
    item = district_inspection.remediations.get()
    client.force_login(bob)
    response = client.post(_close(item), {"resolved_on": "15/05/2024", "resolution": "x"})
    assert response.status_code == 403


def test_the_inspection_autocomplete_costs_the_same_queries_for_2_and_12_inspections(
    admin_client, tree
):
    params = {
        "app_label": "sessions_app",
        "model_name": "remediationitem",
        "field_name": "inspection",
        "term": "",
    }

    def queries_for(count):
        while Inspection.objects.count() < count:
            Inspection.objects.create(
                inspecting_unit=tree["district_a"],
                inspected_unit=tree["cell_a1"],
                started_on=datetime.date(2024, 1, 1)
                + datetime.timedelta(days=Inspection.objects.count()),
            )
        with CaptureQueriesContext(connection) as context:
            response = admin_client.get(reverse("admin:autocomplete"), params)
        assert len(response.json()["results"]) == count
        return len(context.captured_queries)

    queries_for(2)  # warm up: the list paginator reads table sizes once per process
    assert queries_for(2) == queries_for(12)
