"""Every figure of the report links to the admin list of the records behind it.

Each link opens (no ?e=1 for a lookup the admin refuses), the list keeps the user's scope,
and for the main figures the list holds exactly as many rows as the figure says.
"""

import html
import re

import pytest
from django.urls import reverse

from tests import builders
from tests.report_fixtures import study_log  # noqa: F401 (fixture)

# Figure → the link of the same name (reports_app.links.figure_links) and its rows.
MAIN_FIGURES = [
    "sessions",
    "required",
    "attended",
    "late",
    "excused",
    "unexcused",
    "submitted",
    "passed",
    "sent_back",
    "programmes",
    "inspections",
    "open_items",
    "overdue",
]
QUERIES = {
    "no filter": {},
    "document": {"document": "doc"},
    "period": {"date_from": "2023-08-01", "date_to": "2023-09-30"},
    "document and period": {"document": "doc", "date_from": "2023-07-01", "date_to": "2023-12-31"},
}


def report_url(unit, query: dict, doc) -> str:
    params = {key: (doc.pk if value == "doc" else value) for key, value in query.items()}
    url = reverse("reports_app:unit", kwargs={"pk": unit.pk})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def admin_hrefs(page: str) -> set[str]:
    """The links of a page into the admin's record lists."""
    hrefs = {html.unescape(href) for href in re.findall(r'href="(/admin/[^"]*)"', page)}
    return {href for href in hrefs if "/sessions_app/" in href}


def result_count(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["cl"].result_count


def open_report(client, unit, query, doc):
    response = client.get(report_url(unit, query, doc))
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("query", QUERIES.values(), ids=QUERIES.keys())
@pytest.mark.parametrize("persona, root", [("bob", "district_a"), ("superuser", "province")])
def test_every_figure_link_opens_its_admin_list(
    client, request, tree, study_log, persona, root, query
):
    client.force_login(request.getfixturevalue(persona))
    page = open_report(client, tree[root], query, study_log["doc"]).content.decode()
    hrefs = admin_hrefs(page)
    assert len(hrefs) > 10
    for href in hrefs:
        response = client.get(href)
        assert response.status_code == 200, href
        assert "Đang lọc theo báo cáo tuân thủ" in response.content.decode(), href


@pytest.mark.parametrize("query", QUERIES.values(), ids=QUERIES.keys())
@pytest.mark.parametrize("persona, root", [("bob", "district_a"), ("superuser", "province")])
def test_each_main_figure_lists_as_many_records_as_it_counts(
    client, request, tree, study_log, persona, root, query
):
    client.force_login(request.getfixturevalue(persona))
    report = open_report(client, tree[root], query, study_log["doc"]).context["report"]
    checked = 0
    for row in [report.total, *report.rows]:
        for name in MAIN_FIGURES:
            figure = getattr(row.figures, name)
            assert result_count(client, row.links[name]) == figure, (row.unit.name, name)
            checked += figure
    assert checked > 0


def test_the_figures_checked_are_the_hand_counted_ones(client, bob, tree, study_log):
    """Guards the test above against agreeing on zeros: the commune's figures by hand."""
    client.force_login(bob)
    report = open_report(client, tree["district_a"], {"document": "doc"}, study_log["doc"])
    commune = next(r for r in report.context["report"].rows if r.unit == tree["commune_a"])
    links, counts = commune.links, {}
    for name in MAIN_FIGURES:
        counts[name] = result_count(client, links[name])
    assert counts == {
        "sessions": 1,  # the make-up session counts on the one it makes up
        "required": 5,  # Hoa is exempted
        "attended": 3,
        "late": 1,
        "excused": 1,
        "unexcused": 1,
        "submitted": 3,
        "passed": 1,
        "sent_back": 1,
        "programmes": 1,
        "inspections": 1,
        "open_items": 1,
        "overdue": 1,
    }


def test_a_link_to_another_districts_records_shows_none_of_them(
    client, bob, superuser, tree, study_log
):
    outside = tree["district_b"].path
    url = f"{reverse('admin:sessions_app_studysession_changelist')}?unit_path={outside}&hoc_bu=0"
    client.force_login(superuser)
    assert result_count(client, url) == 1  # the counts-only conference of Móng Cái

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


def test_the_required_members_list_costs_the_same_queries_for_more_members(
    client, bob, tree, study_log, django_assert_max_num_queries
):
    client.force_login(bob)
    report = open_report(client, tree["district_a"], {"document": "doc"}, study_log["doc"])
    url = report.context["report"].total.links["required"]
    with django_assert_max_num_queries(20) as small:
        assert result_count(client, url) == 5
    for n in range(40):
        builders.member(
            tree["cell_a1"], f"Đảng viên {n}", study_log["doc"].issued_on, code=f"N{n:03}"
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
    from reports_app.links import figure_links
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
    links = figure_links(tree["cell_b1"].path, ReportFilters(), datetime.date(2025, 1, 1))
    assert result_count(admin_client, links["attended"]) == 3

    services.exemption_grant(member=members[3], started_on=datetime.date(2024, 1, 1))

    report = build_report(tree["cell_b1"], ReportFilters(), datetime.date(2025, 1, 1))
    assert report.total.figures.attended == 2
    assert result_count(admin_client, links["attended"]) == 2
    assert result_count(admin_client, links["excused"]) == 1
