"""Who was required at a session follows each member's history."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from sessions_app import services
from sessions_app.choices import AttendanceStatus, Audience, MemberStatus
from sessions_app.models import MemberPlacement
from sessions_app.selectors import attendance_tallies, members_required_at
from tests import builders

SESSION_DAY = datetime.date(2023, 9, 1)


def _required_codes(session):
    return set(members_required_at(session).values_list("code", flat=True))


@pytest.fixture
def doc(db):
    return builders.document()


def test_required_members_are_those_in_the_participating_subtree(tree, roster, doc):
    study = builders.session(tree["commune_a"], [tree["commune_a"]], [doc], held_on=SESSION_DAY)
    assert _required_codes(study) == {"A001", "A002", "A003", "A004", "A005"}


def test_a_shared_class_requires_the_members_of_every_unit_in_it(tree, roster, doc):
    study = builders.session(
        tree["province"], [tree["cell_a2"], tree["cell_b1"]], [doc], held_on=SESSION_DAY
    )
    assert _required_codes(study) == {"A004", "A005", "B001"}


def test_a_member_who_joined_after_the_session_is_not_required(tree, roster, doc):
    builders.member(tree["cell_a1"], "Đỗ Văn Mới", datetime.date(2023, 10, 1), code="A009")
    study = builders.session(tree["cell_a1"], [tree["cell_a1"]], [doc], held_on=SESSION_DAY)
    assert "A009" not in _required_codes(study)


def test_a_transfer_keeps_the_past_where_it_was(tree, roster, doc):
    before = builders.session(
        tree["cell_a1"], [tree["cell_a1"]], [doc], held_on=datetime.date(2023, 8, 1)
    )
    services.member_transfer(
        member=roster["an"], to_unit=tree["cell_b1"], on=datetime.date(2023, 8, 15)
    )
    after_old = builders.session(tree["cell_a1"], [tree["cell_a1"]], [doc], held_on=SESSION_DAY)
    after_new = builders.session(tree["cell_b1"], [tree["cell_b1"]], [doc], held_on=SESSION_DAY)

    assert "A001" in _required_codes(before)
    assert "A001" not in _required_codes(after_old)
    assert "A001" in _required_codes(after_new)


def test_a_transfer_closes_one_placement_and_opens_the_next(tree, roster):
    an = roster["an"]
    assert an.placements.count() == 1
    services.member_transfer(member=an, to_unit=tree["cell_a2"], on=datetime.date(2020, 1, 1))
    placements = list(an.placements.order_by("started_on").values_list("unit__code", "ended_on"))
    assert placements == [("CBA1", datetime.date(2020, 1, 1)), ("CBA2", None)]
    an.refresh_from_db()
    assert an.unit.code == "CBA2"


def test_a_member_transferred_out_of_the_system_keeps_their_history(tree, roster, doc):
    services.member_transfer(member=roster["binh"], to_unit=None, on=datetime.date(2023, 8, 15))
    roster["binh"].refresh_from_db()
    assert roster["binh"].status == MemberStatus.TRANSFERRED_OUT
    before = builders.session(
        tree["cell_a1"], [tree["cell_a1"]], [doc], held_on=datetime.date(2023, 8, 1)
    )
    assert "A002" in _required_codes(before)


def test_a_transfer_dated_before_the_current_placement_is_refused(tree, roster):
    with pytest.raises(ValidationError) as caught:
        services.member_transfer(
            member=roster["an"], to_unit=tree["cell_a2"], on=datetime.date(2000, 1, 1)
        )
    assert "Ngày chuyển phải sau" in caught.value.message_dict["on"][0]


def test_an_exempted_member_is_not_required_during_the_exemption_only(tree, roster, doc):
    services.exemption_grant(
        member=roster["cuong"],
        started_on=datetime.date(2023, 1, 1),
        ended_on=datetime.date(2023, 12, 31),
        reason="Tuổi cao, sức yếu",
    )
    during = builders.session(tree["cell_a1"], [tree["cell_a1"]], [doc], held_on=SESSION_DAY)
    after = builders.session(
        tree["cell_a1"], [tree["cell_a1"]], [doc], held_on=datetime.date(2024, 3, 1)
    )
    assert "A003" not in _required_codes(during)
    assert "A003" in _required_codes(after)


def test_a_key_cadre_session_requires_only_leaders_and_committee_members(tree, roster, doc):
    study = builders.session(
        tree["cell_a1"], [tree["cell_a1"]], [doc], held_on=SESSION_DAY, audience=Audience.KEY_CADRES
    )
    assert _required_codes(study) == {"A001"}


def test_probationary_until_the_day_of_becoming_full_member(tree):
    member = builders.member(
        tree["cell_a1"],
        "Ngô Thị Hoa",
        datetime.date(2022, 6, 1),
        full_member_on=datetime.date(2023, 6, 1),
    )
    assert member.is_probationary_on(datetime.date(2023, 5, 31))
    assert not member.is_probationary_on(datetime.date(2023, 6, 1))


def test_present_and_late_count_as_attended_absences_do_not():
    assert AttendanceStatus.PRESENT.counts_as_attended
    assert AttendanceStatus.LATE.counts_as_attended
    assert not AttendanceStatus.ABSENT_EXCUSED.counts_as_attended
    assert not AttendanceStatus.ABSENT_UNEXCUSED.counts_as_attended


def test_a_make_up_session_requires_the_absent_and_closes_their_absence(tree, roster, doc):
    study = builders.session(tree["cell_a1"], [tree["cell_a1"]], [doc], held_on=SESSION_DAY)
    services.attendance_record_roster(
        session=study,
        statuses={
            roster["an"].pk: AttendanceStatus.PRESENT,
            roster["binh"].pk: AttendanceStatus.ABSENT_EXCUSED,
            roster["cuong"].pk: AttendanceStatus.ABSENT_UNEXCUSED,
        },
    )
    makeup = builders.session(
        tree["cell_a1"],
        [tree["cell_a1"]],
        [doc],
        held_on=datetime.date(2023, 9, 10),
        makeup_of=study,
    )
    assert _required_codes(makeup) == {"A002", "A003"}
    assert attendance_tallies(study)["made_up"] == 0

    services.attendance_record(
        session=makeup, member=roster["binh"], status=AttendanceStatus.PRESENT
    )

    tallies = attendance_tallies(study)
    assert (tallies["attended"], tallies["made_up"]) == (1, 1)


def test_roster_save_counts_follow_the_marks(tree, roster, doc):
    study = builders.session(tree["cell_a1"], [tree["cell_a1"]], [doc], held_on=SESSION_DAY)
    first = services.attendance_record_roster(
        session=study, statuses={m.pk: AttendanceStatus.PRESENT for m in members_required_at(study)}
    )
    assert first == {"created": 3, "updated": 0, "unchanged": 0}
    second = services.attendance_record_roster(
        session=study,
        statuses={
            roster["an"].pk: AttendanceStatus.LATE,
            roster["binh"].pk: AttendanceStatus.PRESENT,
        },
    )
    assert second == {"created": 0, "updated": 1, "unchanged": 1}
    tallies = attendance_tallies(study)
    assert (tallies["co_mat"], tallies["di_muon"], tallies["attended"]) == (2, 1, 3)


def test_attendance_of_a_member_outside_the_participating_units_is_refused(tree, roster, doc):
    study = builders.session(tree["cell_a1"], [tree["cell_a1"]], [doc], held_on=SESSION_DAY)
    with pytest.raises(ValidationError) as caught:
        services.attendance_record_roster(
            session=study,
            statuses={
                roster["an"].pk: AttendanceStatus.PRESENT,
                roster["giang"].pk: AttendanceStatus.PRESENT,
            },
        )
    assert "không thuộc các đơn vị tham gia" in caught.value.message_dict["member"][0]
    assert study.attendances.count() == 0


def test_a_member_has_at_most_one_open_placement(tree, roster):
    with pytest.raises(ValidationError):
        MemberPlacement(
            member=roster["an"], unit=tree["cell_a2"], started_on=datetime.date(2020, 1, 1)
        ).full_clean()
