"""Every admin page renders, and its query count does not grow with the number of rows."""

import datetime
import itertools
import json

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sessions_app.choices import AttendanceStatus
from sessions_app.models import (
    ActionProgramme,
    Attendance,
    Document,
    Inspection,
    Member,
    Organisation,
    RemediationItem,
    ReportedFact,
    SessionSite,
    SourceArticle,
    StaffProfile,
    StudySession,
    WrittenReport,
)
from tests import builders

MODELS = [
    Organisation,
    StaffProfile,
    SourceArticle,
    Document,
    Member,
    StudySession,
    Attendance,
    WrittenReport,
    ActionProgramme,
    Inspection,
    RemediationItem,
    ReportedFact,
]

_batch = itertools.count()


def add_rows(tree, count):
    """`count` more rows of every model, each tied to the others like real data."""
    b = next(_batch)
    day = datetime.date(2023, 9, 1)
    commune = tree["commune_a"]
    units = [builders.unit(commune, f"Chi bộ {b}-{i}", code=f"C{b}-{i}") for i in range(count)]
    members = [
        builders.member(units[i], f"Đảng viên {b}-{i}", code=f"M{b}-{i}") for i in range(count)
    ]
    article = SourceArticle.objects.create(code=f"B{b}", file_name="x.txt", title="Bài", text="…")
    for i in range(count - 1):
        SourceArticle.objects.create(code=f"B{b}-{i}", file_name="x.txt", title="Bài", text="…")
    docs = [builders.document(f"{b * 100 + i + 1}-NQ/TW", source=article) for i in range(count)]
    sessions = [
        builders.session(commune, [units[i]], [docs[i], docs[0]], held_on=day, title=f"HN {b}-{i}")
        for i in range(count)
    ]
    for i, session in enumerate(sessions):
        SessionSite.objects.create(session=session, name="Hội trường", unit=units[i], attended=5)
        Attendance.objects.create(session=session, member=members[i], status=AttendanceStatus.LATE)
    for i in range(count):
        WrittenReport.objects.create(member=members[i], document=docs[0], session=sessions[i])
        ActionProgramme.objects.create(unit=units[i], document=docs[0], issued_on=day)
        inspection = Inspection.objects.create(
            inspecting_unit=commune, inspected_unit=units[i], started_on=day
        )
        inspection.documents.set([docs[0]])
        RemediationItem.objects.create(
            inspection=inspection, description="Bổ sung kế hoạch", due_on=day
        )
        ReportedFact.objects.create(unit=units[i], label="Số đảng viên", value=10, source=article)
        user = get_user_model().objects.create_user(username=f"u{b}-{i}", is_staff=True)
        StaffProfile.objects.create(user=user, unit=units[i])


def _url(model, view, *args):
    return reverse(f"admin:sessions_app_{model._meta.model_name}_{view}", args=args)


def _count_queries(client, url):
    client.get(url)  # warm the per-process caches (content types, site) first
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_changelist_costs_the_same_queries_for_3_and_30_rows(admin_client, tree, model):
    add_rows(tree, 3)
    few = _count_queries(admin_client, _url(model, "changelist"))
    add_rows(tree, 27)
    assert model.objects.count() >= 30
    many = _count_queries(admin_client, _url(model, "changelist"))
    assert few == many
    assert many <= 12


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_add_page_renders(admin_client, tree, model):
    add_rows(tree, 3)
    few = _count_queries(admin_client, _url(model, "add"))
    add_rows(tree, 27)
    assert _count_queries(admin_client, _url(model, "add")) == few


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_change_page_costs_the_same_queries_for_3_and_30_rows(admin_client, tree, model):
    add_rows(tree, 3)
    obj = model.objects.order_by("pk").last()
    few = _count_queries(admin_client, _url(model, "change", obj.pk))
    add_rows(tree, 27)
    obj = model.objects.order_by("pk").last()
    assert _count_queries(admin_client, _url(model, "change", obj.pk)) == few


@pytest.mark.parametrize("search", ["", "?q=chi+bo"])
def test_organisation_changelist_shows_parent_and_depth(admin_client, tree, search):
    response = admin_client.get(_url(Organisation, "changelist") + search)
    content = response.content.decode()
    assert "Đảng bộ xã Dân Lực" in content
    assert "Chi bộ thôn 1" in content


def test_admin_index_links_to_the_compliance_report(admin_client):
    response = admin_client.get(reverse("admin:index"))
    assert "Báo cáo tuân thủ" in response.content.decode()
    assert reverse("reports_app:index") in response.content.decode()


