"""Keeping the obligation rows true: who had to attend which session, who owes which report.

The rows are derived from the study log (placements, exemptions, sessions and their units,
audiences and documents, attendance, make-ups, written reports). Every service that changes
one of those inputs calls `obligations_refresh` (or `report_obligations_link` for written
reports) in its own transaction; imports call it once per checked chunk.

One set-based SQL statement states the rule (`_attendance_select`), and the report rows
follow from the attendance rows (`_report_select`). A refresh runs them for the touched
members and sessions and writes only the difference; a rebuild inserts their whole result.
`sessions_app/obligations_oracle.py` computes the same rows the slow, obvious way, session by
session, from the live definition (`selectors.members_required_at`); the property test and
`manage.py check_obligations` hold the two equal.
"""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from sessions_app.choices import AttendanceStatus, Audience
from sessions_app.lookups import any_of, in_sql
from sessions_app.models import (
    Attendance,
    AttendanceObligation,
    AttendanceTally,
    Document,
    Exemption,
    Member,
    MemberPlacement,
    Organisation,
    ReportObligation,
    ReportTally,
    StudySession,
    WrittenReport,
)

ATTENDED = [AttendanceStatus.PRESENT.value, AttendanceStatus.LATE.value]
ABSENT = [AttendanceStatus.ABSENT_EXCUSED.value, AttendanceStatus.ABSENT_UNEXCUSED.value]
CHUNK = 2000  # ids per IN (…) list: far below SQLite's and psycopg's parameter limits

ATTENDANCE_FIELDS = (
    "unit_id",
    "unit_path",
    "held_on",
    "audience",
    "status",
    "made_up_by_id",
    "counts_only",
)
REPORT_FIELDS = (
    "session_id",
    "unit_id",
    "unit_path",
    "studied_on",
    "due_on",
    "must_add_action_plan",
    "report_id",
    "report_status",
    "has_action_plan",
)


def report_due_days() -> int:
    """Days a member has to hand in a written report after the study that created it."""
    return int(getattr(settings, "WRITTEN_REPORT_DUE_DAYS", 30))


def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _chunks(ids: Iterable[int]) -> list[list[int]]:
    ids = sorted(set(ids))
    return [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]


def _in(column: str, ids: list[int]) -> tuple[str, list]:
    return in_sql(column, ids)


# --- the rule, as SQL ------------------------------------------------------------------


def _depths_cte() -> str:
    """Tree depths 1..the deepest a path can hold: joining a unit to each depth above it
    yields its ancestors by equality on the path prefix, which both databases can hash or
    index (a prefix LIKE against a column cannot use an index)."""
    deepest = Organisation._meta.get_field("path").max_length // Organisation.steplen
    return "WITH depths(k) AS (VALUES " + ", ".join(f"({k})" for k in range(1, deepest + 1)) + ")"


