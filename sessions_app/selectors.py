"""Reads of the study log that span relations: who was required where, attendance tallies."""

import datetime
from functools import reduce
from operator import or_

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from sessions_app.choices import AttendanceStatus, Audience
from sessions_app.collation import roster_order, vi
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
    return (
        Member.objects.filter(Exists(placed), joined_on__lte=day)
        .exclude(Exists(exempted))
        .annotate(
            unit_name_on_day=Subquery(placed.values("unit__name")[:1]),
            unit_id_on_day=Subquery(placed.values("unit_id")[:1]),
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


def session_tally_annotations() -> dict:
    """Annotations for a list of sessions: recorded, attended and absent counts per row."""
    attended = AttendanceStatus.attended_values()
    return {
        "n_recorded": Count("attendances", distinct=True),
        "n_attended": Count(
            "attendances", filter=Q(attendances__status__in=attended), distinct=True
        ),
        "n_late": Count(
            "attendances", filter=Q(attendances__status=AttendanceStatus.LATE), distinct=True
        ),
        "n_absent": Count(
            "attendances", filter=~Q(attendances__status__in=attended), distinct=True
        ),
    }
