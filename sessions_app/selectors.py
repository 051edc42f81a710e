"""Reads of the study log that span relations: who was required where, attendance tallies."""

import datetime
from functools import reduce
from operator import or_

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from sessions_app.choices import AttendanceStatus, Audience, CopyFlagStatus, ReportStatus
from sessions_app.collation import roster_order, vi
from sessions_app.copying import highlight_shared
from sessions_app.models import (
    Attendance,
    CopyFlag,
    DocumentOutline,
    Exemption,
    Member,
    MemberPlacement,
    RemediationItem,
    ReportObligation,
    StudySession,
    WrittenReport,
    WrittenReportVersion,
)


def placements_on(day: datetime.date) -> QuerySet[MemberPlacement]:
    """Placements in force on a day: started by then and not yet ended."""
    return MemberPlacement.objects.filter(started_on__lte=day).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=day)
    )


def exemptions_on(day: datetime.date) -> QuerySet[Exemption]:
    return Exemption.objects.filter(started_on__lte=day).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=day)
    )


def members_in_units_on(paths: list[str], day: datetime.date) -> QuerySet[Member]:
    """Members placed on that day in any of the subtrees, joined by then and not exempted."""
    if not paths:
        return Member.objects.none()
    in_subtrees = reduce(or_, (Q(unit__path__startswith=path) for path in paths))
    placed = placements_on(day).filter(in_subtrees, member=OuterRef("pk"))
    exempted = exemptions_on(day).filter(member=OuterRef("pk"))
    # Overlapping placements are bad data; the one that started last places the member.
    latest = placed.order_by("-started_on", "-pk")
    return (
        Member.objects.filter(Exists(placed), joined_on__lte=day)
        .exclude(Exists(exempted))
        .annotate(
            unit_name_on_day=Subquery(latest.values("unit__name")[:1]),
            unit_id_on_day=Subquery(latest.values("unit_id")[:1]),
        )
    )


def narrow_paths(paths: list[str], within: str | None) -> list[str]:
    """The parts of these subtrees that lie inside the subtree `within` (None: all of them)."""
    if within is None or within == "":
        return paths
    narrowed = set()
    for path in paths:
        if path.startswith(within):
            narrowed.add(path)
        elif within.startswith(path):
            narrowed.add(within)
    return sorted(narrowed)


def members_required_at(session: StudySession, *, within: str | None = None) -> QuerySet[Member]:
    """The members a session had to reach.

    Those active and not exempted in its participating units on its date; for a
    key-cadre session only leaders and committee members; for a make-up session the
    members who missed the original session. `within` (a tree path) keeps those placed
    in that subtree on the day: a cell records its own members at a district's session.
    """
    if session.makeup_of_id:
        missed = Attendance.objects.filter(session_id=session.makeup_of_id).exclude(
            status__in=AttendanceStatus.attended_values()
        )
        paths = list(session.makeup_of.participating_units.values_list("path", flat=True))
        members = members_in_units_on(narrow_paths(paths, within), session.makeup_of.held_on)
        return members.filter(pk__in=missed.values("member_id")).order_by(*roster_order())
    paths = list(session.participating_units.values_list("path", flat=True))
    members = members_in_units_on(narrow_paths(paths, within), session.held_on)
    if session.audience == Audience.KEY_CADRES:
        members = members.filter(Q(is_leader=True) | ~Q(committee_role=""))
    return members.order_by(vi("unit_name_on_day"), *roster_order())


def made_up_exists() -> Exists:
    """For an Attendance row: a make-up session of its session where the member attended."""
    return Exists(
        Attendance.objects.filter(
            session__makeup_of=OuterRef("session"),
            member=OuterRef("member"),
            status__in=AttendanceStatus.attended_values(),
        )
    )


def attendance_tallies(session: StudySession) -> dict[str, int]:
    """Counts per attendance status of one session, plus attended and made-up totals."""
    rows = session.attendances.values("status").annotate(n=Count("pk"))
    tallies = {status.value: 0 for status in AttendanceStatus}
    tallies.update({row["status"]: row["n"] for row in rows})
    tallies["attended"] = tallies[AttendanceStatus.PRESENT] + tallies[AttendanceStatus.LATE]
    tallies["recorded"] = sum(tallies[s.value] for s in AttendanceStatus)
    tallies["made_up"] = (
        session.attendances.exclude(status__in=AttendanceStatus.attended_values())
        .filter(made_up_exists())
        .count()
    )
    return tallies


