"""Export everything, wipe the database, import the exports: the same data comes back."""

import datetime
from decimal import Decimal

from django.urls import reverse

from sessions_app import services
from sessions_app.choices import AttendanceStatus, ReportStatus
from sessions_app.models import (
    Attendance,
    Document,
    Inspection,
    Member,
    MemberPlacement,
    Organisation,
    RemediationItem,
    StudySession,
    WrittenReport,
)
from tests import builders
from tests.io_helpers import messages, run_import


def snapshot_roster():
    units = sorted(
        (u.code, u.name, u.kind, u.sector, u.reported_members, u.is_active, u.depth, parent)
        for u, parent in (
            (u, Organisation.objects.get_parent(u).code if u.depth > 1 else "")
            for u in Organisation.objects.all()
        )
    )
    members = sorted(
        Member.objects.values_list(
            "code",
            "card_number",
            "full_name",
            "birth_date",
            "gender",
            "unit__code",
            "joined_on",
            "full_member_on",
            "committee_role",
            "is_leader",
            "position",
            "status",
            "search_text",
        )
    )
    open_placements = sorted(
        MemberPlacement.objects.filter(ended_on__isnull=True).values_list(
            "member__code", "unit__code", "started_on"
        )
    )
    documents = sorted(
        Document.objects.values_list(
            "symbol",
            "number",
            "kind",
            "issuer",
            "term",
            "issued_on",
            "title",
            "issuing_body",
            "report_required",
            "search_text",
        )
    )
    return units, members, open_placements, documents


def snapshot_records():
    return (
        sorted(Attendance.objects.values_list("member__code", "status", "note")),
        sorted(
            WrittenReport.objects.values_list(
                "member__code",
                "document__symbol",
                "status",
                "submitted_on",
                "grade",
                "relates_to_practice",
                "action_plan",
                "reviewed_on",
                "revision_count",
            )
        ),
        sorted(
            RemediationItem.objects.values_list(
                "description", "due_on", "resolved_on", "resolution"
            )
        ),
    )


def export(client, model: str, file_format: str) -> bytes:
    return client.get(reverse(f"admin:sessions_app_{model}_export", args=[file_format])).content


def make_everything(tree, roster):
    Organisation.objects.filter(pk=tree["commune_a"].pk).update(reported_members=1250)
    services.member_transfer(
        member=roster["em"], to_unit=tree["cell_a1"], on=datetime.date(2020, 2, 1)
    )
    services.member_transfer(member=roster["giang"], to_unit=None, on=datetime.date(2021, 3, 1))
    Member.objects.filter(code="A002").update(position="=Trưởng ban")  # exported neutralised
    builders.document("117-QĐ/TW", datetime.date(2023, 8, 18), report_required=False)
    regulation = builders.document(title="Quy định về kiểm soát quyền lực, tiêu cực")
    make_records(tree, roster, regulation)


def make_records(tree, roster, regulation):
    study = builders.session(tree["commune_a"], [tree["commune_a"]], [regulation])
    statuses = {roster["an"].pk: AttendanceStatus.PRESENT, roster["binh"].pk: AttendanceStatus.LATE}
    services.attendance_record_roster(
        session=study, statuses=statuses, notes={roster["binh"].pk: "-15 phút"}
    )
    WrittenReport.objects.create(
        member=roster["an"],
        document=regulation,
        status=ReportStatus.PASSED,
        submitted_on=datetime.date(2023, 9, 20),
        grade=Decimal("8.50"),
        action_plan="Rà soát",
        reviewed_on=datetime.date(2023, 9, 25),
        relates_to_practice=True,
    )
    inspection = Inspection.objects.create(
        inspecting_unit=tree["district_a"],
        inspected_unit=tree["commune_a"],
        started_on=datetime.date(2024, 3, 15),
    )
    RemediationItem.objects.create(
        inspection=inspection,
        description="+ Bổ sung kế hoạch",
        due_on=datetime.date(2024, 6, 30),
        resolved_on=datetime.date(2024, 6, 1),
        resolution="Đã bổ sung",
    )
    return study


def test_exports_imported_into_an_empty_database_give_back_the_same_data(
    tree, roster, admin_client, superuser
):
    make_everything(tree, roster)
    roster_before, records_before = snapshot_roster(), snapshot_records()
    study = StudySession.objects.get()
    files = {
        "organisations": export(admin_client, "organisation", "csv"),
        "members": export(admin_client, "member", "xlsx"),
        "documents": export(admin_client, "document", "csv"),
        "written_reports": export(admin_client, "writtenreport", "xlsx"),
        "remediations": export(admin_client, "remediationitem", "csv"),
        "attendance": admin_client.get(
            reverse("admin:sessions_app_studysession_attendance_export", args=[study.pk, "csv"])
        ).content,
    }

    wipe()
    assert Organisation.objects.count() == Member.objects.count() == Document.objects.count() == 0
    for kind in ["organisations", "members", "documents"]:
        report = run_import(kind, files[kind], user=superuser)
        assert messages(report) == [], kind
    assert snapshot_roster() == roster_before

    # Sessions and inspections are not spreadsheet records: make them again, then their rows.
    members = {m.code: m for m in Member.objects.all()}
    units = {u.code: u for u in Organisation.objects.all()}
    rebuilt = make_session_and_inspection(units, Document.objects.get(symbol="114-QĐ/TW"))
    for kind in ["written_reports", "remediations", "attendance"]:
        context = rebuilt if kind == "attendance" else None
        report = run_import(kind, files[kind], user=superuser, context=context)
        assert messages(report) == [], kind
    assert snapshot_records() == records_before
    assert members["A002"].position == "=Trưởng ban"


def make_session_and_inspection(units, regulation):
    study = builders.session(units["XA1"], [units["XA1"]], [regulation])
    Inspection.objects.create(
        inspecting_unit=units["HA"],
        inspected_unit=units["XA1"],
        started_on=datetime.date(2024, 3, 15),
    )
    return study


def wipe():
    Attendance.objects.all().delete()
    WrittenReport.objects.all().delete()
    RemediationItem.objects.all().delete()
    Inspection.objects.all().delete()
    StudySession.objects.all().delete()
    MemberPlacement.objects.all().delete()
    Member.objects.all().delete()
    Document.objects.all().delete()
    from sessions_app.models import StaffProfile

    StaffProfile.objects.all().delete()
    Organisation.objects.all().delete()
