"""Compliance report queries: all figures of a unit and its children in a fixed handful of
SQL aggregates, grouped by the child's tree-path prefix. No loop ever runs over records."""

import datetime
from dataclasses import dataclass

from django.db.models import (
    Avg,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Length, Substr, TruncMonth

from sessions_app.choices import AttendanceStatus, Audience, ReportStatus
from sessions_app.models import (
    ActionProgramme,
    Attendance,
    Document,
    Exemption,
    Inspection,
    Member,
    MemberPlacement,
    Organisation,
    RemediationItem,
    SessionSite,
    StudySession,
    WrittenReport,
)
from sessions_app.selectors import made_up_exists

STEPLEN = Organisation.steplen
FAR_FUTURE = datetime.date(9999, 12, 31)
SessionUnit = StudySession.participating_units.through
ATTENDED = AttendanceStatus.attended_values()
SUBMITTED = [
    ReportStatus.SUBMITTED,
    ReportStatus.PASSED,
    ReportStatus.REVISION_REQUESTED,
    ReportStatus.FAILED,
]
CADRE_Q = Q(is_leader=True) | ~Q(committee_role="")


@dataclass(frozen=True)
class ReportFilters:
    """What the manager asked for: one document or all, a period, a kind or sector of unit."""

    document: Document | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    kind: str = ""
    sector: str = ""


class SubqueryCount(Subquery):
    """COUNT(*) of a correlated subquery, usable inside SUM() of a grouped query."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _counted)"
    output_field = IntegerField()


def child_prefix_length(root: Organisation) -> int:
    return (root.depth + 1) * STEPLEN


def ancestor_paths(root: Organisation) -> list[str]:
    """The root's own path and those of every unit above it."""
    return [root.path[: n * STEPLEN] for n in range(1, root.depth + 1)]


def _bucket(path_field: str, root: Organisation):
    return Substr(path_field, 1, child_prefix_length(root))


def unit_match_q(path_field: str, root: Organisation, filters: ReportFilters) -> Q:
    """Records under a unit of the chosen kind/sector (the unit itself or one above it)."""
    if not (filters.kind or filters.sector):
        return Q()
    units = Organisation.objects.filter(path__startswith=root.path)
    if filters.kind:
        units = units.filter(kind=filters.kind)
    if filters.sector:
        units = units.filter(sector=filters.sector)
    units = units.annotate(outer_prefix=Substr(OuterRef(path_field), 1, Length("path"))).filter(
        path=F("outer_prefix")
    )
    return Q(Exists(units.order_by()))


def _grouped(qs: QuerySet, path_field: str, root: Organisation, doc_field: str | None, **aggs):
    keys = {"bucket": _bucket(path_field, root)}
    if doc_field:
        keys["doc"] = F(doc_field)
    rows = qs.annotate(**keys).values(*keys).annotate(**aggs).order_by()
    return {(row["bucket"], row.get("doc")): row for row in rows}


def _by_doc(qs: QuerySet, doc_field: str | None, **aggs) -> dict:
    if doc_field is None:
        return {None: qs.aggregate(**aggs)}
    rows = qs.annotate(doc=F(doc_field)).values("doc").annotate(**aggs).order_by()
    return {row["doc"]: row for row in rows}


def base_sessions(filters: ReportFilters) -> QuerySet[StudySession]:
    """Sessions of the period and document; make-up sessions count on the one they make up."""
    sessions = StudySession.objects.filter(makeup_of__isnull=True)
    if filters.date_from:
        sessions = sessions.filter(held_on__gte=filters.date_from)
    if filters.date_to:
        sessions = sessions.filter(held_on__lte=filters.date_to)
    if filters.document:
        sessions = sessions.filter(documents=filters.document)
    return sessions


# --- units ---------------------------------------------------------------------------


def child_units(root: Organisation, filters: ReportFilters) -> QuerySet[Organisation]:
    """The root's children; with a kind/sector filter, those with a matching unit beneath."""
    children = Organisation.objects.filter(path__startswith=root.path, depth=root.depth + 1).only(
        "pk", "path", "depth", "code", "name", "kind", "sector", "reported_members"
    )
    if filters.kind or filters.sector:
        matching = Organisation.objects.filter(path__startswith=OuterRef("path"))
        if filters.kind:
            matching = matching.filter(kind=filters.kind)
        if filters.sector:
            matching = matching.filter(sector=filters.sector)
        children = children.filter(Exists(matching.order_by()))
    return children.order_by("path")


def documents_studied(root: Organisation, filters: ReportFilters, limit: int = 12):
    """Documents of sessions reaching the root's subtree in the period (matrix columns)."""
    reaching = SessionUnit.objects.filter(
        Q(organisation__path__startswith=root.path)
        | Q(organisation__path__in=ancestor_paths(root)),
        studysession__in=base_sessions(filters),
    )
    docs = Document.objects.filter(sessions__in=reaching.values("studysession")).distinct()
    if filters.document:
        docs = docs.filter(pk=filters.document.pk)
    return list(docs.order_by("-issued_on", "symbol")[:limit])


# --- sessions ------------------------------------------------------------------------


def session_figures(root: Organisation, filters: ReportFilters, per_document: bool = False):
    """Sessions held and the first session's date: for the whole unit and per child.

    A session whose participating unit is the root or above it reaches every child;
    otherwise it counts for the child whose subtree it was held for.
    """
    doc_field = "studysession__documents" if per_document else None
    ancestors = ancestor_paths(root)
    rows = SessionUnit.objects.filter(studysession__in=base_sessions(filters))
    aggs = {
        "n": Count("studysession", distinct=True),
        "first": Min("studysession__held_on"),
        "estimated": Count(
            "studysession", filter=Q(studysession__date_is_estimated=True), distinct=True
        ),
    }
    reach_all = _by_doc(rows.filter(organisation__path__in=ancestors), doc_field, **aggs)
    below = rows.filter(
        unit_match_q("organisation__path", root, filters),
        organisation__path__startswith=root.path,
        organisation__depth__gt=root.depth,
    )
    per_child = _grouped(
        below.exclude(
            Exists(
                SessionUnit.objects.filter(
                    studysession=OuterRef("studysession"), organisation__path__in=ancestors
                )
            )
        ),
        "organisation__path",
        root,
        doc_field,
        **aggs,
    )
    total = _by_doc(
        rows.filter(
            Q(organisation__path__in=ancestors)
            | Q(
                unit_match_q("organisation__path", root, filters),
                organisation__path__startswith=root.path,
            )
        ),
        doc_field,
        **aggs,
    )
    return {"reach_all": reach_all, "per_child": per_child, "total": total}


# --- members required and attendance (rosters) -----------------------------------------


def _sessions_requiring(filters: ReportFilters, doc_id: int | None) -> QuerySet[StudySession]:
    """For an outer MemberPlacement: base sessions where its member was required in it.

    Same rule as sessions_app.selectors.members_required_at: held while the placement was
    in force, reaching its unit, member joined by then and not exempted, key-cadre sessions
    for leaders and committee members only.
    """
    # Counts-only sessions carry their own reported figures; rosters do not apply to them.
    sessions = base_sessions(filters).exclude(pk__in=counts_only_sessions(filters).values("pk"))
    if doc_id:
        sessions = sessions.filter(documents=doc_id)
    reaches_unit = (
        SessionUnit.objects.filter(studysession=OuterRef("pk"))
        .annotate(
            outer_prefix=Substr(OuterRef(OuterRef("unit__path")), 1, Length("organisation__path"))
        )
        .filter(organisation__path=F("outer_prefix"))
    )
    exempted = Exemption.objects.filter(
        member=OuterRef(OuterRef("member")), started_on__lte=OuterRef("held_on")
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=OuterRef("held_on")))
    is_cadre = Member.objects.filter(CADRE_Q, pk=OuterRef(OuterRef("member")))
    return (
        sessions.filter(Exists(reaches_unit))
        .filter(held_on__gte=OuterRef("started_on"))
        .filter(held_on__gte=OuterRef("member__joined_on"))
        .filter(
            held_on__lt=Coalesce(OuterRef("ended_on"), Value(FAR_FUTURE), output_field=DateField())
        )
        .filter(~Q(audience=Audience.KEY_CADRES) | Q(Exists(is_cadre)))
        .exclude(Exists(exempted))
        .order_by()
    )


