"""Random histories: after every step the maintained obligation rows equal the live definition.

Each step is one write through the service a user's action goes through (join, transfer,
exemption granted or withdrawn, session held, moved, re-targeted or deleted, roll call,
make-up, leadership change, written report, document rule, unit moved). The oracle
(sessions_app/obligations_oracle.py) recomputes every row session by session from scratch.
"""

import datetime
import random

import pytest

from sessions_app import services
from sessions_app.choices import AttendanceStatus, Audience, CommitteeRole, ReportStatus
from sessions_app.models import (
    Attendance,
    AttendanceObligation,
    Exemption,
    Member,
    ReportObligation,
    StudySession,
    WrittenReport,
)
from sessions_app.obligations_oracle import obligations_drift
from sessions_app.selectors import members_required_at
from tests import builders

START = datetime.date(2024, 1, 1)


def _day(rng: random.Random) -> datetime.date:
    return START + datetime.timedelta(days=rng.randrange(0, 360))


class History:
    """A small world and the random steps that change it."""

    def __init__(self, rng: random.Random, tree: dict):
        self.rng = rng
        self.tree = tree
        self.cells = [tree["cell_a1"], tree["cell_a2"], tree["cell_b1"]]
        self.units = [*self.cells, tree["commune_a"], tree["district_a"], tree["district_b"]]
        self.documents = [
            builders.document("114-QĐ/TW", issued_on=datetime.date(2023, 7, 11)),
            builders.document("117-QĐ/TW", issued_on=datetime.date(2023, 8, 18)),
            builders.document("01-KL/TW", report_required=False),
        ]
        self.log: list[str] = []

    # --- helpers ----------------------------------------------------------------------

    def members(self):
        return list(Member.objects.order_by("pk"))

    def sessions(self, **filters):
        return list(StudySession.objects.filter(**filters).order_by("pk"))

    def pick(self, items):
        return self.rng.choice(items) if items else None

    # --- steps ------------------------------------------------------------------------

    def join(self):
        cell = self.pick(self.cells)
        joined = _day(self.rng) - datetime.timedelta(days=self.rng.choice([0, 400]))
        member = builders.member(
            cell,
            f"Đảng viên {Member.objects.count() + 1}",
            joined_on=joined,
            is_leader=self.rng.random() < 0.25,
        )
        self.log.append(f"join {member.pk} {cell.code} {joined}")

    def transfer(self):
        member = self.pick([m for m in self.members() if m.unit_id])
        if member is None:
            return
        current = member.placements.get(ended_on__isnull=True)
        on = current.started_on + datetime.timedelta(days=self.rng.randrange(1, 200))
        to = self.pick([c for c in self.cells if c.pk != current.unit_id] + [None])
        services.member_transfer(member=member, to_unit=to, on=on)
        self.log.append(f"transfer {member.pk} -> {to and to.code} {on}")

    def exempt(self):
        member = self.pick(self.members())
        if member is None:
            return
        started = _day(self.rng)
        ended = self.pick([None, started + datetime.timedelta(days=self.rng.randrange(0, 90))])
        services.exemption_grant(member=member, started_on=started, ended_on=ended)
        self.log.append(f"exempt {member.pk} {started}..{ended}")

    def unexempt(self):
        exemption = self.pick(list(Exemption.objects.order_by("pk")))
        if exemption is None:
            return
        services.exemption_delete(exemption=exemption)
        self.log.append(f"unexempt {exemption.member_id}")

    def hold_session(self):
        units = self.rng.sample(self.units, self.rng.choice([1, 1, 2]))
        session = builders.session(
            self.tree["district_a"],
            units,
            self.rng.sample(self.documents, self.rng.choice([1, 2])),
            held_on=_day(self.rng),
            audience=self.pick([Audience.ALL_MEMBERS] * 3 + [Audience.KEY_CADRES]),
            reported_expected=self.pick([None, None, 40]),
        )
        self.log.append(f"session {session.pk} {[u.code for u in units]} {session.held_on}")

    def edit_session(self):
        session = self.pick(self.sessions(makeup_of__isnull=True))
        if session is None:
            return
        change = self.rng.choice(["held_on", "audience", "units", "documents"])
        fields = {
            "held_on": {"held_on": _day(self.rng)},
            "audience": {"audience": self.pick([Audience.ALL_MEMBERS, Audience.KEY_CADRES])},
            "units": {"participating_units": self.rng.sample(self.units, 1)},
            "documents": {"documents": self.rng.sample(self.documents, self.rng.choice([1, 2]))},
        }[change]
        services.study_session_update(session=session, **fields)
        self.log.append(f"edit session {session.pk} {change}")

    def delete_session(self):
        session = self.pick(
            [s for s in self.sessions() if not s.makeup_sessions.exists()]  # PROTECT
        )
        if session is None:
            return
        pk = session.pk
        services.study_session_delete(session=session)
        self.log.append(f"delete session {pk}")

    def roll_call(self):
        session = self.pick(self.sessions(makeup_of__isnull=True))
        if session is None:
            return
        required = list(members_required_at(session).values_list("pk", flat=True))
        if not required:
            return
        chosen = self.rng.sample(required, self.rng.randrange(1, len(required) + 1))
        statuses = {pk: self.pick(list(AttendanceStatus.values)) for pk in chosen}
        services.attendance_record_roster(session=session, statuses=statuses)
        self.log.append(f"roll call {session.pk} {statuses}")

    def make_up(self):
        missed = self.pick(
            list(
                Attendance.objects.exclude(status__in=AttendanceStatus.attended_values()).filter(
                    session__makeup_of__isnull=True
                )
            )
        )
        if missed is None:
            return
        original = missed.session
        makeup = builders.session(
            original.organiser,
            list(original.participating_units.all()),
            list(original.documents.all()),
            held_on=original.held_on + datetime.timedelta(days=self.rng.randrange(1, 30)),
            makeup_of=original,
        )
        required = list(members_required_at(makeup).values_list("pk", flat=True))
        if required:
            services.attendance_record_roster(
                session=makeup,
                statuses={
                    pk: self.pick(AttendanceStatus.attended_values() + ["vang_co_ly_do"])
                    for pk in required
                },
            )
        self.log.append(f"make-up {makeup.pk} of {original.pk}")

    def unrecord(self):
        attendance = self.pick(list(Attendance.objects.order_by("pk")))
        if attendance is None or attendance.session.makeup_sessions.exists():
            return
        services.attendance_delete(attendance=attendance)
        self.log.append(f"unrecord {attendance.session_id}/{attendance.member_id}")

    def lead(self):
        member = self.pick(self.members())
        if member is None:
            return
        services.member_update(
            member=member,
            is_leader=not member.is_leader,
            committee_role=self.pick([CommitteeRole.NONE, CommitteeRole.SECRETARY]),
        )
        self.log.append(f"lead {member.pk}")

    def rejoin_date(self):
        member = self.pick(self.members())
        if member is None:
            return
        joined = min(member.joined_on + datetime.timedelta(days=self.rng.randrange(-90, 90)), START)
        if member.full_member_on and joined > member.full_member_on:
            return
        services.member_update(member=member, joined_on=joined)
        self.log.append(f"joined_on {member.pk} {joined}")

    def write_report(self):
        obligation = self.pick(list(ReportObligation.objects.order_by("pk")))
        member, document = (
            (obligation.member, obligation.document)
            if obligation
            else (self.pick(self.members()), self.documents[0])
        )
        if member is None:
            return
        report = WrittenReport.objects.filter(member=member, document=document).first()
        if report is None:
            services.checked_rows_write(
                creates=[WrittenReport(member=member, document=document)],
                updates=[],
                update_fields=[],
            )
        elif report.status == ReportStatus.NOT_SUBMITTED:
            services.written_report_submit(
                report=report,
                submitted_on=_day(self.rng),
                action_plan=self.pick(["", "Kế hoạch hành động"]),
            )
        else:
            services.written_report_review(
                report=report,
                status=self.pick([ReportStatus.REVISION_REQUESTED, ReportStatus.FAILED]),
                reviewed_on=report.submitted_on,
            )
        self.log.append(f"report {member.pk} {document.symbol}")

    def toggle_document(self):
        document = self.pick(self.documents)
        document.report_required = not document.report_required
        services.documents_import(creates=[], updates=[document], update_fields=["report_required"])
        self.log.append(f"document {document.symbol} report_required={document.report_required}")

    def move_unit(self):
        commune = self.tree["commune_a"]
        commune.refresh_from_db()
        target = self.tree[
            "district_b" if commune.path.startswith(self.tree["district_a"].path) else "district_a"
        ]
        target.refresh_from_db()
        services.organisation_move(unit=commune, new_parent=target)
        for key, unit in self.tree.items():
            unit.refresh_from_db()
            self.tree[key] = unit
        self.log.append(f"move commune under {target.code}")

    STEPS = {
        "join": 4,
        "transfer": 3,
        "exempt": 2,
        "unexempt": 1,
        "hold_session": 4,
        "edit_session": 2,
        "delete_session": 1,
        "roll_call": 5,
        "make_up": 3,
        "unrecord": 1,
        "lead": 1,
        "rejoin_date": 1,
        "write_report": 4,
        "toggle_document": 1,
        "move_unit": 1,
    }

    def step(self):
        name = self.rng.choices(list(self.STEPS), weights=list(self.STEPS.values()))[0]
        getattr(self, name)()


@pytest.mark.parametrize("seed", [2, 4, 5])
def test_maintained_obligations_equal_the_live_definition_after_every_step(tree, seed):
    history = History(random.Random(seed), tree)
    for _ in range(4):
        history.join()
    history.hold_session()
    for number in range(45):
        history.step()
        drift = obligations_drift()
        assert not drift, f"seed {seed}, step {number}: {history.log[-1:]}\n" + "\n".join(
            drift.lines()
        )
    # The history did reach the cases that matter, so the equality above means something.
    assert AttendanceObligation.objects.exists()
    assert ReportObligation.objects.exists()
