"""The permission matrix: every admin model × every persona × every action, through the door.

The expected answer is derived, not listed: the persona's Django permissions (its role
groups, asked with user.has_perm) and the record's place in the tree (which units own
the record for reading and for writing, declared below from the domain, independently of
the querysets the code filters with). The door is the admin: the list, the change page,
a POST of the change form, a POST of the revert page, the delete page, the import and
export pages.

Personas (conftest, plus two at province level): Alice enters data in cell A1, Bob
manages district A, Charlie enters data in cell B1 (the sibling branch), Diana
administers district A, Erik district B, Phương enters data and Quang administers at
the province. The same matrix runs again after a member moved from cell A1 to cell B1.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from reports_app.models import ComplianceTarget
from sessions_app import services
from sessions_app.choices import AttendanceStatus, StaffRole
from sessions_app.models import (
    ActionProgramme,
    Attendance,
    Document,
    DocumentOutline,
    Inspection,
    Member,
    Organisation,
    RemediationItem,
    ReportedFact,
    SourceArticle,
    StaffProfile,
    StudySession,
    WrittenReport,
)
from tests import builders
from tests.admin_forms import page_form_data
from tests.conftest import _staff

User = get_user_model()
SEPTEMBER = datetime.date(2023, 9, 1)
TRANSFER_DAY = datetime.date(2024, 1, 15)


@dataclass
class Sample:
    """A record and the units that own it: for reading, and for writing.

    None means shared: no place in the tree, permissions alone decide.
    """

    record: object
    readers: list | None
    writers: list | None


def _article():
    return SourceArticle.objects.get_or_create(
        code="T01", defaults={"file_name": "t01.txt", "title": "Bài thử", "text": "Nội dung"}
    )[0]


@pytest.fixture
def world(tree):
    """One record of every kind around cell A1, with An (cell A1) at a shared session.

    The session is organised by commune A1 for cells A1 and B1 (a shared class); An's
    attendance and written report belong to the organiser and to An's cell on the day.
    """
    t = tree
    document = builders.document("114-QĐ/TW", title="Quy định chung")
    an = builders.member(t["cell_a1"], "Nguyễn Văn An", code="A001")
    session = builders.session(
        t["commune_a"], [t["cell_a1"], t["cell_b1"]], [document], held_on=SEPTEMBER
    )
    attendance = services.attendance_record(
        session=session, member=an, status=AttendanceStatus.PRESENT
    )
    report = WrittenReport.objects.create(
        member=an, document=document, session=session, text="Bài thu hoạch"
    )
    inspection = Inspection.objects.create(
        inspecting_unit=t["district_a"],
        inspected_unit=t["cell_a1"],
        started_on=datetime.date(2024, 3, 1),
        conclusion="Kết luận",
    )
    login = get_user_model().objects.create_user(username="nhung_can_bo", password="x")
    services.staff_profile_save(user=login, unit=t["cell_a1"], role=StaffRole.DATA_ENTRY)
    cell = [t["cell_a1"]]
    owners = [t["commune_a"], t["cell_a1"]]  # the organiser, and An's cell on the day
    return {
        Organisation: Sample(t["cell_a1"], cell, [t["commune_a"]]),  # changed from above
        Member: Sample(an, cell, cell),
        StudySession: Sample(
            session, [t["commune_a"], t["cell_a1"], t["cell_b1"]], [t["commune_a"]]
        ),
        Attendance: Sample(attendance, owners, owners),
        WrittenReport: Sample(report, owners, owners),
        ActionProgramme: Sample(
            ActionProgramme.objects.create(
                unit=t["cell_a1"], document=document, issued_on=datetime.date(2023, 9, 20)
            ),
            cell,
            cell,
        ),
        Inspection: Sample(inspection, [t["district_a"], t["cell_a1"]], [t["district_a"]]),
        RemediationItem: Sample(
            RemediationItem.objects.create(
                inspection=inspection, description="Bổ sung biên bản", due_on=SEPTEMBER
            ),
            [t["district_a"], t["cell_a1"]],
            [t["district_a"]],
        ),
        ReportedFact: Sample(
            ReportedFact.objects.create(
                unit=t["cell_a1"], label="Số đảng viên", value=42, source=_article()
            ),
            cell,
            cell,
        ),
        User: Sample(login, cell, cell),
        Document: Sample(document, None, None),
        SourceArticle: Sample(_article(), None, None),
        ComplianceTarget: Sample(ComplianceTarget.objects.create(), None, None),
    }


@pytest.fixture
def personas(alice, bob, charlie, diana, erik, tree):
    return {
        "alice": alice,
        "bob": bob,
        "charlie": charlie,
        "diana": diana,
        "erik": erik,
        "phuong": _staff("phuong", tree["province"], StaffRole.DATA_ENTRY),
        "quang": _staff("quang", tree["province"], StaffRole.UNIT_ADMIN),
    }


# Pages of the superuser alone, outside the matrix (test_roles closes them to every role).
OUTSIDE = {"auth", "axes", "django_tasks_database"}
MATRIX_MODELS = [
    model
    for model in admin.site._registry
    if model._meta.app_label not in OUTSIDE or model is User
    if model is not StaffProfile
    # The outline has its own one-page form (no change form to walk); its permissions are
    # asked in tests/test_copy_detection.py and the page walk of tests/test_roles.py.
    if model is not DocumentOutline
]


def test_the_matrix_covers_every_model_of_the_admin(world):
    assert set(MATRIX_MODELS) == set(world), "give every admin model a Sample in world()"


# --- The oracle ------------------------------------------------------------------------


def _perm(user, model, verb, history=False) -> bool:
    opts = model.history.model._meta if history else model._meta
    return user.has_perm(f"{opts.app_label}.{verb}_{opts.model_name}")


def permitted(user, model, action) -> bool:
    """What the role groups allow, asked of Django's permissions directly."""
    if action == "view":
        return _perm(user, model, "view") or _perm(user, model, "change")
    if action == "history":
        return _perm(user, model, "view", True) or _perm(user, model, "change", True)
    if action == "revert":
        return _perm(user, model, "change") and _perm(user, model, "change", True)
    return _perm(user, model, action)