def _with_attendance(sessions: QuerySet[StudySession], rows: QuerySet[Attendance]):
    """Of the sessions requiring the outer placement's member, those where the member has
    one of these attendance rows (one row per member and session, so this counts rows).

    Attendance counts only where the member was required: an exemption granted after the
    roll call, a key-cadre session or a member who joined later leave it out, as they leave
    the member out of `required`.
    """
    mine = rows.filter(session=OuterRef("pk"), member=OuterRef(OuterRef("member")))
    return sessions.filter(Exists(mine.order_by()))


def _roster_aggregates(filters: ReportFilters, doc_id: int | None, suffix: str) -> dict:
    sessions = _sessions_requiring(filters, doc_id)
    rows = Attendance.objects.all()

    def total(qs):
        return Coalesce(Sum(SubqueryCount(qs.values("pk"))), 0)

    def with_status(**lookup):
        return total(_with_attendance(sessions, rows.filter(**lookup)))

    made_up = rows.exclude(status__in=ATTENDED).filter(made_up_exists())
    return {
        f"required{suffix}": total(sessions),
        f"reports_required{suffix}": total(
            sessions.filter(documents__report_required=True).values("documents").distinct()
        ),
        f"attended{suffix}": with_status(status__in=ATTENDED),
        f"late{suffix}": with_status(status=AttendanceStatus.LATE),
        f"excused{suffix}": with_status(status=AttendanceStatus.ABSENT_EXCUSED),
        f"unexcused{suffix}": with_status(status=AttendanceStatus.ABSENT_UNEXCUSED),
        f"made_up{suffix}": total(_with_attendance(sessions, made_up)),
    }