def test_session_changelist_shows_attendance_tallies(admin_client, tree, roster):
    doc = builders.document()
    session = builders.session(tree["cell_a1"], [tree["cell_a1"]], [doc])
    Attendance.objects.create(session=session, member=roster["an"], status=AttendanceStatus.LATE)
    Attendance.objects.create(
        session=session, member=roster["binh"], status=AttendanceStatus.ABSENT_UNEXCUSED
    )
    response = admin_client.get(_url(StudySession, "changelist"))
    row = response.context["cl"].result_list[0]
    assert (row.n_recorded, row.n_attended, row.n_late, row.n_absent) == (2, 1, 1, 1)


def test_adding_a_unit_places_it_under_its_parent(admin_client, tree):
    response = admin_client.post(
        _url(Organisation, "add"),
        {
            "parent": tree["commune_a"].pk,
            "code": "CBA3",
            "name": "Chi bộ thôn 3",
            "kind": "chi_bo",
            "sector": "xa_phuong",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    unit = Organisation.objects.get(code="CBA3")
    assert Organisation.objects.get_parent(unit) == tree["commune_a"]


def test_changing_the_parent_moves_the_unit_with_its_subtree(admin_client, tree, roster):
    commune = tree["commune_a"]
    response = admin_client.post(
        _url(Organisation, "change", commune.pk),
        {
            "parent": tree["district_b"].pk,
            "code": commune.code,
            "name": commune.name,
            "kind": commune.kind,
            "sector": commune.sector,
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    commune.refresh_from_db()
    assert Organisation.objects.get_parent(commune) == tree["district_b"]
    assert Member.objects.under(tree["district_b"].path).filter(code="A001").exists()


def test_adding_a_member_opens_their_placement(admin_client, tree):
    response = admin_client.post(
        _url(Member, "add"),
        {
            "code": "A100",
            "full_name": "Đỗ Văn Mới",
            "unit": tree["cell_a1"].pk,
            "joined_on": "05/03/2020",
            "status": "dang_sinh_hoat",
            "committee_role": "",
            "exemptions-TOTAL_FORMS": "0",
            "exemptions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    member = Member.objects.get(code="A100")
    assert member.joined_on == datetime.date(2020, 3, 5)
    assert list(member.placements.values_list("unit", "started_on")) == [
        (tree["cell_a1"].pk, datetime.date(2020, 3, 5))
    ]


def test_outsider_cannot_open_a_member_of_another_district(client, charlie, alice, roster):
    client.force_login(charlie)
    listing = client.get(_url(Member, "changelist"))
    assert listing.status_code == 200
    shown = {m.code for m in listing.context["cl"].result_list}
    assert shown == {"B001"}
    response = client.get(_url(Member, "change", roster["an"].pk))
    assert response.status_code in {403, 404}


def test_staff_of_the_unit_can_open_its_member(client, alice, roster):
    client.force_login(alice)
    listing = client.get(_url(Member, "changelist"))
    assert {m.code for m in listing.context["cl"].result_list} == {"A001", "A002", "A003"}
    assert client.get(_url(Member, "change", roster["an"].pk)).status_code == 200


def test_outsider_autocomplete_offers_only_their_own_units(client, charlie, tree):
    client.force_login(charlie)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "sessions_app", "model_name": "member", "field_name": "unit", "term": "chi"},
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Chi bộ khu 1"]


def test_manager_reads_but_cannot_change(client, bob, roster):
    client.force_login(bob)
    assert client.get(_url(Member, "changelist")).status_code == 200
    assert client.get(_url(Member, "add")).status_code == 403
    response = client.post(_url(Member, "change", roster["an"].pk), {"full_name": "Khác"})
    assert response.status_code == 403
    roster["an"].refresh_from_db()
    assert roster["an"].full_name == "Nguyễn Văn An"


def test_the_browser_finds_a_favicon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")


def test_the_admin_scripts_speak_vietnamese_where_django_has_no_translation(admin_client):
    catalog = admin_client.get("/admin/jsi18n/").content.decode()
    for text in ["Lưu ý: nhập giờ theo múi giờ", "Thứ Hai"]:
        assert json.dumps(text)[1:-1] in catalog  # the catalog is JSON with \u escapes


def test_a_session_page_costs_the_same_queries_for_3_and_30_sites(admin_client, tree):
    from sessions_app.models import SessionSite, StudySession

    session = StudySession.objects.create(
        title="Hội nghị trực tuyến", organiser=tree["district_a"], held_on=datetime.date(2024, 3, 1)
    )
    url = reverse("admin:sessions_app_studysession_change", args=[session.pk])
    admin_client.get(url)  # warm the per-process caches (content types) first

    def queries_with_sites(count):
        while session.sites.count() < count:
            n = session.sites.count()
            SessionSite.objects.create(
                session=session, name=f"Điểm cầu {n}", unit=tree["cell_a1"], attended=10
            )
        with CaptureQueriesContext(connection) as context:
            page = admin_client.get(url)
        assert page.content.decode().count("Chi bộ thôn 1") >= count
        return len(context.captured_queries)

    assert queries_with_sites(3) == queries_with_sites(30)
