"""Obligation rows: who had to attend each session and who owes each written report.

Each test changes one input through the door a user takes (an admin page, the roll call, an
import, a service where there is no page) and reads the rows against values worked out by
hand from the scenario. Tree and roster: tests/conftest.py (An is a leader in cell A1 with
Bình and Cường; Dung and Em in cell A2; Giang in cell B1; all joined 1/5/2015).
"""

import datetime
import threading
import time

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sessions_app import services
from sessions_app.choices import AttendanceStatus, Audience, ReportStatus
from sessions_app.models import (
    AttendanceObligation,
    AttendanceTally,
    ReportObligation,
    WrittenReport,
)
from sessions_app.obligations import obligations_rebuild, obligations_refresh
from sessions_app.obligations_oracle import obligations_drift
from tests import builders
from tests.admin_forms import page_form_data
from tests.io_helpers import messages, run_import

SEP_1 = datetime.date(2023, 9, 1)
OCT_1 = datetime.date(2023, 10, 1)


@pytest.fixture
def docs(db):
    return {
        "qd114": builders.document("114-QĐ/TW", issued_on=datetime.date(2023, 7, 11)),
        "kl01": builders.document(
            "01-KL/TW", issued_on=datetime.date(2021, 5, 18), report_required=False
        ),
    }


def attending(session) -> dict[str, tuple]:
    """{member code: (cell code, status, made up by)} of a session's rows."""
    rows = AttendanceObligation.objects.filter(session=session).values_list(
        "member__code", "unit__code", "status", "made_up_by"
    )
    return {code: (unit, status, made_up) for code, unit, status, made_up in rows}


def owing(document) -> dict[str, tuple]:
    """{member code: (cell code, studied on, session title)} of a document's report rows."""
    rows = ReportObligation.objects.filter(document=document).values_list(
        "member__code", "unit__code", "studied_on", "session__title"
    )
    return {code: (unit, studied, title) for code, unit, studied, title in rows}


def _post_change(client, name, obj, **changes):
    url = reverse(f"admin:sessions_app_{name}_change", args=[obj.pk])
    response = client.post(url, {**page_form_data(client.get(url)), **changes})
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


# --- who has to attend ------------------------------------------------------------------


def test_a_commune_session_owes_attendance_of_every_member_placed_beneath_it(tree, roster, docs):
    study = builders.session(tree["commune_a"], [tree["commune_a"]], [docs["qd114"]], held_on=SEP_1)

    assert attending(study) == {
        "A001": ("CBA1", "", None),
        "A002": ("CBA1", "", None),
        "A003": ("CBA1", "", None),
        "A004": ("CBA2", "", None),
        "A005": ("CBA2", "", None),
    }
    row = AttendanceObligation.objects.get(session=study, member=roster["an"])
    assert (row.unit_path, row.held_on, row.audience, row.counts_only) == (
        tree["cell_a1"].path,
        SEP_1,
        Audience.ALL_MEMBERS,
        False,
    )


def test_a_key_cadre_session_owes_attendance_of_leaders_and_committee_members_only(
    tree, roster, docs
):
    study = builders.session(
        tree["district_a"],
        [tree["district_a"]],
        [docs["qd114"]],
        held_on=SEP_1,
        audience=Audience.KEY_CADRES,
    )
    assert set(attending(study)) == {"A001"}

    services.member_update(member=roster["dung"], committee_role="bi_thu")

    assert set(attending(study)) == {"A001", "A004"}


def test_a_member_who_joins_later_or_is_exempted_that_day_owes_nothing(tree, roster, docs):
    study = builders.session(tree["cell_a1"], [tree["cell_a1"]], [docs["qd114"]], held_on=SEP_1)
    late = builders.member(tree["cell_a1"], "Đỗ Văn Hậu", joined_on=datetime.date(2023, 9, 2))
    services.exemption_grant(
        member=roster["cuong"], started_on=datetime.date(2023, 8, 1), ended_on=SEP_1
    )

    assert set(attending(study)) == {"A001", "A002"}
    assert not AttendanceObligation.objects.filter(member=late).exists()


def test_an_exemption_typed_on_the_members_page_removes_the_sessions_it_covers(
    admin_client, tree, roster, docs
):
    before = builders.session(tree["cell_a1"], [tree["cell_a1"]], [docs["qd114"]], held_on=SEP_1)
    after = builders.session(tree["cell_a1"], [tree["cell_a1"]], [docs["qd114"]], held_on=OCT_1)
    assert "A002" in attending(before) and "A002" in attending(after)

    _post_change(
        admin_client,
        "member",
        roster["binh"],
        **{
            "exemptions-TOTAL_FORMS": "1",
            "exemptions-0-started_on": "15/09/2023",
            "exemptions-0-reason": "Ốm dài ngày",
        },
    )

    assert "A002" in attending(before) and "A002" not in attending(after)
    # Bình still owes the report: the September study required her.
    assert owing(docs["qd114"])["A002"] == ("CBA1", SEP_1, before.title)