def roster_figures(root: Organisation, filters: ReportFilters, documents=None) -> dict:
    """Members required, attended, late, absent, made up and reports required, per child.

    One query over the placements in the subtree; each figure is a correlated count summed
    per child-path prefix. With documents, one set of columns per document (suffix _<id>).
    """
    placements = MemberPlacement.objects.filter(
        unit_match_q("unit__path", root, filters), unit__path__startswith=root.path
    )
    aggs = {}
    for doc in documents or [None]:
        aggs.update(_roster_aggregates(filters, doc.pk if doc else None, roster_suffix(doc)))
    return _grouped(placements, "unit__path", root, None, **aggs)


def roster_suffix(doc) -> str:
    return f"_{doc.pk}" if doc else ""


# --- written reports, action programmes, inspections ----------------------------------


def _documents_in_period(filters: ReportFilters):
    return base_sessions(filters).filter(documents=OuterRef("document"))


def report_figures(root: Organisation, filters: ReportFilters, per_document: bool = False):
    """Written reports by status, and leaders' reports with an action plan, per child."""
    reports = WrittenReport.objects.filter(
        unit_match_q("member__unit__path", root, filters),
        member__unit__path__startswith=root.path,
        document__report_required=True,
    )
    if filters.document:
        reports = reports.filter(document=filters.document)
    if filters.date_from or filters.date_to:
        reports = reports.filter(Exists(_documents_in_period(filters)))
    cadre = Q(member__is_leader=True) | ~Q(member__committee_role="")
    return _grouped(
        reports,
        "member__unit__path",
        root,
        "document" if per_document else None,
        reports=Count("pk"),
        submitted=Count("pk", filter=Q(status__in=SUBMITTED)),
        passed=Count("pk", filter=Q(status=ReportStatus.PASSED)),
        sent_back=Count("pk", filter=Q(status=ReportStatus.REVISION_REQUESTED)),
        failed=Count("pk", filter=Q(status=ReportStatus.FAILED)),
        leaders=Count("pk", filter=cadre),
        leaders_with_plan=Count("pk", filter=cadre & ~Q(action_plan="")),
    )