def _attendance_select(scope: str) -> str:
    """Rows (member, session, unit, path, date, audience, status, made up by, counts only):
    every member required at a session that is not a make-up.

    Required: placed on the session's date in a unit at or under one of its participating
    units, joined the party by then, not exempted that day; at a key-cadre session only
    leaders and committee members. Overlapping placements (bad data) place the member in
    the one that started last. `scope` is a condition on p (placement), s (session) or u
    (the member's unit).
    """
    steplen = Organisation.steplen
    att, ses = _t(Attendance), _t(StudySession)
    return f"""
    SELECT member_id, session_id, unit_id, unit_path, held_on, audience, status,
           made_up_by_id, counts_only
    FROM (
        SELECT p.member_id AS member_id, s.id AS session_id, p.unit_id AS unit_id,
               u.path AS unit_path, s.held_on AS held_on, s.audience AS audience,
               COALESCE(a.status, '') AS status,
               CASE WHEN a.status IN (%s, %s) THEN (
                   SELECT mk.id FROM {ses} mk JOIN {att} ma ON ma.session_id = mk.id
                   WHERE mk.makeup_of_id = s.id AND ma.member_id = p.member_id
                     AND ma.status IN (%s, %s)
                   ORDER BY mk.held_on, mk.id LIMIT 1
               ) END AS made_up_by_id,
               CASE WHEN (s.reported_expected IS NOT NULL OR s.reported_attended IS NOT NULL
                          OR s.reported_rate IS NOT NULL)
                     AND NOT EXISTS (SELECT 1 FROM {att} a2 WHERE a2.session_id = s.id)
                    THEN TRUE ELSE FALSE END AS counts_only,
               ROW_NUMBER() OVER (
                   PARTITION BY p.member_id, s.id ORDER BY p.started_on DESC, p.id DESC
               ) AS rn
        FROM {_t(MemberPlacement)} p
        JOIN {_t(Member)} m ON m.id = p.member_id
        JOIN {_t(Organisation)} u ON u.id = p.unit_id
        JOIN depths d ON d.k <= u.depth
        JOIN {_t(Organisation)} pu ON pu.path = SUBSTR(u.path, 1, d.k * {steplen})
        JOIN {_t(StudySession.participating_units.through)} su ON su.organisation_id = pu.id
        JOIN {ses} s ON s.id = su.studysession_id
        LEFT JOIN {att} a ON a.session_id = s.id AND a.member_id = p.member_id
        WHERE s.makeup_of_id IS NULL
          AND p.started_on <= s.held_on AND (p.ended_on IS NULL OR p.ended_on > s.held_on)
          AND m.joined_on <= s.held_on
          AND (s.audience <> %s OR m.is_leader OR m.committee_role <> '')
          AND NOT EXISTS (
              SELECT 1 FROM {_t(Exemption)} e
              WHERE e.member_id = p.member_id AND e.started_on <= s.held_on
                AND (e.ended_on IS NULL OR e.ended_on >= s.held_on)
          )
          AND ({scope})
    ) x
    WHERE rn = 1
    """


def _attendance_params(scope_params: list) -> list:
    return [*ABSENT, *ATTENDED, Audience.KEY_CADRES.value, *scope_params]


def _due_on_sql(column: str) -> str:
    days = int(report_due_days())  # an int from settings, safe to inline
    if connection.vendor == "postgresql":
        return f"({column} + {days})"
    return f"DATE({column}, '+{days} days')"


def _report_select(scope: str, *, with_due_on: bool = False) -> str:
    """Rows (member, document, session, unit, path, studied on, [due on,] must plan, report,
    report status, has plan): one per member and document needing a written report, from
    the member's earliest required session on it (counts-only sessions included: the
    report is owed whether or not the roll call was recorded)."""
    due = f"{_due_on_sql('studied_on')} AS due_on," if with_due_on else ""
    return f"""
    SELECT member_id, document_id, session_id, unit_id, unit_path, studied_on, {due}
           must_add_action_plan, report_id, report_status, has_action_plan
    FROM (
        SELECT o.member_id AS member_id, sd.document_id AS document_id,
               o.session_id AS session_id, o.unit_id AS unit_id, o.unit_path AS unit_path,
               o.held_on AS studied_on,
               CASE WHEN m.is_leader OR m.committee_role <> '' THEN TRUE ELSE FALSE END
                   AS must_add_action_plan,
               w.id AS report_id, COALESCE(w.status, '') AS report_status,
               CASE WHEN w.id IS NOT NULL AND w.action_plan <> '' THEN TRUE ELSE FALSE END
                   AS has_action_plan,
               ROW_NUMBER() OVER (
                   PARTITION BY o.member_id, sd.document_id ORDER BY o.held_on, o.session_id
               ) AS rn
        FROM {_t(AttendanceObligation)} o
        JOIN {_t(StudySession.documents.through)} sd ON sd.studysession_id = o.session_id
        JOIN {_t(Document)} doc ON doc.id = sd.document_id
        JOIN {_t(Member)} m ON m.id = o.member_id
        LEFT JOIN {_t(WrittenReport)} w
            ON w.member_id = o.member_id AND w.document_id = sd.document_id
        WHERE doc.report_required AND ({scope})
    ) x
    WHERE rn = 1
    """


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _as_date(value) -> datetime.date:
    # SQLite hands dates back as ISO strings from raw SQL.
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