def test_a_transfer_places_later_sessions_in_the_new_cell_and_keeps_the_past(
    client, diana, tree, roster, docs
):
    commune = builders.session(
        tree["commune_a"], [tree["commune_a"]], [docs["qd114"]], held_on=SEP_1
    )
    later = builders.session(tree["commune_a"], [tree["commune_a"]], [docs["qd114"]], held_on=OCT_1)
    client.force_login(diana)

    response = client.post(
        reverse("admin:sessions_app_member_transfer", args=[roster["an"].pk]),
        {"to_unit": tree["cell_a2"].pk, "on": "15/09/2023"},
    )

    assert response.status_code == 302
    assert attending(commune)["A001"][0] == "CBA1"
    assert attending(later)["A001"][0] == "CBA2"
    row = AttendanceObligation.objects.get(session=later, member=roster["an"])
    assert row.unit_path == tree["cell_a2"].path


def test_changing_a_sessions_units_and_date_in_the_admin_moves_its_obligations(
    admin_client, tree, roster, docs
):
    study = builders.session(tree["cell_a1"], [tree["cell_a1"]], [docs["qd114"]], held_on=SEP_1)
    assert set(attending(study)) == {"A001", "A002", "A003"}

    _post_change(
        admin_client,
        "studysession",
        study,
        participating_units=[str(tree["cell_a2"].pk), str(tree["cell_b1"].pk)],
        held_on="05/10/2023",
    )

    assert attending(study) == {
        "A004": ("CBA2", "", None),
        "A005": ("CBA2", "", None),
        "B001": ("CBB1", "", None),
    }
    assert set(
        AttendanceObligation.objects.filter(session=study).values_list("held_on", flat=True)
    ) == {datetime.date(2023, 10, 5)}


def test_moving_a_commune_to_another_district_rewrites_paths_and_which_sessions_reach_it(
    tree, roster, docs
):
    district_b = builders.session(
        tree["district_b"], [tree["district_b"]], [docs["qd114"]], held_on=SEP_1
    )
    assert set(attending(district_b)) == {"B001"}

    services.organisation_move(unit=tree["commune_a"], new_parent=tree["district_b"])

    tree["cell_a1"].refresh_from_db()
    assert set(attending(district_b)) == {"A001", "A002", "A003", "A004", "A005", "B001"}
    assert (
        AttendanceObligation.objects.get(session=district_b, member=roster["an"]).unit_path
        == tree["cell_a1"].path
    )
    assert not obligations_drift()


# --- roll call and make-ups ---------------------------------------------------------------


def _checklist(client, session, marks):
    url = reverse("admin:sessions_app_studysession_attendance", args=[session.pk])
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data.update({f"status_{member.pk}": status for member, status in marks.items()})
    assert client.post(url, data).status_code == 302


def test_the_roll_call_and_a_make_up_close_the_absence_on_the_original_row(
    admin_client, tree, roster, docs
):
    study = builders.session(tree["cell_a1"], [tree["cell_a1"]], [docs["qd114"]], held_on=SEP_1)
    _checklist(
        admin_client,
        study,
        {
            roster["binh"]: AttendanceStatus.ABSENT_EXCUSED,
            roster["cuong"]: AttendanceStatus.ABSENT_UNEXCUSED,
        },
    )
    assert attending(study) == {
        "A001": ("CBA1", AttendanceStatus.PRESENT, None),
        "A002": ("CBA1", AttendanceStatus.ABSENT_EXCUSED, None),
        "A003": ("CBA1", AttendanceStatus.ABSENT_UNEXCUSED, None),
    }

    makeup = builders.session(
        tree["cell_a1"], [tree["cell_a1"]], [docs["qd114"]], held_on=OCT_1, makeup_of=study
    )
    _checklist(admin_client, makeup, {roster["cuong"]: AttendanceStatus.ABSENT_EXCUSED})

    assert attending(study)["A002"] == ("CBA1", AttendanceStatus.ABSENT_EXCUSED, makeup.pk)
    assert attending(study)["A003"][2] is None
    assert attending(makeup) == {}  # a make-up owes nothing of its own