def programme_figures(root: Organisation, filters: ReportFilters, per_document: bool = False):
    """Action programmes in each child's subtree, and the child's own (earliest) one."""
    programmes = ActionProgramme.objects.filter(
        unit_match_q("unit__path", root, filters), unit__path__startswith=root.path
    )
    if filters.document:
        programmes = programmes.filter(document=filters.document)
    if filters.date_to:
        programmes = programmes.filter(issued_on__lte=filters.date_to)
    own = Q(unit__depth__lte=root.depth + 1)
    return _grouped(
        programmes,
        "unit__path",
        root,
        "document" if per_document else None,
        programmes=Count("pk"),
        own_programmes=Count("pk", filter=own),
        own_first=Min("issued_on", filter=own),
    )


def _inspections(root: Organisation, filters: ReportFilters, prefix: str = "") -> Q:
    q = Q(**{f"{prefix}inspected_unit__path__startswith": root.path})
    q &= unit_match_q(f"{prefix}inspected_unit__path", root, filters)
    if filters.document:
        q &= Q(**{f"{prefix}documents": filters.document})
    if filters.date_from:
        q &= Q(**{f"{prefix}started_on__gte": filters.date_from})
    if filters.date_to:
        q &= Q(**{f"{prefix}started_on__lte": filters.date_to})
    return q


def inspection_figures(root: Organisation, filters: ReportFilters, per_document: bool = False):
    """Inspections of units in each child's subtree and how many reached a conclusion."""
    return _grouped(
        Inspection.objects.filter(_inspections(root, filters)),
        "inspected_unit__path",
        root,
        "documents" if per_document else None,
        inspections=Count("pk", distinct=True),
        concluded=Count("pk", distinct=True, filter=~Q(conclusion="")),
    )


def remediation_figures(
    root: Organisation, filters: ReportFilters, today: datetime.date, per_document: bool = False
):
    """Remediation items still open, and those open past their due date, per child."""
    return _grouped(
        RemediationItem.objects.filter(_inspections(root, filters, "inspection__")),
        "inspection__inspected_unit__path",
        root,
        "inspection__documents" if per_document else None,
        remediations=Count("pk", distinct=True),
        open_items=Count("pk", distinct=True, filter=Q(resolved_on__isnull=True)),
        overdue=Count("pk", distinct=True, filter=Q(resolved_on__isnull=True, due_on__lt=today)),
    )


# --- counts reported without rosters --------------------------------------------------


def counts_only_sessions(filters: ReportFilters) -> QuerySet[StudySession]:
    """Sessions reported as counts (the seed conferences): figures but no attendance rows."""
    return (
        base_sessions(filters)
        .filter(
            Q(reported_expected__isnull=False)
            | Q(reported_attended__isnull=False)
            | Q(reported_rate__isnull=False)
        )
        .exclude(Exists(Attendance.objects.filter(session=OuterRef("pk"))))
    )


def _reported_aggregates(session: str) -> dict:
    """Sums of the reported counts, each made of parts that add up across rows.

    The rate is attended ÷ expected over the sessions that reported both (so weighted by
    expected); a session with only one of them adds to its total but not to the rate.
    reported_rate_sum/count give the plain average of the rates reported outright, used
    only when no session reported both counts: a conference reported as "over 95%" often
    comes without a headcount to weigh it by, so each conference weighs the same.
    """
    both = Q(
        **{
            f"{session}reported_expected__isnull": False,
            f"{session}reported_attended__isnull": False,
        }
    )
    return {
        "reported_sessions": Count(session.removesuffix("__") or "pk", distinct=True),
        "reported_expected": Sum(f"{session}reported_expected"),
        "reported_attended": Sum(f"{session}reported_attended"),
        "reported_sites": Sum(f"{session}reported_site_count"),
        "reported_rate_expected": Sum(f"{session}reported_expected", filter=both),
        "reported_rate_attended": Sum(f"{session}reported_attended", filter=both),
        "reported_rate_sum": Sum(f"{session}reported_rate"),
        "reported_rate_count": Count(f"{session}reported_rate"),
    }


def _reaches_subtree(root: Organisation, filters: ReportFilters) -> Exists:
    """For a StudySession: one of its participating units is in the root's subtree (and of
    the chosen kind/sector)."""
    units = SessionUnit.objects.filter(
        unit_match_q("organisation__path", root, filters),
        studysession=OuterRef("pk"),
        organisation__path__startswith=root.path,
    )
    return Exists(units.order_by())


