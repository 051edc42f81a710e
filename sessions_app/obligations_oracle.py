"""The live as-of definition of the obligations, computed the slow, obvious way.

This is the reference the maintained rows (sessions_app/obligations.py) are held equal to:
by the property test, and by `manage.py check_obligations` in production. It goes session
by session through `selectors.members_required_at` (the rule the roll call itself checks:
placed in a participating unit's subtree on the day, joined by then, not exempted, and for
a key-cadre session a leader or committee member), then reads each member's attendance,
make-ups and written reports. Never use it to draw a report: it runs a query per session.

The rules it states, and which the report's "Cách tính số liệu" page repeats:
- a make-up session owes no attendance of its own; it closes the absence (excused or not)
  of a member who missed the session it makes up for, when the member attended it;
- a session reported only as counts (reported figures, no roll call) still places its
  required members, marked counts_only, so roster figures can leave it out;
- a written report is owed once per member and document that needs one, by the first
  session on that document at which the member was required, placed where the member was
  on that day, due a fixed number of days later (settings.WRITTEN_REPORT_DUE_DAYS).
"""

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q

from sessions_app.choices import AttendanceStatus
from sessions_app.models import (
    Attendance,
    AttendanceObligation,
    Member,
    MemberPlacement,
    Organisation,
    ReportObligation,
    StudySession,
    WrittenReport,
)
from sessions_app.obligations import (
    ATTENDANCE_FIELDS,
    REPORT_FIELDS,
    TALLIES,
    obligation_sessions,
    report_due_days,
)
from sessions_app.selectors import members_required_at

ATTENDED = set(AttendanceStatus.attended_values())


def _reaching_sessions(member_ids: set[int] | None):
    """Sessions that are not make-ups and could require these members (None: all)."""
    sessions = StudySession.objects.filter(makeup_of__isnull=True)
    if member_ids is None:
        return sessions
    unit_paths = set(
        MemberPlacement.objects.filter(member_id__in=member_ids).values_list(
            "unit__path", flat=True
        )
    )
    steplen = Organisation.steplen
    ancestors = {path[:n] for path in unit_paths for n in range(steplen, len(path) + 1, steplen)}
    return sessions.filter(participating_units__path__in=ancestors).distinct()


def expected_attendance(member_ids: Iterable[int] | None = None) -> dict[tuple, tuple]:
    """{(member_id, session_id): (unit_id, unit_path, held_on, audience, status, made_up_by_id,
    counts_only)} by the live definition; limited to these members when given."""
    wanted = set(member_ids) if member_ids is not None else None
    paths = dict(Organisation.objects.values_list("pk", "path"))
    rows = {}
    for session in _reaching_sessions(wanted).order_by("pk"):
        required = members_required_at(session).values_list("pk", "unit_id_on_day")
        statuses = dict(session.attendances.values_list("member_id", "status"))
        counts_only = not statuses and (
            session.reported_expected is not None
            or session.reported_attended is not None
            or session.reported_rate is not None
        )
        made_up = {}
        makeups = Attendance.objects.filter(
            session__makeup_of=session, status__in=ATTENDED
        ).order_by("-session__held_on", "-session_id")
        for member_id, makeup_id in makeups.values_list("member_id", "session_id"):
            made_up[member_id] = makeup_id  # the earliest make-up wins: it is written last
        for member_id, unit_id in required:
            if wanted is not None and member_id not in wanted:
                continue
            status = statuses.get(member_id, "")
            absent = status and status not in ATTENDED
            rows[(member_id, session.pk)] = (
                unit_id,
                paths[unit_id],
                session.held_on,
                session.audience,
                status,
                made_up.get(member_id) if absent else None,
                counts_only,
            )
    return rows


def expected_reports(attendance: dict[tuple, tuple]) -> dict[tuple, tuple]:
    """{(member_id, document_id): (session_id, unit_id, unit_path, studied_on, due_on,
    must_add_action_plan, report_id, report_status, has_action_plan)} from the expected
    attendance rows."""
    session_ids = {session_id for _, session_id in attendance}
    documents = defaultdict(list)
    for session_id, document_id in StudySession.documents.through.objects.filter(
        studysession_id__in=session_ids, document__report_required=True
    ).values_list("studysession_id", "document_id"):
        documents[session_id].append(document_id)
    first = {}
    for (member_id, session_id), values in sorted(
        attendance.items(), key=lambda item: (item[1][2], item[0][1])
    ):
        for document_id in documents[session_id]:
            first.setdefault((member_id, document_id), (session_id, values))
    members = {member_id for member_id, _ in first}
    plan_required = {m.pk: m.must_add_action_plan for m in Member.objects.filter(pk__in=members)}
    reports = {
        (r.member_id, r.document_id): r
        for r in WrittenReport.objects.filter(member_id__in=members).only(
            "pk", "member_id", "document_id", "status", "action_plan"
        )
    }
    due = datetime.timedelta(days=report_due_days())
    rows = {}
    for key, (session_id, values) in first.items():
        report = reports.get(key)
        rows[key] = (
            session_id,
            values[0],
            values[1],
            values[2],
            values[2] + due,
            plan_required[key[0]],
            report.pk if report else None,
            report.status if report else "",
            bool(report and report.action_plan != ""),
        )
    return rows