def in_subtree(user, units) -> bool:
    if units is None:
        return True
    own = user.staff_profile.unit.path
    return any(unit.path.startswith(own) for unit in units)


def expected(user, model, sample, action) -> bool:
    if action == "add":  # no record yet: the role decides; the saved record is checked after
        return permitted(user, model, action)
    if action == "export":  # the page opens; its rows are the list's (asked above)
        return permitted(user, model, "view")
    if action == "import":  # rows are checked one by one by the importer
        opens = getattr(admin.site._registry[model], "io_import", False)
        return opens and permitted(user, model, "add") and permitted(user, model, "change")
    units = sample.readers if action in {"view", "history"} else sample.writers
    return permitted(user, model, action) and in_subtree(user, units)


# --- The door ---------------------------------------------------------------------------


def _url(model, name, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{name}", args=args)


def _refused(response) -> bool:
    """403, 404, or the admin's redirect home for a record it does not show."""
    if response.status_code == 302:
        return response["Location"] == reverse("admin:index")
    return response.status_code in (403, 404)


def _why(response) -> str:
    """A form's errors, for the failure message of a POST that neither saved nor refused."""
    context = getattr(response, "context", None) or {}
    form = context.get("adminform")
    errors = [str(form.form.errors)] if form is not None else []
    for inline in context.get("inline_admin_formsets") or []:
        errors += [str(inline.formset.errors), str(inline.formset.non_form_errors())]
    return f"{response.status_code} {' '.join(errors)}"


def _saved(response) -> bool:
    return response.status_code == 302 and response["Location"] != reverse("admin:index")


def _page_data(client, url):
    page = client.get(url)
    return page, (page_form_data(page) if page.status_code == 200 else None)


def walk(client, superuser, model, sample, personas):
    """Ask every question of every persona about one record; return the mismatches."""
    record = sample.record
    change_url = _url(model, "change", record.pk)
    revert_url = None
    client.force_login(superuser)  # the forms as a full page holds them, for those refused
    fallback = {"change": page_form_data(client.get(change_url))}
    if hasattr(model, "history"):
        version = record.history.earliest()
        revert_url = _url(model, "simple_history", record.pk, version.history_id)
        fallback["revert"] = page_form_data(client.get(revert_url))

    wrong = []
    for name, user in personas.items():
        user = User.objects.get(pk=user.pk)  # a fresh permission cache
        answers = {}
        client.cookies.clear()  # a new browser: no message left by the previous persona's save
        client.force_login(user)

        listed = client.get(_url(model, "changelist"))
        answers["view (list)"] = listed.status_code == 200 and change_url in listed.content.decode()
        answers["add"] = client.get(_url(model, "add")).status_code == 200
        if getattr(admin.site._registry[model], "io_kind", ""):
            exported = client.get(_url(model, "export", "csv"))
            answers["export"] = exported.status_code == 200
            answers["import"] = client.get(_url(model, "import")).status_code == 200

        if revert_url is not None:
            history = client.get(_url(model, "history", record.pk))
            answers["history"] = history.status_code == 200
            _, revert_data = _page_data(client, revert_url)
            reverted = client.post(revert_url, revert_data or fallback["revert"])
            assert _saved(reverted) or _refused(reverted), (model, name, _why(reverted))
            answers["revert"] = _saved(reverted)

        # The change page after any revert: the form carries the version it shows.
        page, change_data = _page_data(client, change_url)
        answers["view (page)"] = page.status_code == 200
        changed = client.post(change_url, change_data or fallback["change"])
        assert _saved(changed) or _refused(changed), (model, name, _why(changed))
        answers["change"] = _saved(changed)

        deleting = client.get(_url(model, "delete", record.pk))
        answers["delete"] = deleting.status_code == 200
        if not answers["delete"]:
            refused = client.post(_url(model, "delete", record.pk), {"post": "yes"})
            assert _refused(refused), (model, name, refused.status_code)
            assert model._default_manager.filter(pk=record.pk).exists()

        for question, got in answers.items():
            action = question.split(" ")[0]
            want = expected(user, model, sample, action)
            if want != got:
                wrong.append(f"{model.__name__}/{name}/{question}: expected {want}, got {got}")
    return wrong


def _ids(models):
    return [m.__name__ for m in models]


@pytest.mark.parametrize("model", MATRIX_MODELS, ids=_ids(MATRIX_MODELS))
def test_every_persona_gets_what_its_role_and_the_records_place_allow(
    client, superuser, world, personas, model
):
    assert walk(client, superuser, model, world[model], personas) == []


MOVED = [Member, Attendance, WrittenReport]


@pytest.mark.parametrize("model", MOVED, ids=_ids(MOVED))
def test_after_a_transfer_between_branches_records_follow_their_owners_through_time(
    client, superuser, world, personas, tree, model
):
    an = world[Member].record
    services.member_transfer(member=an, to_unit=tree["cell_b1"], on=TRANSFER_DAY)
    # The member now belongs to cell B1 (cell A1 keeps reading the history it held); what
    # happened at the September session stays with the organiser and cell A1.
    world[Member] = Sample(an, [tree["cell_a1"], tree["cell_b1"]], [tree["cell_b1"]])
    assert walk(client, superuser, model, world[model], personas) == []