def _attendance_count(**lookups) -> Subquery:
    rows = (
        Attendance.objects.filter(session=OuterRef("pk"), **lookups)
        .order_by()
        .values("session")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def session_tally_annotations() -> dict:
    """Annotations for a list of sessions: recorded, attended, late and absent counts per row.

    Correlated subqueries, not a join grouped over every session: PostgreSQL evaluates
    them after ORDER BY … LIMIT, so a page of 50 sessions counts 50 sessions' rows (each
    through the attendance (session, status) index), not the whole attendance table.
    """
    attended = AttendanceStatus.attended_values()
    return {
        "n_recorded": _attendance_count(),
        "n_attended": _attendance_count(status__in=attended),
        "n_late": _attendance_count(status=AttendanceStatus.LATE),
        "n_absent": _attendance_count(
            status__in=[AttendanceStatus.ABSENT_EXCUSED, AttendanceStatus.ABSENT_UNEXCUSED]
        ),
    }


def participating_units_out_of_reach(session_pk, user) -> QuerySet:
    """Units taking part in a saved session that the user cannot see.

    An editor's form offers only the units of their subtree; a shared session keeps the
    others when it is saved (or reverted), so no unit loses the session unseen.
    """
    from sessions_app import access  # access imports the models, not the selectors

    session = StudySession.objects.filter(pk=session_pk).first() if session_pk else None
    if session is None:
        return StudySession.participating_units.field.related_model.objects.none()
    units = session.participating_units.all()
    reachable = access.restrict(units.model.objects.all(), user, "view")
    return units.exclude(pk__in=reachable.values("pk"))


# --- Written reports: versions and copy flags --------------------------------------------


def report_version_pairs(report) -> list[tuple]:
    """Each version of a report beside the one before it (newest first): (previous, version)."""
    versions = list(report.versions.select_related("reviewer", "recorded_by").order_by("number"))
    pairs = [(versions[i - 1] if i else None, version) for i, version in enumerate(versions)]
    return list(reversed(pairs))


def copy_flags_of(report, *, pk=None):
    """The copy flags of a report's latest version (all flags when asked for one by pk)."""
    flags = CopyFlag.objects.filter(report=report).select_related(
        "version", "matched_report__member", "matched_report__document", "dismissed_by"
    )
    if pk is not None:
        return flags.filter(pk=pk).first()
    latest = report.versions.order_by("-number").values_list("pk", flat=True).first()
    return list(flags.filter(version_id=latest).order_by("-score"))


def copy_comparison(flag, user) -> dict:
    """The two texts of a flag side by side, shared passages highlighted.

    The other report's text is shown only when the user may see that report: copying is
    detected across units, but another unit's report stays that unit's.
    """
    text = flag.version.text
    if flag.matched_report_id is None:
        outline = DocumentOutline.objects.filter(document_id=flag.report.document_id).first()
        other_text, other_label, other_visible = (
            outline.text if outline else "",
            f"Nội dung văn bản {flag.report.document.symbol}",
            True,
        )
    else:
        from sessions_app import access  # access imports the models, not the selectors

        other_visible = access.restrict(
            WrittenReport.objects.filter(pk=flag.matched_report_id), user, "view"
        ).exists()
        other_text = flag.matched_report.text
        other_label = str(flag.matched_report) if other_visible else "Bài thu hoạch của đơn vị khác"
    return {
        "text": highlight_shared(text, other_text),
        "other_text": highlight_shared(other_text, text) if other_visible else "",
        "other_label": other_label,
        "other_visible": other_visible,
    }


def suspected_copies(*, path: str = "", document_ids=None, submitted_from=None, submitted_to=None):
    """Reports under a unit whose latest handing-in has an open copy flag (bài nghi sao chép).

    The figure of the compliance report: a dismissed flag no longer counts, nor does a flag
    on a version the member has since rewritten.
    """
    latest = (
        WrittenReportVersion.objects.filter(report=OuterRef("report"))
        .order_by("-number")
        .values("pk")[:1]
    )
    flags = CopyFlag.objects.filter(status=CopyFlagStatus.OPEN, version=Subquery(latest))
    reports = WrittenReport.objects.filter(
        member__unit__path__startswith=path, pk__in=flags.values("report")
    )
    if document_ids is not None:
        reports = reports.filter(document_id__in=document_ids)
    if submitted_from is not None:
        reports = reports.filter(submitted_on__gte=submitted_from)
    if submitted_to is not None:
        reports = reports.filter(submitted_on__lte=submitted_to)
    return reports


def suspected_copy_counts(*, paths: list[str], **filters) -> dict[str, int]:
    """The figure "bài nghi sao chép" for each unit path (its whole subtree): one query each."""
    return {path: suspected_copies(path=path, **filters).count() for path in paths}


# --- Who owes what: written reports not handed in or sent back ---------------------------

OWED_REPORT_STATUSES = ["", ReportStatus.NOT_SUBMITTED, ReportStatus.REVISION_REQUESTED]


def reports_owed(*, path: str, document_id=None):
    """Obligations under a unit whose report is not handed in, or was sent back.

    From the obligation rows (the member's cell on the day of the study), so a member who
    moved since still shows where the report was owed.
    """
    owed = ReportObligation.objects.filter(
        unit_path__startswith=path, report_status__in=OWED_REPORT_STATUSES
    )
    if document_id is not None:
        owed = owed.filter(document_id=document_id)
    return owed.select_related("member", "document", "unit", "report").order_by(
        "unit_path", "due_on", "member__full_name", "document__symbol"
    )


def reports_owed_due_by(*, path: str, day: datetime.date):
    """Owed reports whose deadline has passed or falls on or before the day."""
    return reports_owed(path=path).filter(due_on__lte=day)


def overdue_report_count(*, path: str, today: datetime.date) -> int:
    """The number shown on the admin home: owed reports past their deadline."""
    return ReportObligation.objects.filter(
        unit_path__startswith=path,
        report_status__in=OWED_REPORT_STATUSES,
        due_on__lt=today,
    ).count()


def owed_state(obligation, today: datetime.date) -> str:
    """How a row of the owed list reads: not handed in or sent back, and how late."""
    state = (
        "Bị trả lại, phải viết lại"
        if obligation.report_status == ReportStatus.REVISION_REQUESTED
        else "Chưa nộp"
    )
    late = (today - obligation.due_on).days
    if late > 0:
        state += f", quá hạn {late} ngày"
    return state


def remediations_due_by(*, path: str, day: datetime.date):
    """Open remediation items of inspections of units under the path, due by the day."""
    return (
        RemediationItem.objects.filter(
            inspection__inspected_unit__path__startswith=path,
            resolved_on__isnull=True,
            due_on__lte=day,
        )
        .select_related("inspection__inspected_unit")
        .order_by("due_on", "pk")
    )