def stored_rows(member_ids: Iterable[int] | None = None) -> tuple[dict, dict]:
    """The maintained rows, in the same shape as the expected ones."""
    attendance = AttendanceObligation.objects.all()
    reports = ReportObligation.objects.all()
    if member_ids is not None:
        attendance = attendance.filter(member_id__in=set(member_ids))
        reports = reports.filter(member_id__in=set(member_ids))
    return (
        {
            (r[0], r[1]): tuple(r[2:])
            for r in attendance.values_list("member_id", "session_id", *ATTENDANCE_FIELDS)
        },
        {
            (r[0], r[1]): tuple(r[2:])
            for r in reports.values_list("member_id", "document_id", *REPORT_FIELDS)
        },
    )


@dataclass
class Drift:
    """Differences between the maintained rows and the live definition."""

    missing: list = field(default_factory=list)  # (table, key, expected values)
    extra: list = field(default_factory=list)  # (table, key, stored values)
    wrong: list = field(default_factory=list)  # (table, key, stored values, expected values)

    def merge(self, other: "Drift") -> None:
        self.missing += other.missing
        self.extra += other.extra
        self.wrong += other.wrong

    def __bool__(self) -> bool:
        return bool(self.missing or self.extra or self.wrong)

    def lines(self, limit: int = 50) -> list[str]:
        out = [f"thiếu {t} {k}: {v}" for t, k, v in self.missing]
        out += [f"thừa {t} {k}: {v}" for t, k, v in self.extra]
        out += [f"sai {t} {k}: có {s}, phải là {e}" for t, k, s, e in self.wrong]
        return out[:limit]


def obligations_drift(*, root: Organisation | None = None) -> Drift:
    """Compare the maintained rows with the live definition: for every member, or for the
    members ever placed in the root's subtree (their rows anywhere)."""
    member_ids = None
    if root is not None:
        member_ids = set(
            MemberPlacement.objects.filter(unit__path__startswith=root.path).values_list(
                "member_id", flat=True
            )
        )
    attendance = expected_attendance(member_ids)
    reports = expected_reports(attendance)
    stored_attendance, stored_reports = stored_rows(member_ids)
    drift = Drift()
    for table, expected, stored in (
        ("nghĩa vụ học tập", attendance, stored_attendance),
        ("nghĩa vụ viết bài", reports, stored_reports),
    ):
        for key, values in expected.items():
            if key not in stored:
                drift.missing.append((table, key, values))
            elif stored[key] != values:
                drift.wrong.append((table, key, stored[key], values))
        drift.extra += [
            (table, key, values) for key, values in stored.items() if key not in expected
        ]
    drift.merge(tallies_drift(member_ids))
    return drift


def expected_tallies(obligation, columns, sessions: set[int] | None) -> Counter:
    """The obligation rows counted one by one at every level of their unit's path."""
    steplen = Organisation.steplen
    rows = obligation.objects.all()
    if sessions is not None:
        rows = rows.filter(session_id__in=sessions)
    counts = Counter()
    for path, *values in rows.values_list("unit_path", *columns).iterator():
        for level in range(1, len(path) // steplen + 1):
            prefix = path[: level * steplen]
            counts[(level, prefix, prefix == path, *values)] += 1
    return counts


def stored_tallies(tally, columns, sessions: set[int] | None) -> Counter:
    rows = tally.objects.all()
    if sessions is not None:
        rows = rows.filter(session_id__in=sessions)
    counts = Counter()
    for level, path, own, *values, n in rows.values_list(
        "level", "unit_path", "own", *columns, "n"
    ).iterator():
        counts[(level, path, bool(own), *values)] += n
    return counts


def tallies_drift(member_ids: set[int] | None = None) -> Drift:
    """Compare the tallies with the obligation rows counted afresh: all of them, or those
    of the sessions where these members have rows."""
    drift = Drift()
    for tally, obligation, columns in TALLIES:
        sessions = None
        if member_ids is not None:
            sessions = obligation_sessions(obligation, Q(member_id__in=member_ids))
        table = tally._meta.verbose_name
        expected = expected_tallies(obligation, columns, sessions)
        stored = stored_tallies(tally, columns, sessions)
        for key, n in expected.items():
            if key not in stored:
                drift.missing.append((table, key, n))
            elif stored[key] != n:
                drift.wrong.append((table, key, stored[key], n))
        drift.extra += [(table, key, n) for key, n in stored.items() if key not in expected]
    return drift