def _first_in_its_bucket(root: Organisation, filters: ReportFilters) -> Q:
    """For a SessionUnit: no earlier row of its session falls in the same child's subtree,
    so a session held for two cells of one commune counts once for the commune."""
    length = child_prefix_length(root)
    earlier = (
        SessionUnit.objects.filter(
            unit_match_q("organisation__path", root, filters),
            studysession=OuterRef("studysession"),
            pk__lt=OuterRef("pk"),
        )
        .annotate(bucket=Substr("organisation__path", 1, length))
        .filter(bucket=Substr(OuterRef("organisation__path"), 1, length))
    )
    return ~Q(Exists(earlier.order_by()))


def reported_figures(root: Organisation, filters: ReportFilters, per_document: bool = False):
    """Counts-only sessions held for units in the subtree, as reported.

    Per child, each session reaching the child's subtree counts once for that child (a
    shared session counts in every child it reached); the total counts each session once.
    """
    rows = SessionUnit.objects.filter(
        unit_match_q("organisation__path", root, filters),
        _first_in_its_bucket(root, filters),
        organisation__path__startswith=root.path,
        studysession__in=counts_only_sessions(filters),
    )
    per_child = _grouped(
        rows,
        "organisation__path",
        root,
        "studysession__documents" if per_document else None,
        **_reported_aggregates("studysession__"),
    )
    sessions = counts_only_sessions(filters).filter(_reaches_subtree(root, filters))
    # Aliases must not shadow the session's own fields (reported_attended…) in aggregate().
    aggs = {f"total_{name}": agg for name, agg in _reported_aggregates("").items()}
    total = {
        doc: {key.removeprefix("total_"): value for key, value in row.items()}
        for doc, row in _by_doc(sessions, "documents" if per_document else None, **aggs).items()
    }
    return {"per_child": per_child, "total": total}


# --- trend ----------------------------------------------------------------------------


def monthly_trend(root: Organisation, filters: ReportFilters) -> list[dict]:
    """Per month: sessions, attendance recorded and attended in the subtree, and reported counts."""
    placed_in_subtree = MemberPlacement.objects.filter(
        unit_match_q("unit__path", root, filters),
        member=OuterRef("member"),
        unit__path__startswith=root.path,
        started_on__lte=OuterRef("session__held_on"),
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=OuterRef("session__held_on")))
    attendance = (
        Attendance.objects.filter(session__in=base_sessions(filters))
        .filter(Exists(placed_in_subtree))
        .annotate(month=TruncMonth("session__held_on"))
        .values("month")
        .annotate(
            recorded=Count("pk"),
            attended=Count("pk", filter=Q(status__in=ATTENDED)),
            sessions=Count("session", distinct=True),
        )
        .order_by("month")
    )
    both = Q(reported_expected__isnull=False, reported_attended__isnull=False)
    reported = (
        counts_only_sessions(filters)
        .filter(_reaches_subtree(root, filters))
        .annotate(month=TruncMonth("held_on"))
        .values("month")
        .annotate(
            # Only sessions that reported both counts make the month's attended ÷ expected.
            expected=Sum("reported_expected", filter=both),
            attended=Sum("reported_attended", filter=both),
            rate=Avg("reported_rate"),
            sessions=Count("pk"),
        )
        .order_by("month")
    )
    return {"roster": list(attendance), "reported": list(reported)}


# --- consistency checks ---------------------------------------------------------------


