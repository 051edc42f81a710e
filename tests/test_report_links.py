"""Every figure of the report links to the list of the rows it counts.

Each link opens inside the user's scope, and the list holds exactly as many rows as the
figure says (or, for a sum of reported counts, rows adding up to it).
"""

import html
import re

import pytest
from django.urls import reverse

from reports_app.figures import TABLE
from tests import builders
from tests.report_fixtures import study_log  # noqa: F401 (fixture)

QUERIES = {
    "no filter": {},
    "document": {"document": "doc"},
    "period": {"date_from": "01/08/2023", "date_to": "30/09/2023"},
    "document and period": {"document": "doc", "date_from": "01/07/2023", "date_to": "31/12/2023"},
}


def report_url(unit, query: dict, doc) -> str:
    params = {key: (doc.pk if value == "doc" else value) for key, value in query.items()}
    url = reverse("reports_app:unit", kwargs={"pk": unit.pk})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def result_count(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["count"]


def open_report(client, unit, query, doc):
    response = client.get(report_url(unit, query, doc))
    assert response.status_code == 200
    return response


def figure_links(report) -> list[tuple]:
    """(row, figure, url) of every linked cell of the report table."""
    return [
        (row, figure, html.unescape(cell.url))
        for row in report.all_rows
        for figure, cell in zip(TABLE, row.cells, strict=True)
        if cell.url
    ]


@pytest.mark.parametrize("query", QUERIES.values(), ids=QUERIES.keys())
@pytest.mark.parametrize("persona, root", [("bob", "district_a"), ("superuser", "province")])
def test_every_figure_link_lists_exactly_what_the_figure_counts(
    client, request, tree, study_log, persona, root, query
):
    client.force_login(request.getfixturevalue(persona))
    report = open_report(client, tree[root], query, study_log["doc"]).context["report"]
    links = figure_links(report)
    assert len(links) > 10
    checked = 0
    for row, figure, url in links:
        response = client.get(url)
        assert response.status_code == 200, url
        value = figure.of(row)
        assert response.context["total"] == value, (row.unit.code, figure.key)
        if figure.measure == "count":
            assert response.context["count"] == value, (row.unit.code, figure.key)
        checked += value
    assert checked > 0


def test_the_figures_checked_are_the_hand_counted_ones(client, bob, tree, study_log):
    """Guards the test above against agreeing on zeros: the commune's lists by hand."""
    client.force_login(bob)
    report = open_report(client, tree["district_a"], {"document": "doc"}, study_log["doc"])
    commune = next(r for r in report.context["report"].rows if r.unit == tree["commune_a"])
    counts = {
        figure.key: result_count(client, html.unescape(cell.url))
        for figure, cell in zip(TABLE, commune.cells, strict=True)
        if cell.url
    }
    assert counts == {
        "sessions": 1,  # the make-up session counts on the one it makes up
        "required": 5,  # Hoa is exempted
        "attended": 3,
        "late": 1,
        "excused": 1,
        "unexcused": 1,
        "made_up": 1,  # Cường, not the attended list
        "reported_expected": 0,
        "reported_attended": 0,
        "reports_required": 5,  # An, Bình, Cường, Dung, Em: one each on 114-QĐ/TW
        "submitted": 3,
        "passed": 1,
        "sent_back": 1,
        "suspected_copies": 0,  # no report text was handed in to compare
        "leaders_with_plan": 1,
        "programmes": 1,
        "inspections": 1,
        "open_items": 1,
    }


def test_a_figure_of_a_unit_outside_the_users_subtree_does_not_exist_for_them(
    client, bob, tree, study_log
):
    url = reverse("reports_app:figure", kwargs={"pk": tree["district_b"].pk, "key": "required"})
    client.force_login(bob)
    assert client.get(url).status_code == 404


def test_a_figure_without_a_list_is_not_found(client, bob, tree, study_log):
    client.force_login(bob)
    url = reverse("reports_app:figure", kwargs={"pk": tree["district_a"].pk, "key": "verdict"})
    assert client.get(url).status_code == 404


def test_a_link_to_another_districts_records_shows_none_of_them(
    client, bob, superuser, tree, study_log
):
    outside = tree["district_b"].path
    url = f"{reverse('admin:sessions_app_studysession_changelist')}?unit_path={outside}&hoc_bu=0"
    client.force_login(superuser)
    assert client.get(url).context["cl"].result_count == 1  # Móng Cái's conference

    client.force_login(bob)
    response = client.get(url)
    assert response.context["cl"].result_count == 0
    assert "không thuộc phạm vi của bạn" in response.content.decode()


def test_the_filtered_list_says_what_it_is_filtered_by(client, bob, tree, study_log):
    client.force_login(bob)
    url = reverse("admin:sessions_app_attendance_changelist")
    before = client.get(url).content.decode()
    assert "Đang lọc theo báo cáo tuân thủ" not in before

    after = client.get(f"{url}?unit_path={tree['cell_a2'].path}").content.decode()
    assert "Đang lọc theo báo cáo tuân thủ: Chi bộ thôn 2 và các đơn vị trực thuộc." in after
    assert f'href="{url}">Bỏ lọc</a>' in after


def test_the_required_list_costs_the_same_queries_for_more_members(
    client, bob, tree, study_log, django_assert_max_num_queries
):
    client.force_login(bob)
    url = reverse("reports_app:figure", kwargs={"pk": tree["district_a"].pk, "key": "required"})
    url += f"?document={study_log['doc'].pk}"
    # 14: the list itself, plus the role's permissions that access asks once a request.
    with django_assert_max_num_queries(14) as small:
        assert result_count(client, url) == 5
    late = [builders.member(tree["cell_a1"], f"Đảng viên {n}", code=f"N{n:03}") for n in range(40)]
    from sessions_app import services

    services.attendance_record_roster(
        session=study_log["session"], statuses={m.pk: "co_mat" for m in late}
    )
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert result_count(client, url) == 45


# --- the report from the admin ----------------------------------------------------------


@pytest.mark.parametrize("persona", ["bob", "superuser"])
def test_a_units_admin_page_links_to_its_report(client, request, tree, persona):
    client.force_login(request.getfixturevalue(persona))
    unit = tree["commune_a"]
    page = client.get(reverse("admin:sessions_app_organisation_change", args=[unit.pk]))
    assert page.status_code == 200
    report = reverse("reports_app:unit", kwargs={"pk": unit.pk})
    assert re.search(
        rf'<a href="{re.escape(report)}"[^>]*>Xem báo cáo tuân thủ</a>', page.content.decode()
    )


def test_a_new_unit_form_has_no_report_link_yet(admin_client, tree):
    page = admin_client.get(reverse("admin:sessions_app_organisation_add")).content.decode()
    assert "Xem báo cáo tuân thủ" not in page


def test_the_admin_home_links_to_the_reports(client, bob):
    client.force_login(bob)
    page = client.get(reverse("admin:index")).content.decode()
    assert f'<a href="{reverse("reports_app:index")}">Báo cáo tuân thủ</a>' in page


# --- the reports under the Content-Security-Policy ----------------------------------------


def _nonce(response) -> str | None:
    sources = re.findall(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    return sources[0] if sources else None


@pytest.mark.parametrize("page", ["unit", "matrix", "print", "checks"])
def test_report_pages_carry_no_inline_script_or_style_the_policy_would_block(
    client, bob, tree, study_log, page
):
    client.force_login(bob)
    url = reverse(f"reports_app:{page}", kwargs={"pk": tree["district_a"].pk})
    response = client.get(f"{url}?document={study_log['doc'].pk}")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy
    html_text, nonce = response.content.decode(), _nonce(response)
    for tag in re.findall(r"<(?:script|style)\b[^>]*>", html_text):
        runs_inline = "src=" not in tag and 'type="application/json"' not in tag
        assert not runs_inline or (nonce and f'nonce="{nonce}"' in tag), tag
    assert not re.search(r"<[^>]+\sstyle=", html_text)
    assert not re.search(r"<[^>]+\son[a-z]+=", html_text)  # onclick= and the like


def test_the_attended_list_leaves_out_a_member_exempted_after_the_roll_call(admin_client, tree):
    """Four members, three present and one excused; one present member is then exempted."""
    import datetime

    from reports_app.compliance import build_report
    from reports_app.selectors import ReportFilters
    from sessions_app import services
    from sessions_app.choices import AttendanceStatus as S

    doc = builders.document("01-KL/TW", datetime.date(2024, 1, 10))
    session = builders.session(
        tree["district_b"], [tree["cell_b1"]], [doc], held_on=datetime.date(2024, 3, 5)
    )
    members = [builders.member(tree["cell_b1"], f"Đảng viên {i}") for i in range(4)]
    statuses = [S.PRESENT, S.PRESENT, S.ABSENT_EXCUSED, S.PRESENT]
    services.attendance_record_roster(
        session=session, statuses={m.pk: s for m, s in zip(members, statuses, strict=True)}
    )

    def listed(key):
        kwargs = {"pk": tree["cell_b1"].pk, "key": key}
        return result_count(admin_client, reverse("reports_app:figure", kwargs=kwargs))

    assert listed("attended") == 3

    services.exemption_grant(member=members[3], started_on=datetime.date(2024, 1, 1))

    report = build_report(tree["cell_b1"], ReportFilters(), datetime.date(2025, 1, 1))
    assert report.total.figures.attended == 2
    assert listed("attended") == 2
    assert listed("excused") == 1