def test_a_session_reported_as_counts_is_marked_until_its_roll_call(tree, roster, docs):
    study = builders.session(
        tree["cell_a1"], [tree["cell_a1"]], [docs["qd114"]], held_on=SEP_1, reported_expected=3
    )
    assert set(
        AttendanceObligation.objects.filter(session=study).values_list("counts_only", flat=True)
    ) == {True}

    services.attendance_record(session=study, member=roster["an"], status=AttendanceStatus.PRESENT)

    assert set(
        AttendanceObligation.objects.filter(session=study).values_list("counts_only", flat=True)
    ) == {False}


# --- who owes a written report ------------------------------------------------------------


def test_a_report_is_owed_once_per_member_and_document_from_the_first_study(tree, roster, docs):
    cadres = builders.session(
        tree["district_a"],
        [tree["district_a"]],
        [docs["qd114"], docs["kl01"]],
        held_on=SEP_1,
        audience=Audience.KEY_CADRES,
        title="Hội nghị cán bộ chủ chốt",
    )
    cells = builders.session(
        tree["commune_a"],
        [tree["commune_a"]],
        [docs["qd114"], docs["kl01"]],
        held_on=OCT_1,
        title="Hội nghị toàn thể",
    )
    due = datetime.timedelta(days=30)

    assert owing(docs["qd114"]) == {
        "A001": ("CBA1", SEP_1, cadres.title),
        "A002": ("CBA1", OCT_1, cells.title),
        "A003": ("CBA1", OCT_1, cells.title),
        "A004": ("CBA2", OCT_1, cells.title),
        "A005": ("CBA2", OCT_1, cells.title),
    }
    assert owing(docs["kl01"]) == {}  # needs no written report
    an = ReportObligation.objects.get(member=roster["an"])
    assert (an.due_on, an.must_add_action_plan) == (SEP_1 + due, True)
    assert ReportObligation.objects.get(member=roster["binh"]).must_add_action_plan is False


def test_a_report_saved_and_graded_in_the_admin_fills_the_obligation(
    admin_client, tree, roster, docs
):
    builders.session(tree["cell_a1"], [tree["cell_a1"]], [docs["qd114"]], held_on=SEP_1)
    obligation = ReportObligation.objects.get(member=roster["an"])
    assert (obligation.report, obligation.report_status) == (None, "")

    response = admin_client.post(
        reverse("admin:sessions_app_writtenreport_add"),
        {
            "member": roster["an"].pk,
            "document": docs["qd114"].pk,
            "status": ReportStatus.SUBMITTED,
            "submitted_on": "20/09/2023",
            "action_plan": "Kế hoạch hành động của đồng chí An",
        },
    )
    assert response.status_code == 302
    report = WrittenReport.objects.get(member=roster["an"])
    obligation.refresh_from_db()
    assert (obligation.report, obligation.report_status, obligation.has_action_plan) == (
        report,
        ReportStatus.SUBMITTED,
        True,
    )

    services.written_report_review(report=report, status=ReportStatus.PASSED)
    obligation.refresh_from_db()
    assert obligation.report_status == ReportStatus.PASSED

    admin_client.post(
        reverse("admin:sessions_app_writtenreport_delete", args=[report.pk]), {"post": "yes"}
    )
    obligation.refresh_from_db()
    assert (obligation.report, obligation.report_status) == (None, "")


def test_a_document_that_stops_needing_reports_drops_its_report_rows(
    admin_client, tree, roster, docs
):
    builders.session(tree["cell_a1"], [tree["cell_a1"]], [docs["qd114"]], held_on=SEP_1)
    assert set(owing(docs["qd114"])) == {"A001", "A002", "A003"}

    _post_change(admin_client, "document", docs["qd114"], report_required="")

    assert owing(docs["qd114"]) == {}


