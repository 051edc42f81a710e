"""The report page from the outside: access, drill-down, Vietnamese formats, figure links,
and a query count that does not grow with the number of units."""

import datetime
import re

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sessions_app.choices import UnitKind
from sessions_app.models import Member, MemberPlacement, Organisation
from sessions_app.obligations import obligations_refresh
from tests import builders
from tests.report_fixtures import study_log  # noqa: F401 (fixture)


def unit_url(unit, **query):
    url = reverse("reports_app:unit", kwargs={"pk": unit.pk})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_the_report_home_opens_the_managers_own_unit(client, bob, tree):
    client.force_login(bob)
    response = client.get("/bao-cao/")
    assert response.status_code == 302
    assert response.url == unit_url(tree["district_a"])


def test_a_superuser_starts_at_the_root(admin_client, tree):
    response = admin_client.get("/bao-cao/")
    assert response.url == unit_url(tree["province"])


def test_anonymous_visitors_are_sent_to_log_in(client, tree):
    response = client.get(unit_url(tree["district_a"]))
    assert response.status_code == 302
    assert "/admin/login/" in response.url


@pytest.mark.parametrize("persona", ["alice", "charlie"])
def test_a_unit_outside_the_users_subtree_does_not_exist_for_them(client, request, tree, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(unit_url(tree["district_a"])).status_code == 404


def test_bob_sees_his_district_with_each_figure_and_verdict(client, bob, tree, study_log):
    client.force_login(bob)
    response = client.get(unit_url(tree["district_a"], document=study_log["doc"].pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Đảng bộ xã Dân Lực" in html
    assert "80%" in html
    assert "Chưa đạt" in html
    assert "Tỷ lệ tham gia 80% (theo điểm danh), thấp hơn chỉ tiêu 95%" in html
    assert "01/08/2023" in html
    assert f'href="{unit_url(tree["commune_a"], document=study_log["doc"].pk)}"' in html


def test_figures_link_to_the_rows_they_count(client, bob, tree, study_log):
    client.force_login(bob)
    html = client.get(unit_url(tree["district_a"], document=study_log["doc"].pk)).content.decode()
    doc = study_log["doc"].pk
    commune = tree["commune_a"].pk
    assert f'href="/bao-cao/don-vi/{commune}/so-lieu/unexcused/?document={doc}"' in html
    assert f'href="/bao-cao/don-vi/{commune}/so-lieu/passed/?document={doc}"' in html
    assert f'href="{reverse("reports_app:definitions")}"' in html


def test_breadcrumbs_stop_at_the_users_own_unit(client, bob, tree, study_log):
    client.force_login(bob)
    html = client.get(unit_url(tree["cell_a1"])).content.decode()
    assert f'href="{unit_url(tree["district_a"])}"' in html
    assert f'href="{unit_url(tree["commune_a"])}"' in html
    assert unit_url(tree["province"]) + '"' not in html


def test_reported_counts_are_shown_in_vietnamese_format_and_marked(admin_client, tree, study_log):
    html = admin_client.get(unit_url(tree["province"])).content.decode()
    assert "99,8%" in html
    assert "1.000" in html
    assert "số liệu báo cáo" in html
    # Charts are drawn on the server: the page runs no script of its own (the admin frame's
    # theme switch is an external file).
    assert 'class="hchart"' in html
    assert not re.search(r"<script(?![^>]*\ssrc=)", html)


def test_filters_come_from_the_url(client, bob, tree, study_log):
    client.force_login(bob)
    html = client.get(unit_url(tree["district_a"], year=2024)).content.decode()
    assert "Chưa tổ chức học tập, quán triệt" in html


def grow_district(district, count):
    """Add grassroots units, each with one member, in three bulk inserts."""
    district.refresh_from_db()
    start = district.numchild
    units = [
        Organisation(
            code=f"{district.code}-{start + i:05d}",
            name=f"Đảng bộ cơ sở số {start + i}",
            kind=UnitKind.GRASSROOTS_COMMITTEE,
            depth=district.depth + 1,
            numchild=0,
            path=Organisation._get_path(district.path, district.depth + 1, start + i + 1),
        )
        for i in range(count)
    ]
    units = Organisation.objects.bulk_create(units, batch_size=500)
    Organisation.objects.filter(pk=district.pk).update(numchild=F("numchild") + count)
    units = list(Organisation.objects.filter(code__in=[u.code for u in units]))
    joined = datetime.date(2015, 1, 1)
    members = Member.objects.bulk_create(
        [
            Member(code=f"M-{u.code}", full_name="Đảng viên", unit=u, joined_on=joined)
            for u in units
        ],
        batch_size=500,
    )
    members = Member.objects.filter(code__in=[m.code for m in members])
    MemberPlacement.objects.bulk_create(
        [MemberPlacement(member=m, unit_id=m.unit_id, started_on=joined) for m in members],
        batch_size=500,
    )
    # Bulk writes skip the services: refresh the obligations as an import does.
    obligations_refresh(member_ids=[m.pk for m in members])


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_the_report_costs_the_same_queries_for_10_and_1000_units(client, bob, tree):
    doc = builders.document()
    builders.session(tree["district_a"], [tree["district_a"]], [doc])
    client.force_login(bob)
    grow_district(tree["district_a"], 10)
    url = unit_url(tree["district_a"])
    small = count_queries(client, url)
    grow_district(tree["district_a"], 990)
    large = count_queries(client, url)
    assert small == large
    # The aggregates plus the session, user and profile lookups and the role's permissions.
    assert large <= 26
    html = client.get(url).content.decode()
    assert (
        html.count('<th scope="row" class="unit">') == 1 + 1 + 1000
    )  # the district, Xã A1, new units
    assert ">1.000</a>" in html  # every member of the district was required at its session