# --- desired rows for a scope ------------------------------------------------------------


def _desired_attendance(*, member_ids=(), session_ids=()) -> dict[tuple, tuple]:
    rows = []
    depths = _depths_cte()
    for column, ids in (("p.member_id", member_ids), ("s.id", session_ids)):
        for chunk in _chunks(ids):
            scope, params = _in(column, chunk)
            rows += _fetch(depths + _attendance_select(scope), _attendance_params(params))
    return {(r[0], r[1]): (r[2], r[3], _as_date(r[4]), r[5], r[6], r[7], bool(r[8])) for r in rows}


def _desired_reports(*, member_ids=(), pairs=(), document_ids=()) -> dict[tuple, tuple]:
    """For whole members, for (members × documents) blocks, and for whole documents."""
    rows = []
    for column, ids in (("o.member_id", member_ids), ("sd.document_id", document_ids)):
        for chunk in _chunks(ids):
            scope, params = _in(column, chunk)
            rows += _fetch(_report_select(scope), params)
    for members, documents in pairs:
        for doc_chunk in _chunks(documents):
            doc_scope, doc_params = _in("sd.document_id", doc_chunk)
            for chunk in _chunks(members):
                scope, params = _in("o.member_id", chunk)
                rows += _fetch(_report_select(f"{scope} AND {doc_scope}"), params + doc_params)
    due = datetime.timedelta(days=report_due_days())
    desired = {}
    for r in rows:
        studied_on = _as_date(r[5])
        desired[(r[0], r[1])] = (
            r[2],
            r[3],
            r[4],
            studied_on,
            studied_on + due,
            bool(r[6]),
            r[7],
            r[8],
            bool(r[9]),
        )
    return desired


def _existing(model, keys: tuple[str, str], fields: tuple[str, ...], q: Q) -> dict:
    rows = model.objects.filter(q).values_list("pk", *keys, *fields)
    return {(r[1], r[2]): (r[0], tuple(r[3:])) for r in rows}


def _apply(model, keys: tuple[str, str], fields, desired: dict, existing: dict) -> set:
    """Write the difference; return the keys that changed (inserted, updated or deleted)."""
    stale = [pk for key, (pk, _) in existing.items() if key not in desired]
    changed_keys = {key for key in existing if key not in desired}
    updates, creates = [], []
    for key, values in desired.items():
        found = existing.get(key)
        if found is None:
            creates.append(
                model(**dict(zip(keys, key, strict=True)), **dict(zip(fields, values, strict=True)))
            )
            changed_keys.add(key)
        elif found[1] != values:
            updates.append(model(pk=found[0], **dict(zip(fields, values, strict=True))))
            changed_keys.add(key)
    for chunk in _chunks(stale):
        model.objects.filter(pk__in=chunk).delete()
    if updates:
        model.objects.bulk_update(updates, list(fields), batch_size=1000)
    if creates:
        model.objects.bulk_create(creates, batch_size=1000)
    return changed_keys


def _ids_q(field: str, ids) -> Q:
    ids = set(ids)
    return Q(any_of(field, ids)) if ids else Q(pk__in=[])


# --- tallies -------------------------------------------------------------------------------

# (tally model, obligation model, the obligation columns a tally groups by)
TALLIES = (
    (
        AttendanceTally,
        AttendanceObligation,
        ("session_id", "held_on", "status", "made_up_by_id", "counts_only"),
    ),
    (
        ReportTally,
        ReportObligation,
        (
            "session_id",
            "document_id",
            "studied_on",
            "report_status",
            "must_add_action_plan",
            "has_action_plan",
        ),
    ),
)


def _tally_select(obligation, columns: tuple[str, ...], scope: str) -> str:
    """Count an obligation table's rows at every level of their unit's path: one row per
    level, level unit, own or beneath, and value of the grouped columns."""
    steplen = Organisation.steplen
    prefix = f"SUBSTR(o.unit_path, 1, d.k * {steplen})"
    own = f"(LENGTH(o.unit_path) = d.k * {steplen})"
    grouped = ", ".join(f"o.{column}" for column in columns)
    return f"""
    SELECT d.k, {prefix}, {own}, {grouped}, COUNT(*)
    FROM {_t(obligation)} o JOIN depths d ON d.k * {steplen} <= LENGTH(o.unit_path)
    WHERE {scope}
    GROUP BY d.k, {prefix}, {own}, {grouped}
    """


