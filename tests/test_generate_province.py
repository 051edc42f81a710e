"""The synthetic province of `manage.py generate_province`: a valid tree, a history the
app's own definition agrees with, the same rows for the same seed."""

import hashlib
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from sessions_app.choices import UnitKind
from sessions_app.generation import Shape, district_units
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
from sessions_app.selectors import members_required_at

SCALE = 0.001


def generate(seed=1) -> str:
    out = io.StringIO()
    call_command("generate_province", scale=SCALE, seed=seed, stdout=out)
    return out.getvalue()


def digest() -> str:
    """What the generator decided, independent of ids: members, placements, roll calls."""
    parts = [
        list(Member.objects.order_by("code").values_list("code", "full_name", "unit__code")),
        list(
            MemberPlacement.objects.order_by("member__code", "started_on").values_list(
                "member__code", "unit__code", "started_on", "ended_on"
            )
        ),
        list(
            Attendance.objects.order_by(
                "session__held_on", "session__title", "member__code"
            ).values_list("session__held_on", "session__title", "member__code", "status")
        ),
        list(
            WrittenReport.objects.order_by("member__code", "document__symbol").values_list(
                "member__code", "document__symbol", "status", "grade"
            )
        ),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


@pytest.mark.django_db
def test_it_generates_a_valid_tree_with_the_shape_of_its_scale():
    shape = Shape.for_scale(SCALE)
    generate()
    assert Organisation.objects.find_problems() == ([], [], [], [], [])
    province = Organisation.objects.get(kind=UnitKind.PROVINCE)
    assert Organisation.objects.get_children(province).count() == shape.districts
    assert (
        Organisation.objects.get_descendants(province).filter(depth=3).count() == shape.grassroots
    )
    assert Member.objects.count() == shape.members
    for unit in Organisation.objects.all():
        assert unit.numchild == Organisation.objects.get_children(unit).count()
    # Members sit only in cells and grassroots cells.
    assert not Member.objects.exclude(
        unit__kind__in=[UnitKind.CELL, UnitKind.GRASSROOTS_CELL]
    ).exclude(unit=None)


@pytest.mark.django_db
def test_every_roll_call_lists_exactly_the_members_the_app_says_were_required():
    generate()
    roster_sessions = StudySession.objects.filter(reported_expected__isnull=True)
    assert roster_sessions.filter(makeup_of__isnull=False).exists()
    assert roster_sessions.filter(audience="can_bo_chu_chot").exists()
    for session in roster_sessions:
        required = set(members_required_at(session).values_list("pk", flat=True))
        recorded = set(session.attendances.values_list("member_id", flat=True))
        assert recorded == required, session


@pytest.mark.django_db
def test_its_obligations_agree_with_the_live_definition():
    generate()
    assert AttendanceObligation.objects.count() > Attendance.objects.count() * 0.9
    assert ReportObligation.objects.count() >= WrittenReport.objects.count()
    out = io.StringIO()
    call_command("check_obligations", stdout=out)
    assert "khớp" in out.getvalue()


@pytest.mark.django_db
def test_the_history_has_transfers_exemptions_shared_classes_and_counts_only_sessions():
    generate()
    assert MemberPlacement.objects.filter(ended_on__isnull=False).exists()
    assert Member.objects.filter(exemptions__isnull=False).exists()
    counted = StudySession.objects.filter(reported_expected__isnull=False)
    assert counted.exists() and not Attendance.objects.filter(session__in=counted).exists()
    assert all(s.sites.count() >= 2 for s in counted)
    assert WrittenReport.objects.filter(document__report_required=False).count() == 0
    assert WrittenReport.objects.filter(action_plan="", member__is_leader=True).exists()


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_province():
    with transaction.atomic():
        generate(seed=7)
        first = digest()
        transaction.set_rollback(True)
    assert not Member.objects.exists()
    generate(seed=7)
    assert digest() == first


@pytest.mark.django_db
def test_it_refuses_to_generate_the_same_seed_twice_in_one_database():
    generate(seed=3)
    with pytest.raises(CommandError, match="đã được sinh"):
        generate(seed=3)


def test_it_refuses_a_scale_out_of_range():
    with pytest.raises(CommandError, match="--scale"):
        call_command("generate_province", scale=2, seed=1)


def test_a_full_province_has_thirty_distinct_districts_and_blocs():
    units = district_units(30)
    assert len({name for name, _, _ in units}) == 30
    assert [kind for _, kind, _ in units].count(UnitKind.BLOC) == 3
    assert len({name for name, _, _ in district_units(3)}) == 3
