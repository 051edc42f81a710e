"""Roles and unit scoping, tried from the outside through the admin's URLs.

The matrix walks every model registered in the admin: a model without a sample record
below fails loudly, so a newly registered admin cannot escape the matrix.
"""

import datetime
import json

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.http import Http404
from django.urls import reverse

from sessions_app import services
from sessions_app.access import get_for_user_or_404, has_permissions, unit_in_scope
from sessions_app.choices import StaffRole
from sessions_app.models import (
    ActionProgramme,
    Attendance,
    CopyFlag,
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
from sessions_app.roles import PROVINCE_GROUP, group_name
from tests import builders

User = get_user_model()


def _member(cell):
    return builders.member(cell, "Đỗ Thị Hồng Nhung", code="MX01")


def _document():
    return Document.objects.first() or builders.document("117-QĐ/TW", title="Trích yếu chung")


SAMPLES = {
    Organisation: lambda cell: cell,
    Member: _member,
    StudySession: lambda cell: builders.session(
        cell, [cell], [_document()], title="Hội nghị riêng của chi bộ"
    ),
    WrittenReport: lambda cell: _written_report(cell),
    Inspection: lambda cell: Inspection.objects.create(
        inspecting_unit=Organisation.objects.get_parent(cell),
        inspected_unit=cell,
        started_on=datetime.date(2024, 3, 1),
        conclusion="Kết luận riêng",
    ),
    User: lambda cell: _user_in(cell),
    Attendance: lambda cell: _attendance(cell),
    ActionProgramme: lambda cell: ActionProgramme.objects.create(
        unit=cell, document=_document(), symbol="12-CTr/ĐU", issued_on=datetime.date(2023, 9, 20)
    ),
    RemediationItem: lambda cell: RemediationItem.objects.create(
        inspection=SAMPLES[Inspection](cell),
        description="Bổ sung biên bản sinh hoạt chuyên đề",
        due_on=datetime.date(2024, 6, 30),
    ),
    ReportedFact: lambda cell: ReportedFact.objects.create(
        unit=cell, label="Số đảng viên viết bài thu hoạch", value=42, source=_article()
    ),
    SourceArticle: lambda cell: _article(),
    Document: lambda cell: _document(),
    DocumentOutline: lambda cell: services.document_outline_save(
        document=_document(), text="Đề cương chung của văn bản"
    ),
}
# Documents of the centre (and their text), the source articles are read by every unit.
SHARED = {Document, SourceArticle, DocumentOutline}


def _written_report(cell):
    """Handed in as a file, so its file, version and copy-flag pages have something to show."""
    from sessions_app.report_files import read_report_file
    from tests.report_files_data import upload

    return services.written_report_submit(
        report=WrittenReport(member=_member(cell), document=_document()),
        submitted_on=datetime.date(2023, 9, 10),
        upload=read_report_file(upload("bai-rieng.txt", "Bài riêng".encode())),
    )


def _copy_flag(report):
    return CopyFlag.objects.create(
        report=report,
        version=report.versions.get(),
        source="van_ban",
        score=0.9,
        jaccard=0.9,
        containment=0.9,
        jaccard_accented=0.9,
    )


def _article():
    return SourceArticle.objects.get_or_create(
        code="T01", defaults={"file_name": "t01.txt", "title": "Bài thử", "text": "Nội dung"}
    )[0]


def _attendance(cell):
    member = _member(cell)
    study = builders.session(cell, [cell], [_document()], title="Hội nghị có điểm danh")
    return Attendance.objects.create(session=study, member=member, note="Ghi chú riêng")


def _user_in(cell):
    user = User.objects.create_user(username="nhung_can_bo", password="x")
    services.staff_profile_save(user=user, unit=cell, role=StaffRole.DATA_ENTRY)
    return user


def _url(model, name, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{name}", args=args)


def _has_url(model, name):
    try:
        _url(model, name, 1, 1) if name == "simple_history" else _url(model, name, 1)
    except Exception:
        return False
    return True


# Groups, login records, task results, staff profiles (unit administrators set them on the
# user's page) and the report targets belong to the superuser alone.
SUPERUSER_ONLY = {
    m
    for m in admin.site._registry
    if m._meta.app_label in {"auth", "axes", "django_tasks_database", "reports_app"}
    and m is not User
} | {StaffProfile}
SCOPED_MODELS = [m for m in admin.site._registry if m not in SHARED | SUPERUSER_ONLY]


def _sample(model, tree):
    if model not in SAMPLES:
        pytest.fail(f"Add a sample record for {model.__name__} to SAMPLES in {__name__}.")
    return SAMPLES[model](tree["cell_a1"])


def _denied(response, secret: str):
    """Nothing of the record: 403, 404, or the admin's 'does not exist' redirect home."""
    assert response.status_code in (302, 403, 404), response.status_code
    if response.status_code == 302:
        assert response["Location"] == reverse("admin:index")
    assert secret not in response.content.decode()


# --- Groups and the profile service --------------------------------------------------------


def test_setup_roles_creates_one_group_per_role_with_its_permissions(db):
    assert not Group.objects.exists()
    call_command("setup_roles", stdout=open("/dev/null", "w"))  # noqa: SIM115
    groups = {g.name: g for g in Group.objects.all()}
    assert set(groups) == {group_name(r) for r in StaffRole} | {PROVINCE_GROUP}
    manager = set(
        groups[group_name(StaffRole.MANAGER)].permissions.values_list("codename", flat=True)
    )
    assert "view_member" in manager and "view_historicalmember" in manager
    assert not {c for c in manager if not c.startswith("view_")}
    entry = set(
        groups[group_name(StaffRole.DATA_ENTRY)].permissions.values_list("codename", flat=True)
    )
    assert {"add_member", "change_studysession", "delete_attendance"} <= entry
    assert "change_document" not in entry and "view_historicalmember" not in entry


def test_changing_a_profile_role_moves_the_user_to_that_group_only(alice):
    assert [g.name for g in alice.groups.all()] == [group_name(StaffRole.DATA_ENTRY)]
    services.staff_profile_save(user=alice, unit=alice.staff_profile.unit, role=StaffRole.MANAGER)
    assert [g.name for g in alice.groups.all()] == [group_name(StaffRole.MANAGER)]
    alice = User.objects.get(pk=alice.pk)
    assert alice.has_perm("sessions_app.view_member")
    assert not alice.has_perm("sessions_app.change_member")


def test_a_unit_admin_cannot_place_a_user_outside_their_subtree(diana, tree):
    newcomer = User.objects.create_user(username="moi", password="x")
    with pytest.raises(ValidationError):
        services.staff_profile_save(
            user=newcomer, unit=tree["cell_b1"], role=StaffRole.DATA_ENTRY, by=diana
        )
    services.staff_profile_save(
        user=newcomer, unit=tree["cell_a2"], role=StaffRole.DATA_ENTRY, by=diana
    )
    assert newcomer.staff_profile.unit == tree["cell_a2"]


def test_the_single_object_helper_gives_404_outside_the_subtree(alice, charlie, roster):
    an = roster["an"]
    assert get_for_user_or_404(Member, alice, an.pk, "view") == an
    with pytest.raises(Http404):
        get_for_user_or_404(Member, charlie, an.pk, "view")
    assert unit_in_scope(alice, an.unit) and not unit_in_scope(charlie, an.unit)


# --- The matrix: outsiders of unit A get nothing, insiders get the same pages -------------


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=lambda m: m.__name__)
def test_the_unit_admin_of_a_sees_the_record_on_every_admin_page(client, diana, tree, model):
    record = _sample(model, tree)
    client.force_login(diana)
    listed = client.get(_url(model, "changelist")).content.decode()
    assert _url(model, "change", record.pk) in listed
    assert client.get(_url(model, "change", record.pk)).status_code == 200
    if _has_url(model, "history"):
        assert client.get(_url(model, "history", record.pk)).status_code == 200


@pytest.mark.parametrize("outsider", ["charlie", "erik"])
@pytest.mark.parametrize("model", SCOPED_MODELS, ids=lambda m: m.__name__)
def test_staff_of_a_sibling_unit_get_nothing_of_the_record(
    client, request, diana, tree, model, outsider
):
    record = _sample(model, tree)
    secret = str(record)
    client.force_login(request.getfixturevalue(outsider))

    listed = client.get(_url(model, "changelist")).content.decode()
    assert secret not in listed and _url(model, "change", record.pk) not in listed
    _denied(client.get(_url(model, "change", record.pk)), secret)
    _denied(client.post(_url(model, "change", record.pk), {}), secret)
    _denied(client.get(_url(model, "delete", record.pk)), secret)
    _denied(client.post(_url(model, "delete", record.pk), {"post": "yes"}), secret)
    assert model._default_manager.filter(pk=record.pk).exists()
    if _has_url(model, "history"):
        _denied(client.get(_url(model, "history", record.pk)), secret)
    if hasattr(model, "history"):
        version = record.history.earliest()
        _denied(client.get(_url(model, "simple_history", record.pk, version.history_id)), secret)
        deleted_list = client.get(_url(model, "deleted"))
        assert secret not in deleted_list.content.decode()


AUTOCOMPLETES = [
    (source, field)
    for source, model_admin in admin.site._registry.items()
    if source not in SUPERUSER_ONLY
    for field in model_admin.autocomplete_fields
]


@pytest.mark.parametrize("source,field", AUTOCOMPLETES, ids=lambda v: getattr(v, "__name__", v))
def test_autocomplete_offers_only_the_users_subtree(client, alice, charlie, tree, source, field):
    target = source._meta.get_field(field).related_model
    record = _sample(target, tree)
    params = {
        "app_label": source._meta.app_label,
        "model_name": source._meta.model_name,
        "field_name": field,
        "term": "",
    }

    def found(user):
        client.force_login(user)
        response = client.get(reverse("admin:autocomplete"), params)
        assert response.status_code == 200
        return {r["id"] for r in json.loads(response.content)["results"]}

    assert str(record.pk) in found(alice)
    if target in SHARED:
        assert str(record.pk) in found(charlie)
    else:
        assert str(record.pk) not in found(charlie)


@pytest.mark.parametrize("model", sorted(SUPERUSER_ONLY, key=str), ids=lambda m: m.__name__)
def test_superuser_only_pages_are_closed_to_every_role(client, alice, bob, diana, model):
    for user in (alice, bob, diana):
        client.force_login(user)
        assert client.get(_url(model, "changelist")).status_code == 403


# --- Managers read and change nothing ------------------------------------------------------


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=lambda m: m.__name__)
def test_a_manager_reads_the_subtree_but_cannot_write(client, bob, tree, model):
    record = _sample(model, tree)
    client.force_login(bob)
    if model is not User:  # managers do not manage logins at all
        listed = client.get(_url(model, "changelist")).content.decode()
        assert _url(model, "change", record.pk) in listed
        page = client.get(_url(model, "change", record.pk))
        assert page.status_code == 200
        assert 'name="_save"' not in page.content.decode()
    assert client.get(_url(model, "add")).status_code == 403
    assert client.post(_url(model, "change", record.pk), {}).status_code == 403
    assert client.post(_url(model, "delete", record.pk), {"post": "yes"}).status_code == 403
    assert model._default_manager.filter(pk=record.pk).exists()