def _tally_insert(tally, obligation, columns, scope: str, params: list) -> None:
    target = ", ".join(["level", "unit_path", "own", *columns, "n"])
    with connection.cursor() as cursor:
        cursor.execute(
            _depths_cte()
            + f" INSERT INTO {_t(tally)} ({target}) "
            + _tally_select(obligation, columns, scope),
            params,
        )


def tallies_refresh(
    *, attendance_session_ids: Iterable[int] = (), report_session_ids: Iterable[int] = ()
) -> None:
    """Count again the tallies of these sessions (to attend, and to write from the study).

    Two transactions recounting one session at once would each delete what it saw and
    both insert: the count would double. Locking the sessions first (in id order, so two
    recounts cannot wait on each other) makes the second wait, then count what the first
    committed.
    """
    attendance_session_ids, report_session_ids = (
        set(attendance_session_ids),
        set(report_session_ids),
    )
    for chunk in _chunks(attendance_session_ids | report_session_ids):
        list(
            StudySession.objects.select_for_update()
            .filter(pk__in=chunk)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    for (tally, obligation, columns), ids in zip(
        TALLIES, (attendance_session_ids, report_session_ids), strict=True
    ):
        for chunk in _chunks(ids):
            tally.objects.filter(session_id__in=chunk).delete()
            scope, params = _in("o.session_id", chunk)
            _tally_insert(tally, obligation, columns, scope, params)


def tallies_rebuild() -> None:
    """Count every tally afresh from the obligation rows."""
    for tally, obligation, columns in TALLIES:
        tally.objects.all().delete()
        _tally_insert(tally, obligation, columns, "1 = 1", [])


def obligation_sessions(model, q: Q) -> set[int]:
    """The sessions whose tallies count the obligation rows matching q."""
    return set(model.objects.filter(q).values_list("session_id", flat=True).distinct())


# --- entry points ------------------------------------------------------------------------


@transaction.atomic
def obligations_refresh(
    *,
    member_ids: Iterable[int] | None = None,
    session_ids: Iterable[int] | None = None,
    document_ids: Iterable[int] | None = None,
) -> dict[str, int]:
    """Make the obligation rows of these members, sessions and documents true again.

    Call it after any write that changes who was required where (members, placements,
    exemptions, sessions, their units, documents, audience or date, attendance, make-ups)
    with the ids it touched; deleted records' ids are fine. Writes only what moved.
    Returns how many to-attend and to-write rows changed.
    """
    member_ids = set(member_ids or ())
    session_ids = set(session_ids or ())
    document_ids = set(document_ids or ())
    if session_ids:
        # A make-up's roll call changes the session it makes up for; so does unlinking it.
        originals = StudySession.objects.filter(
            pk__in=session_ids, makeup_of__isnull=False
        ).values_list("makeup_of_id", flat=True)
        made_up = AttendanceObligation.objects.filter(made_up_by_id__in=session_ids).values_list(
            "session_id", flat=True
        )
        session_ids |= set(originals.order_by().union(made_up.order_by()).order_by())
    attendance_q = _ids_q("member_id", member_ids) | _ids_q("session_id", session_ids)
    existing = _existing(
        AttendanceObligation, ("member_id", "session_id"), ATTENDANCE_FIELDS, attendance_q
    )
    desired = _desired_attendance(member_ids=member_ids, session_ids=session_ids)
    changed = _apply(
        AttendanceObligation, ("member_id", "session_id"), ATTENDANCE_FIELDS, desired, existing
    )

    # Report rows follow from the attendance rows: whole members where the member changed,
    # the sessions' documents for members whose rows at those sessions moved.
    session_members = {member for member, _ in changed} - member_ids
    session_documents = set()
    if session_ids:
        session_documents = set(
            StudySession.documents.through.objects.filter(
                studysession_id__in=session_ids
            ).values_list("document_id", flat=True)
        ) | set(
            ReportObligation.objects.filter(session_id__in=session_ids).values_list(
                "document_id", flat=True
            )
        )
        session_members |= {
            member for member, session in desired if session in session_ids
        } - member_ids
    pairs = []
    if session_members and session_documents:
        pairs.append((session_members, session_documents))
    report_q = _ids_q("member_id", member_ids) | _ids_q("document_id", document_ids)
    for members, documents in pairs:
        report_q |= _ids_q("member_id", members) & _ids_q("document_id", documents)
    existing_reports = _existing(
        ReportObligation, ("member_id", "document_id"), REPORT_FIELDS, report_q
    )
    desired_reports = _desired_reports(
        member_ids=member_ids, pairs=pairs, document_ids=document_ids
    )
    changed_reports = _apply(
        ReportObligation,
        ("member_id", "document_id"),
        REPORT_FIELDS,
        desired_reports,
        existing_reports,
    )
    session_of = REPORT_FIELDS.index("session_id")
    tallies_refresh(
        attendance_session_ids={session for _, session in changed},
        report_session_ids={
            values[session_of]
            for key in changed_reports
            for values in (existing_reports.get(key, (None, ()))[1], desired_reports.get(key, ()))
            if values
        },
    )
    return {"attendance": len(changed), "reports": len(changed_reports)}


@transaction.atomic
def report_obligations_link(*, member_ids: Iterable[int]) -> int:
    """Point these members' to-write rows at their written reports and copy the report's
    status and action plan: after a report is created, submitted, reviewed, moved or deleted.
    """
    member_ids = set(member_ids)
    if not member_ids:
        return 0
    sessions = set()
    for chunk in _chunks(member_ids):
        sessions |= obligation_sessions(
            ReportObligation, Q(member_id__in=chunk) | Q(report__member_id__in=chunk)
        )
    # A report moved to another member or document first leaves the row that pointed at it
    # (the one-to-one link would otherwise collide mid-update).
    ReportObligation.objects.filter(report__member_id__in=member_ids).exclude(
        member_id=F("report__member_id"), document_id=F("report__document_id")
    ).update(report=None, report_status="", has_action_plan=False)
    theirs = WrittenReport.objects.filter(
        member_id=OuterRef("member_id"), document_id=OuterRef("document_id")
    )
    updated = 0
    for chunk in _chunks(member_ids):
        updated += ReportObligation.objects.filter(member_id__in=chunk).update(
            report_id=Subquery(theirs.values("pk")[:1]),
            report_status=Coalesce(Subquery(theirs.values("status")[:1]), Value("")),
            has_action_plan=Exists(theirs.exclude(action_plan="")),
        )
    tallies_refresh(report_session_ids=sessions)
    return updated


def _members_sessions(members) -> tuple[set[int], set[int]]:
    """The sessions of these members' to-attend rows and of their to-write rows."""
    q = Q(member_id__in=members)
    return obligation_sessions(AttendanceObligation, q), obligation_sessions(ReportObligation, q)


@transaction.atomic
def obligations_rebuild(
    *, root: Organisation | None = None, tallies: bool = True
) -> dict[str, int]:
    """Rebuild every obligation row (root=None) or those of every member ever placed in the
    root's subtree, with two INSERT … SELECT statements. For migrations, repairs and
    generated data; day-to-day writes use obligations_refresh."""
    if root is None:
        member_scope, member_params = "1 = 1", []
        report_scope = "1 = 1"
        AttendanceObligation.objects.all().delete()
        ReportObligation.objects.all().delete()
    else:
        placed = (
            f"SELECT pp.member_id FROM {_t(MemberPlacement)} pp "
            f"JOIN {_t(Organisation)} pu2 ON pu2.id = pp.unit_id WHERE pu2.path LIKE %s"
        )
        member_scope, member_params = f"p.member_id IN ({placed})", [f"{root.path}%"]
        report_scope = f"o.member_id IN ({placed})"
        members = MemberPlacement.objects.filter(unit__path__startswith=root.path).values(
            "member_id"
        )
        touched = _members_sessions(members)
        AttendanceObligation.objects.filter(member_id__in=members).delete()
        ReportObligation.objects.filter(member_id__in=members).delete()
    columns = ["member_id", "session_id", *ATTENDANCE_FIELDS]
    report_columns = ["member_id", "document_id", *REPORT_FIELDS]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One sort of every placement × session: give it memory rather than disk.
            cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute(
            _depths_cte()
            + f" INSERT INTO {_t(AttendanceObligation)} ({', '.join(columns)}) "
            + _attendance_select(member_scope),
            _attendance_params(member_params),
        )
        cursor.execute(
            f"INSERT INTO {_t(ReportObligation)} ({', '.join(report_columns)}) "
            + _report_select(report_scope, with_due_on=True),
            member_params,
        )
    if tallies and root is None:
        tallies_rebuild()
    elif tallies:
        after = _members_sessions(members)
        tallies_refresh(
            attendance_session_ids=touched[0] | after[0],
            report_session_ids=touched[1] | after[1],
        )
    # SQLite reports no row count for INSERT … SELECT behind a WITH clause: count instead.
    attendance, reports = AttendanceObligation.objects.all(), ReportObligation.objects.all()
    if root is not None:
        attendance = attendance.filter(member_id__in=members)
        reports = reports.filter(member_id__in=members)
    return {"attendance": attendance.count(), "reports": reports.count()}


# --- what a changed record touches ---------------------------------------------------------


def refresh_scope(instance, *, deleting: bool = False) -> dict[str, set[int]]:
    """The obligations_refresh arguments after this record is saved (or before it is deleted:
    its rows cascade away, so the members they belonged to are collected first).

    Records that carry no input of the obligations give an empty scope.
    """
    scope: dict[str, set[int]] = {}
    if isinstance(instance, StudySession):
        scope["session_ids"] = {instance.pk}
        if instance.makeup_of_id:
            scope["session_ids"].add(instance.makeup_of_id)
        if deleting:
            scope["member_ids"] = set(
                AttendanceObligation.objects.filter(session=instance).values_list(
                    "member_id", flat=True
                )
            ) | set(
                ReportObligation.objects.filter(session=instance).values_list(
                    "member_id", flat=True
                )
            )
    elif isinstance(instance, Member):
        scope["member_ids"] = {instance.pk}
        if deleting:  # its rows cascade away with it: recount the sessions they were in
            scope["attendance_session_ids"], scope["report_session_ids"] = _members_sessions(
                [instance.pk]
            )
    elif isinstance(instance, MemberPlacement | Exemption):
        scope["member_ids"] = {instance.member_id}
    elif isinstance(instance, Attendance):
        scope["session_ids"] = {instance.session_id}
    elif isinstance(instance, Document):
        scope["document_ids"] = {instance.pk}
    elif isinstance(instance, WrittenReport):
        scope["report_member_ids"] = {instance.member_id}
    return scope


def merge_scopes(scopes: Iterable[dict[str, set[int]]]) -> dict[str, set[int]]:
    merged: dict[str, set[int]] = {}
    for scope in scopes:
        for key, ids in scope.items():
            merged.setdefault(key, set()).update(ids)
    return merged


@transaction.atomic
def obligations_refresh_scope(
    *,
    member_ids: Iterable[int] = (),
    session_ids: Iterable[int] = (),
    document_ids: Iterable[int] = (),
    report_member_ids: Iterable[int] = (),
    attendance_session_ids: Iterable[int] = (),
    report_session_ids: Iterable[int] = (),
) -> None:
    """Run what a scope from refresh_scope asks for (the admin calls this after a save)."""
    if member_ids or session_ids or document_ids:
        obligations_refresh(
            member_ids=member_ids, session_ids=session_ids, document_ids=document_ids
        )
    if report_member_ids:
        report_obligations_link(member_ids=report_member_ids)
    if attendance_session_ids or report_session_ids:
        tallies_refresh(
            attendance_session_ids=attendance_session_ids, report_session_ids=report_session_ids
        )
