"""Compliance report queries over the maintained obligation rows.

Each figure family is one grouped query over its rows, grouped by the tree-path prefix of
the root's children (rows placed at the root itself group under the root's own path).
The figures themselves (what each counts) are declared once in reports_app/figures.py;
this module knows the families: where their rows come from, which field places a row in
the tree, which date puts it in a period and which document it is about.
"""

import datetime
from dataclasses import dataclass

from django.db.models import (
    Case,
    CharField,
    DateField,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Length, Substr, TruncMonth

from sessions_app.choices import AttendanceStatus
from sessions_app.models import (
    ActionProgramme,
    Attendance,
    AttendanceObligation,
    AttendanceTally,
    Document,
    Inspection,
    MemberPlacement,
    Organisation,
    RemediationItem,
    ReportObligation,
    ReportTally,
    SessionSite,
    StudySession,
)
from sessions_app.models.study import REPORTS_COUNTS

STEPLEN = Organisation.steplen
FAR_FUTURE = datetime.date(9999, 12, 31)
SessionUnit = StudySession.participating_units.through
ATTENDED = AttendanceStatus.attended_values()


@dataclass(frozen=True)
class ReportFilters:
    """What the manager asked for: one document or all, a period, a kind or sector of unit."""

    document: Document | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    kind: str = ""
    sector: str = ""


def child_prefix_length(root: Organisation) -> int:
    return (root.depth + 1) * STEPLEN


def ancestor_paths(root: Organisation) -> list[str]:
    """The root's own path and those of every unit above it."""
    return [root.path[: n * STEPLEN] for n in range(1, root.depth + 1)]


def unit_match_q(path_field: str, root_path: str, filters: ReportFilters) -> Q:
    """Rows placed under a unit of the chosen kind/sector (the unit itself or one above it)."""
    if not (filters.kind or filters.sector):
        return Q()
    units = Organisation.objects.filter(path__startswith=root_path)
    if filters.kind:
        units = units.filter(kind=filters.kind)
    if filters.sector:
        units = units.filter(sector=filters.sector)
    units = units.annotate(outer_prefix=Substr(OuterRef(path_field), 1, Length("path"))).filter(
        path=F("outer_prefix")
    )
    return Q(Exists(units.order_by()))


# --- families -----------------------------------------------------------------------


@dataclass(frozen=True)
class Family:
    """A kind of row figures count: its source, and the fields the filters apply to."""

    name: str
    path: str  # tree path of the unit the row belongs to
    date: str  # the date that puts the row in a period
    document: str  # the document(s) the row is about (for the filter and the matrix)

    def base(self) -> QuerySet:
        return FAMILY_SOURCES[self.name]()

    def rows(self, path: str, filters: ReportFilters, *, exact: bool = False) -> QuerySet:
        """Rows under the unit with this path (exact: placed at the unit itself), filtered."""
        qs = self.base()
        qs = qs.filter(**{self.path: path} if exact else {f"{self.path}__startswith": path})
        return self.filter(qs, filters, path)

    def filter(self, qs: QuerySet, filters: ReportFilters, root_path: str = "") -> QuerySet:
        if filters.document:
            qs = qs.filter(**{self.document: filters.document})
        if filters.date_from:
            qs = qs.filter(**{f"{self.date}__gte": filters.date_from})
        if filters.date_to:
            qs = qs.filter(**{f"{self.date}__lte": filters.date_to})
        return qs.filter(unit_match_q(self.path, root_path, filters))


def counts_only_sessions() -> QuerySet[StudySession]:
    """Sessions reported as counts (the seed conferences): figures but no attendance rows.

    Each is placed at the closest unit above all its participating units (a session of one
    unit at that unit): `lo` and `hi` are the smallest and largest participating paths, and
    their common prefix is every participant's.
    """
    paths = SessionUnit.objects.filter(studysession=OuterRef("pk")).values("studysession")
    return (
        StudySession.objects.filter(makeup_of__isnull=True)
        .filter(REPORTS_COUNTS)
        .exclude(Exists(Attendance.objects.filter(session=OuterRef("pk"))))
        .annotate(
            lo=Subquery(paths.annotate(p=Min("organisation__path")).values("p")[:1]),
            hi=Subquery(paths.annotate(p=Max("organisation__path")).values("p")[:1]),
        )
        .filter(lo__isnull=False)
    )


FAMILY_SOURCES = {
    "attend": lambda: AttendanceObligation.objects.all(),
    "write": lambda: ReportObligation.objects.all(),
    "reported": counts_only_sessions,
    "programme": lambda: ActionProgramme.objects.all(),
    "inspection": lambda: Inspection.objects.all(),
    "remediation": lambda: RemediationItem.objects.all(),
}
FAMILIES = {
    "attend": Family("attend", "unit_path", "held_on", "session__documents"),
    "write": Family("write", "unit_path", "studied_on", "document"),
    "reported": Family("reported", "lo", "held_on", "documents"),
    "programme": Family("programme", "unit__path", "issued_on", "document"),
    "inspection": Family("inspection", "inspected_unit__path", "started_on", "documents"),
    "remediation": Family(
        "remediation",
        "inspection__inspected_unit__path",
        "inspection__started_on",
        "inspection__documents",
    ),
}


def _bucket(family: Family, root: Organisation):
    """The child whose subtree holds the row, or the root's own path for its own rows."""
    if family.name != "reported":
        return Substr(family.path, 1, child_prefix_length(root))
    length = child_prefix_length(root)
    # A counts-only session shared by several children belongs to the root itself.
    return Case(
        When(
            Q(lo_child=F("hi_child")) & Q(lo_length__gte=length),
            then=F("lo_child"),
        ),
        default=Value(root.path),
        output_field=CharField(),
    )


def _reported_rows(root: Organisation, filters: ReportFilters) -> QuerySet:
    return FAMILIES["reported"].rows(root.path, filters).filter(hi__startswith=root.path)


def family_rows(name: str, root: Organisation, filters: ReportFilters) -> QuerySet:
    """The family's rows in the root's subtree, filtered."""
    if name == "reported":
        return _reported_rows(root, filters)
    return FAMILIES[name].rows(root.path, filters)


# --- figures per child ------------------------------------------------------------------
#
# The attend and write families are counted from their tallies: the obligation rows
# already counted per tree level (sessions_app.models.obligations.TallyBase), so that a
# report reads one row per child, session and combination of the counted fields instead of
# every obligation row in the subtree. The tallies keep the obligation rows' field names,
# so a figure's condition and the filters apply to both unchanged. A kind or sector filter
# asks about units below the children, which the tallies do not keep: it reads the rows.

TALLY_SOURCES = {"attend": AttendanceTally, "write": ReportTally}


def from_tallies(name: str, filters: ReportFilters) -> bool:
    return name in TALLY_SOURCES and not (filters.kind or filters.sector)


def tally_rows(name: str, root: Organisation, filters: ReportFilters, *, children: bool):
    """The family's tallies under the root, filtered: per child and the root's own rows
    (children=True), or the root's whole subtree in one level (children=False)."""
    here = Q(level=root.depth, unit_path=root.path)
    if children:
        here = Q(level=root.depth + 1, unit_path__startswith=root.path) | (here & Q(own=True))
    return FAMILIES[name].filter(TALLY_SOURCES[name].objects.filter(here), filters)


def _split(name: str, filters: ReportFilters, figures, context) -> tuple[dict, list]:
    """The figures' aggregates over the tallies, and those that must read the rows, as
    [(aggregates, condition)]: all in one query where the rows are the source, one query
    each beside the tallies (the condition in WHERE lets an index find the few rows)."""
    if not from_tallies(name, filters):
        return {}, [({f.key: f.aggregate(context) for f in figures}, Q())]
    tallied = {f.key: f.aggregate(context, from_tallies=True) for f in figures if f.tallied}
    raw = [({f.key: f.aggregate(context)}, f.condition(context)) for f in figures if not f.tallied]
    return tallied, raw


def _merge(*parts: dict) -> dict:
    merged: dict = {}
    for part in parts:
        for key, values in part.items():
            merged.setdefault(key, {}).update(values)
    return merged


def grouped(name, root, filters, figures, context, *, per_document: bool = False) -> dict:
    """{(bucket, document): {figure key: value}}: one query over the tallies (and one over
    the rows for figures the tallies cannot answer). bucket is a child's path or the root's
    own; document is None unless per_document."""
    tallied, raw = _split(name, filters, figures, context)
    keys = {"bucket": F("unit_path")}
    if per_document:
        keys["doc"] = F(FAMILIES[name].document)
    parts = []
    if tallied:
        qs = tally_rows(name, root, filters, children=True)
        parts.append(_by_keys(qs, keys, tallied))
    for aggregates, condition in raw:
        parts.append(_grouped_rows(name, root, filters, aggregates, condition, per_document))
    return _merge(*parts)


def _by_keys(qs: QuerySet, keys: dict, aggregates: dict) -> dict:
    rows = qs.annotate(**keys).values(*keys).annotate(**_aliased(aggregates)).order_by()
    return {(row["bucket"], row.get("doc")): _unaliased(row) for row in rows}


def _grouped_rows(name, root, filters, aggregates, condition, per_document) -> dict:
    family = FAMILIES[name]
    qs = family_rows(name, root, filters).filter(condition)
    if name == "reported":
        length = child_prefix_length(root)
        qs = qs.annotate(
            lo_child=Substr("lo", 1, length),
            hi_child=Substr("hi", 1, length),
            lo_length=Length("lo"),
        )
    keys = {"bucket": _bucket(family, root)}
    if per_document:
        keys["doc"] = F(family.document)
    return _by_keys(qs, keys, aggregates)


# Aggregate names must not shadow the rows' own fields (reported_expected…).
def _aliased(aggregates: dict) -> dict:
    return {f"figure__{key}": value for key, value in aggregates.items()}


def _unaliased(row: dict) -> dict:
    return {key.removeprefix("figure__"): value for key, value in row.items()}


def _subtree_sources(name, root, filters, tallied: dict, raw: list) -> list[tuple]:
    """(aggregates, the rows they read) over the root's whole subtree."""
    sources = [(aggs, family_rows(name, root, filters).filter(where)) for aggs, where in raw]
    if tallied:
        sources.append((tallied, tally_rows(name, root, filters, children=False)))
    return sources


def totals(name, root, filters, figures, context, per_document=False) -> dict:
    """{document: {figure key: value}} over the whole subtree (for figures that do not add
    up, like sessions)."""
    tallied, raw = _split(name, filters, figures, context)
    family = FAMILIES[name]
    parts = []
    for aggregates, qs in _subtree_sources(name, root, filters, tallied, raw):
        if not per_document:
            parts.append({None: _unaliased(qs.aggregate(**_aliased(aggregates)))})
            continue
        rows = qs.annotate(doc=F(family.document)).values("doc").annotate(**_aliased(aggregates))
        parts.append({row["doc"]: _unaliased(row) for row in rows.order_by()})
    return _merge(*parts)


# --- units and documents ----------------------------------------------------------------


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
    """Documents of the sessions counted in the root's subtree in the period (matrix columns).

    Candidate sessions come from the small session tables (those reaching the subtree); an
    EXISTS on the obligation rows of each keeps those with members required under the root.
    """
    reaching = SessionUnit.objects.filter(
        Q(organisation__path__startswith=root.path) | Q(organisation__path__in=ancestor_paths(root))
    ).values("studysession")
    if from_tallies("attend", filters):
        required_here = AttendanceTally.objects.filter(
            session=OuterRef("pk"), level=root.depth, unit_path=root.path, counts_only=False
        )
    else:
        required_here = AttendanceObligation.objects.filter(
            session=OuterRef("pk"), unit_path__startswith=root.path, counts_only=False
        )
    sessions = StudySession.objects.filter(pk__in=reaching, makeup_of__isnull=True)
    if filters.date_from:
        sessions = sessions.filter(held_on__gte=filters.date_from)
    if filters.date_to:
        sessions = sessions.filter(held_on__lte=filters.date_to)
    sessions = sessions.filter(
        Exists(required_here.filter(unit_match_q("unit_path", root.path, filters)))
    )
    docs = set(
        Document.objects.filter(sessions__in=sessions.values("pk")).values_list("pk", flat=True)
    )
    reported = _reported_rows(root, filters).values("pk")
    docs |= set(Document.objects.filter(sessions__in=reported).values_list("pk", flat=True))
    if filters.document:
        docs &= {filters.document.pk}
    return list(Document.objects.filter(pk__in=docs).order_by("-issued_on", "symbol")[:limit])


# --- trend ----------------------------------------------------------------------------


def monthly_trend(root: Organisation, filters: ReportFilters, figures: dict, context) -> dict:
    """Per month: the attendance and reported aggregates the participation rate is made of.
    figures: {family: [figures]}."""
    result = {}
    for name, wanted in figures.items():
        tallied, raw = _split(name, filters, wanted, context)
        parts = []
        for aggregates, qs in _subtree_sources(name, root, filters, tallied, raw):
            rows = (
                qs.annotate(month=TruncMonth(FAMILIES[name].date))
                .values("month")
                .annotate(**_aliased(aggregates))
                .order_by("month")
            )
            parts.append({row["month"]: _unaliased(row) for row in rows})
        result[name] = [{"month": month, **values} for month, values in _merge(*parts).items()]
    return result


# --- consistency checks ---------------------------------------------------------------


class SubqueryCount(Subquery):
    """COUNT(*) of a correlated subquery."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _counted)"
    output_field = IntegerField()


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
    # Attendance recorded for a member who was not required there (no obligation row).
    required = AttendanceObligation.objects.filter(
        member=OuterRef("member"), session=OuterRef("session")
    )
    makeup_required = AttendanceObligation.objects.filter(
        member=OuterRef("member"), session=OuterRef("session__makeup_of")
    )
    stray_attendance = (
        Attendance.objects.filter(session__in=scoped_sessions)
        .exclude(Exists(required))
        .exclude(Exists(makeup_required))
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


# --- the admin lists the older report links open ---------------------------------------


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
    """For an Attendance: its member was required at the session while placed under the unit."""
    required = AttendanceObligation.objects.filter(
        member=OuterRef("member"), session=OuterRef("session"), unit_path__startswith=path
    )
    return Q(Exists(required.order_by()))


def members_required_q(path: str, filters: ReportFilters) -> Q:
    """For a Member: required at a session of the period while placed under the unit."""
    rows = FAMILIES["attend"].rows(path, filters).filter(member=OuterRef("pk"), counts_only=False)
    return Q(Exists(rows.order_by()))