def consistency_issues(root: Organisation, limit: int = 200) -> dict[str, list]:
    """Data that cannot be right, under a unit; each list is one query."""
    in_tree = Q(participating_units__path__startswith=root.path) | Q(
        organiser__path__startswith=root.path
    )
    scoped_sessions = StudySession.objects.filter(in_tree).distinct()
    attended_count = SubqueryCount(
        Attendance.objects.filter(session=OuterRef("pk"), status__in=ATTENDED).values("pk")
    )
    # The database refuses reported attended > expected; a roster can still exceed it.
    over_100 = scoped_sessions.annotate(n_attended=attended_count).filter(
        Q(reported_rate__gt=100)
        | Q(reported_expected__isnull=False, reported_attended__gt=F("reported_expected"))
        | Q(reported_expected__isnull=False, n_attended__gt=F("reported_expected"))
    )
    before_document = scoped_sessions.filter(held_on__lt=F("documents__issued_on")).annotate(
        document_symbol=F("documents__symbol"), document_issued_on=F("documents__issued_on")
    )
    placed_in_participating = (
        MemberPlacement.objects.filter(
            member=OuterRef("member"), started_on__lte=OuterRef("session__held_on")
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=OuterRef("session__held_on")))
        .annotate(outer_session=OuterRef("session"))
        .filter(
            Exists(
                SessionUnit.objects.filter(studysession=OuterRef("outer_session"))
                .annotate(prefix=Substr(OuterRef("unit__path"), 1, Length("organisation__path")))
                .filter(organisation__path=F("prefix"))
            )
        )
    )
    stray_attendance = (
        Attendance.objects.filter(session__in=scoped_sessions)
        .exclude(Exists(placed_in_participating))
        .select_related("session", "member")
    )
    overlapping = MemberPlacement.objects.filter(
        Exists(
            MemberPlacement.objects.filter(member=OuterRef("member"), pk__gt=OuterRef("pk")).filter(
                Q(ended_on__isnull=True) | Q(ended_on__gt=OuterRef("started_on")),
                started_on__lt=Coalesce(
                    OuterRef("ended_on"), Value(FAR_FUTURE), output_field=DateField()
                ),
            )
        ),
        unit__path__startswith=root.path,
    ).select_related("member", "unit")
    site_totals = SessionSite.objects.filter(session=OuterRef("pk")).values("session")
    sites_over = (
        scoped_sessions.filter(reported_expected__isnull=False)
        .annotate(
            sites_attended=Subquery(site_totals.annotate(total=Sum("attended")).values("total")[:1])
        )
        .filter(sites_attended__gt=F("reported_expected"))
    )
    return {
        "over_100": list(over_100.order_by("-held_on")[:limit]),
        "before_document": list(before_document.order_by("-held_on")[:limit]),
        "stray_attendance": list(stray_attendance.order_by("-session__held_on")[:limit]),
        "overlapping_placements": list(overlapping.order_by("member__full_name")[:limit]),
        "sites_over_expected": list(sites_over.order_by("-held_on")[:limit]),
    }


# --- the records behind a figure (the admin lists the report links to) -----------------
# Each Q reuses the rule its figure is counted with, so the list shows as many rows as the
# figure (members required excepted: the figure counts member-sessions, the list members).


def path_and_above(path: str) -> list[str]:
    """A tree path and the paths of every unit above it."""
    return [path[: n * STEPLEN] for n in range(1, len(path) // STEPLEN + 1)]


def sessions_reaching_q(path: str) -> Q:
    """For a StudySession: it reaches the unit (held for it, a unit above it, or beneath it)."""
    reaching = SessionUnit.objects.filter(studysession=OuterRef("pk")).filter(
        Q(organisation__path__in=path_and_above(path)) | Q(organisation__path__startswith=path)
    )
    return Q(Exists(reaching.order_by()))


def attendance_placed_under_q(path: str) -> Q:
    """For an Attendance: its member was placed under the unit on the session's date and
    required at the session, the rule the attendance figures count by."""
    required_here = _sessions_requiring(ReportFilters(), None).filter(
        pk=OuterRef(OuterRef("session"))
    )
    placed = MemberPlacement.objects.filter(
        Exists(required_here), member=OuterRef("member"), unit__path__startswith=path
    )
    return Q(Exists(placed.order_by()))


def members_required_q(path: str, filters: ReportFilters) -> Q:
    """For a Member: required at a session of the period while placed under the unit."""
    doc_id = filters.document.pk if filters.document else None
    placements = MemberPlacement.objects.filter(
        member=OuterRef("pk"), unit__path__startswith=path
    ).filter(Exists(_sessions_requiring(filters, doc_id)))
    return Q(Exists(placements.order_by()))