# --- Unit administrators manage the users of their subtree --------------------------------


def test_a_unit_admin_lists_only_users_of_their_subtree(client, diana, alice, bob, charlie):
    client.force_login(diana)
    page = client.get(reverse("admin:auth_user_changelist")).content.decode()
    assert "alice" in page and "bob" in page
    assert "charlie" not in page


def test_a_unit_admin_adds_a_user_to_a_unit_of_their_subtree_with_a_role(client, diana, tree):
    client.force_login(diana)
    form = client.get(reverse("admin:auth_user_add")).content.decode()
    assert tree["cell_a2"].name in form and tree["cell_b1"].name not in form
    response = client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "thanh",
            "password1": "Mat-khau-du-dai-2024",
            "password2": "Mat-khau-du-dai-2024",
            "usable_password": "true",
            "staff_profile-TOTAL_FORMS": "1",
            "staff_profile-INITIAL_FORMS": "0",
            "staff_profile-MIN_NUM_FORMS": "1",
            "staff_profile-MAX_NUM_FORMS": "1",
            "staff_profile-0-unit": tree["cell_a2"].pk,
            "staff_profile-0-role": StaffRole.MANAGER,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    thanh = User.objects.get(username="thanh")
    assert thanh.is_staff and thanh.staff_profile.unit == tree["cell_a2"]
    assert [g.name for g in thanh.groups.all()] == [group_name(StaffRole.MANAGER)]


