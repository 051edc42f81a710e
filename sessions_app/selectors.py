"""Reads of the study log that span relations: who was required where, attendance tallies."""

import datetime
from functools import reduce
from operator import or_

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from sessions_app.choices import AttendanceStatus, Audience
from sessions_app.models import Attendance, Exemption, Member, MemberPlacement, StudySession


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
        return members.filter(pk__in=missed.values("member_id")).order_by("full_name", "code")
    paths = list(session.participating_units.values_list("path", flat=True))
    members = members_in_units_on(narrow_paths(paths, within), session.held_on)
    if session.audience == Audience.KEY_CADRES:
        members = members.filter(Q(is_leader=True) | ~Q(committee_role=""))
    return members.order_by("unit_name_on_day", "full_name", "code")


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