def test_deleting_the_first_study_moves_the_report_to_the_next_one(
    admin_client, tree, roster, docs
):
    first = builders.session(tree["cell_a1"], [tree["cell_a1"]], [docs["qd114"]], held_on=SEP_1)
    second = builders.session(
        tree["commune_a"], [tree["commune_a"]], [docs["qd114"]], held_on=OCT_1
    )
    assert owing(docs["qd114"])["A001"][2] == first.title

    response = admin_client.post(
        reverse("admin:sessions_app_studysession_delete", args=[first.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert owing(docs["qd114"])["A001"] == ("CBA1", OCT_1, second.title)
    assert not AttendanceObligation.objects.filter(session_id=first.pk).exists()


# --- imports ----------------------------------------------------------------------------


def test_an_imported_roster_owes_the_sessions_already_held_and_a_transfer_moves_it(
    tree, superuser, docs
):
    study = builders.session(tree["commune_a"], [tree["commune_a"]], [docs["qd114"]], held_on=SEP_1)
    assert attending(study) == {}

    assert messages(run_import("members", "members_utf8.csv", user=superuser)) == []
    assert attending(study)["DV101"][0] == "CBA1"

    moved = (
        "Mã đảng viên,Họ và tên,Mã chi bộ,Ngày vào Đảng,Ngày bắt đầu sinh hoạt tại chi bộ\n"
        "DV101,Nguyễn Văn Thắng,CBB1,19/05/2010,01/06/2023\n"
    ).encode()
    assert messages(run_import("members", moved, user=superuser)) == []

    assert "DV101" not in attending(study)
    assert not obligations_drift()


# --- commands, rebuild and cost ------------------------------------------------------------


def test_check_obligations_reports_drift_and_rebuild_obligations_repairs_it(
    tree, roster, docs, capsys
):
    study = builders.session(tree["commune_a"], [tree["commune_a"]], [docs["qd114"]], held_on=SEP_1)
    call_command("check_obligations")
    assert "khớp" in capsys.readouterr().out

    AttendanceObligation.objects.filter(session=study, member=roster["an"]).delete()
    ReportObligation.objects.filter(member=roster["dung"]).update(unit_path="0009")

    # Two rows drift, and so do the tallies counted from them: the four levels above the
    # missing row; the four levels the moved row left, and the one it now counts in.
    with pytest.raises(CommandError, match="thiếu 2, thừa 0, sai 9"):
        call_command("check_obligations")
    out = capsys.readouterr().out
    assert "thiếu nghĩa vụ học tập" in out and "sai nghĩa vụ viết bài" in out
    assert "sai tổng hợp nghĩa vụ học tập" in out

    call_command("rebuild_obligations")
    AttendanceTally.objects.filter(level=1).update(n=F("n") + 1)
    with pytest.raises(CommandError, match="Có 1 chỗ sai lệch"):
        call_command("check_obligations")
    assert "sai tổng hợp nghĩa vụ học tập (1, " in capsys.readouterr().out

    call_command("rebuild_obligations", "--unit", "XA1")
    call_command("check_obligations", "--unit", "XA1")
    call_command("rebuild_obligations")
    call_command("check_obligations")
    assert AttendanceObligation.objects.filter(session=study).count() == 5


def test_a_full_rebuild_gives_the_rows_the_refreshes_kept(tree, roster, docs):
    study = builders.session(tree["province"], [tree["province"]], [docs["qd114"]], held_on=SEP_1)
    services.attendance_record_roster(
        session=study,
        statuses={roster["an"].pk: AttendanceStatus.ABSENT_EXCUSED},
    )
    kept = sorted(AttendanceObligation.objects.values_list("member", "session", "status"))
    kept_reports = sorted(ReportObligation.objects.values_list("member", "document", "due_on"))

    assert obligations_rebuild() == {"attendance": 6, "reports": 6}

    assert sorted(AttendanceObligation.objects.values_list("member", "session", "status")) == kept
    assert (
        sorted(ReportObligation.objects.values_list("member", "document", "due_on")) == kept_reports
    )


def test_refreshing_a_session_costs_the_same_queries_for_three_members_or_thirty(tree, docs):
    def queries_for(cell, size):
        for i in range(size):
            builders.member(cell, f"Thành viên {i}", code=f"{cell.code}-{i:03d}")
        study = builders.session(cell, [cell], [docs["qd114"]], held_on=SEP_1)
        with CaptureQueriesContext(connection) as captured:
            obligations_refresh(session_ids=[study.pk], member_ids=[])
        AttendanceObligation.objects.filter(session=study).delete()
        with CaptureQueriesContext(connection) as rebuilt:
            obligations_refresh(session_ids=[study.pk])
        assert AttendanceObligation.objects.filter(session=study).count() == size
        return len(captured), len(rebuilt)

    assert queries_for(tree["cell_a1"], 3) == queries_for(tree["cell_a2"], 30)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
def test_two_roll_calls_of_one_session_at_once_count_each_member_once(tree, roster, docs):
    study = builders.session(tree["commune_a"], [tree["commune_a"]], [docs["qd114"]], held_on=SEP_1)
    first_in, errors = threading.Event(), []

    def roll_call(member, *, first):
        try:
            if not first:
                first_in.wait(5)
            with transaction.atomic():
                services.attendance_record_roster(
                    session=study, statuses={member.pk: AttendanceStatus.PRESENT}
                )
                if first:  # hold the transaction open while the other one runs
                    first_in.set()
                    time.sleep(0.5)
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=roll_call, args=(roster["an"],), kwargs={"first": True}),
        threading.Thread(target=roll_call, args=(roster["binh"],), kwargs={"first": False}),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert not obligations_drift()
    cell = AttendanceTally.objects.filter(session=study, level=1, status=AttendanceStatus.PRESENT)
    assert sum(cell.values_list("n", flat=True)) == 2