def test_a_unit_admin_cannot_make_anyone_superuser(client, diana, alice):
    client.force_login(diana)
    page = client.get(reverse("admin:auth_user_change", args=[alice.pk])).content.decode()
    assert 'name="is_superuser"' not in page


# --- Import, export and the other pages each admin adds: discovered from its URLs ----------

# Pages the walk above covers already (Django's own and the history pages).
COVERED = {"changelist", "add", "change", "delete", "history", "simple_history", "deleted"}


def _extra_admin_urls():
    """(model, url name, its route's parameters) for every page an admin adds to Django's."""
    found = []
    for model, model_admin in admin.site._registry.items():
        if model in SUPERUSER_ONLY:
            continue
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        for pattern in model_admin.get_urls():
            name = pattern.name or ""
            if not name.startswith(prefix) or name.removeprefix(prefix) in COVERED:
                continue
            found.append((model, name, tuple(pattern.pattern.converters)))
    return found


EXTRA_ADMIN_URLS = _extra_admin_urls()


def _spreadsheet_text(response) -> str:
    """What a page or download says: XLSX cells read back, CSV and HTML decoded."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content.startswith(b"PK") and b"word/document.xml" in content:
        import io

        from docx import Document

        paper = Document(io.BytesIO(content))
        cells = [cell.text for table in paper.tables for row in table.rows for cell in row.cells]
        return "\n".join([p.text for p in paper.paragraphs] + cells)
    if content.startswith(b"PK"):
        import io

        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(
            " ".join(str(v) for v in row if v is not None)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
        )
    return content.decode("utf-8", errors="replace")


def _markers(record) -> set[str]:
    """Texts only this record (and what it belongs to) would put on a page or in a file."""
    texts = {str(record)}
    for owner in (record, getattr(record, "member", None)):
        for name in ("full_name", "code", "title", "description", "note", "name"):
            value = getattr(owner, name, "") if owner is not None else ""
            if isinstance(value, str) and len(value) >= 4:
                texts.add(value)
    return texts - _EXAMPLES


def _examples() -> set[str]:
    from imports_app.kinds import IMPORTERS

    return {str(c.example) for importer in IMPORTERS.values() for c in importer.columns}


# Import pages show an example row; a sample sharing its wording proves nothing either way.
_EXAMPLES = _examples()


def _extra_url(name, params, record, job_owner, file_format="csv"):
    from imports_app.models import ImportJob

    kwargs = {}
    for param in params:
        if param in {"object_id", "id"}:
            kwargs[param] = record.pk
        elif param == "file_format":
            kwargs[param] = file_format
        elif param == "number":  # a written report's hand-in
            kwargs[param] = record.versions.get().number
        elif param == "flag_id":
            kwargs[param] = _copy_flag(record).pk
        elif param == "job_id":
            kind = "attendance" if "attendance" in name else "members"
            kwargs[param] = ImportJob.objects.create(
                user=job_owner, kind=kind, original_name="tep-rieng.csv"
            ).pk
        else:
            pytest.fail(f"Teach {__name__}._extra_url the URL parameter “{param}” of {name}.")
    return reverse(f"admin:{name}", kwargs=kwargs)


def _extra_cases():
    cases = []
    for model, name, params in EXTRA_ADMIN_URLS:
        formats = ["csv", "xlsx"] if "file_format" in params else ["csv"]
        cases += [pytest.param(model, name, params, f, id=f"{name}-{f}") for f in formats]
    return cases


def test_the_walk_finds_every_import_and_export_page():
    names = {name for _, name, _ in EXTRA_ADMIN_URLS}
    for kind in ("organisation", "member", "document", "writtenreport", "remediationitem"):
        assert {
            f"sessions_app_{kind}_import",
            f"sessions_app_{kind}_import_template",
            f"sessions_app_{kind}_import_job",
            f"sessions_app_{kind}_export",
        } <= names
    assert {
        "sessions_app_attendance_export",
        "sessions_app_studysession_attendance",
        "sessions_app_studysession_attendance_import",
        "sessions_app_studysession_attendance_job",
        "sessions_app_studysession_attendance_export",
    } <= names


@pytest.mark.parametrize("model,name,params,file_format", _extra_cases())
def test_every_import_and_export_page_gives_insiders_the_record_and_outsiders_nothing(
    client, diana, charlie, erik, tree, model, name, params, file_format
):
    record = _sample(model, tree)
    markers = _markers(record)
    if model is StudySession:  # its attendance list is what these pages carry
        markers |= _markers(
            Attendance.objects.create(session=record, member=_member(tree["cell_a1"]))
        ) - {str(Attendance.objects.get(session=record))}

    client.force_login(diana)
    inside = client.get(_extra_url(name, params, record, diana, file_format))
    imports_closed = not getattr(admin.site._registry[model], "io_import", True)
    if name.endswith(("_import", "_import_job")) and (
        imports_closed or not has_permissions(diana, model, "import")
    ):
        # Rows that need a session are imported from its page; shared and structural
        # records only by roles whose groups may add and change them.
        assert inside.status_code == 403
        return
    assert inside.status_code == 200
    if "export" in name or name.endswith("_attendance"):
        assert any(m in _spreadsheet_text(inside) for m in markers), name

    if model in SHARED:
        return
    for outsider in (charlie, erik):
        client.force_login(outsider)
        response = client.get(_extra_url(name, params, record, diana, file_format))
        assert response.status_code in (200, 403, 404), response.status_code
        text = _spreadsheet_text(response)
        assert not [m for m in markers if m in text], (outsider, name)
        if {"object_id", "id", "job_id"} & set(params):
            assert response.status_code in (403, 404)


IMPORT_PAGES = [
    (model, name, params)
    for model, name, params in EXTRA_ADMIN_URLS
    if name.endswith("_import") and "file_format" not in params
]


@pytest.mark.parametrize(
    "model,name,params", IMPORT_PAGES, ids=[name for _, name, _ in IMPORT_PAGES]
)
def test_a_manager_can_neither_open_nor_post_an_import(client, bob, tree, model, name, params):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from imports_app.models import ImportJob

    record = _sample(model, tree)
    url = _extra_url(name, params, record, bob)
    client.force_login(bob)
    assert client.get(url).status_code == 403
    upload = SimpleUploadedFile("a.csv", "Mã đảng viên,Họ và tên\nA001,Tên mới\n".encode())
    assert client.post(url, {"file": upload}).status_code == 403
    assert not ImportJob.objects.exists()


# --- Report pages: every URL of reports_app, discovered from its URLconf ------------------


def _report_urls():
    from reports_app import urls as report_urls

    return [
        (pattern.name, tuple(pattern.pattern.converters))
        for pattern in report_urls.urlpatterns
        if pattern.name not in ("index", "definitions")  # the same for everyone
    ]


REPORT_URLS = _report_urls()


def test_the_report_walk_finds_every_report_page():
    assert {name for name, _ in REPORT_URLS} == {
        "unit",
        "matrix",
        "print",
        "docx",
        "checks",
        "export_csv",
        "export_xlsx",
        "figure",
    }
    assert all(params[0] == "pk" for _, params in REPORT_URLS)


def _report_url(name, unit):
    if name == "figure":  # the rows behind one figure of the unit's row
        return reverse(f"reports_app:{name}", kwargs={"pk": unit.pk, "key": "required"})
    return reverse(f"reports_app:{name}", kwargs={"pk": unit.pk})


@pytest.mark.parametrize("name", [name for name, _ in REPORT_URLS])
def test_every_report_page_of_a_unit_is_the_subtrees_alone(
    client, alice, bob, charlie, erik, tree, roster, name
):
    # The commune's report lists its cells by name: what an outsider must never read.
    cell_a2 = tree["cell_a2"]
    client.force_login(bob)
    page = client.get(_report_url(name, tree["commune_a"]))
    assert page.status_code == 200
    assert cell_a2.name in _spreadsheet_text(page) or name in {
        "checks",
        "matrix",
        "figure",
    }  # no data yet

    for outsider, unit in (
        (charlie, tree["district_a"]),
        (erik, tree["district_a"]),
        (charlie, cell_a2),
        (alice, cell_a2),  # the sibling cell inside the same commune
        (alice, tree["commune_a"]),  # above her own cell
    ):
        client.force_login(outsider)
        response = client.get(_report_url(name, unit))
        assert response.status_code == 404, (outsider, name, unit)
        assert unit.name not in response.content.decode(errors="replace")


def test_the_report_home_never_opens_another_units_report(client, charlie, tree):
    client.force_login(charlie)
    response = client.get(reverse("reports_app:index"), follow=True)
    assert response.status_code == 200
    text = response.content.decode()
    assert tree["cell_b1"].name in text and tree["district_a"].name not in text


def test_a_manager_cannot_write_through_report_urls(client, bob, tree):
    client.force_login(bob)
    for name, _ in REPORT_URLS:
        response = client.post(_report_url(name, tree["district_a"]), {"target": "0"})
        assert response.status_code in (403, 405), name
