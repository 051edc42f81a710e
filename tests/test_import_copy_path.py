"""PostgreSQL stores the new members of an import by COPY; SQLite by bulk INSERTs.

Both paths must leave the same records and the same audit history: who, why, when, what.
"""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction

from imports_app.engine import database_error_message
from sessions_app import audit
from sessions_app.choices import MemberStatus
from sessions_app.models import Member, MemberPlacement

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the COPY path exists on PostgreSQL only"
)

SKIP = {"id", "history_id", "history_date", "code", "card_number", "full_name"}


def _member(code: str, unit) -> Member:
    member = Member(
        code=code,
        card_number=f"79{code}",
        full_name=f"Nguyễn Văn {code}",
        birth_date=datetime.date(1980, 3, 5),
        joined_on=datetime.date(2010, 5, 19),
        unit=unit,
        status=MemberStatus.ACTIVE,
        is_leader=True,
        position="Trưởng thôn",
    )
    member.fill_search_text()
    return member


def _history(model, pk) -> dict:
    row = model.history.filter(id=pk).values().get()
    return {name: value for name, value in row.items() if name not in SKIP}


def test_a_member_stored_by_copy_has_the_record_and_history_the_bulk_path_writes(tree, superuser):
    reason = "Nhập từ tệp danh-sach.csv"
    (by_bulk,) = audit.bulk_create_audited(
        [_member("B1", tree["cell_a1"])], by=superuser, reason=reason
    )
    (by_copy,) = audit.copy_create_audited(
        [_member("C1", tree["cell_a1"])], by=superuser, reason=reason
    )

    stored = Member.objects.get(pk=by_copy.pk)
    assert stored.search_text == "c1 79c1 nguyen van c1"
    assert (stored.unit_id, stored.version, stored.is_leader) == (tree["cell_a1"].pk, 0, True)
    assert _history(Member, by_copy.pk) == _history(Member, by_bulk.pk)
    copied = Member.history.get(id=by_copy.pk)
    assert copied.history_user == superuser and copied.history_change_reason == reason
    assert copied.history_type == "+" and copied.full_name == "Nguyễn Văn C1"

    placements = [
        MemberPlacement(member=m, unit_id=m.unit_id, started_on=m.joined_on)
        for m in (by_bulk, by_copy)
    ]
    bulk_placement = audit.bulk_create_audited(placements[:1], by=superuser, reason=reason)[0]
    copy_placement = audit.copy_create_audited(placements[1:], by=superuser, reason=reason)[0]
    assert MemberPlacement.objects.get(member=by_copy).pk == copy_placement.pk
    bulk_row = _history(MemberPlacement, bulk_placement.pk)
    copy_row = _history(MemberPlacement, copy_placement.pk)
    assert bulk_row.pop("member_id") == by_bulk.pk and copy_row.pop("member_id") == by_copy.pk
    assert copy_row == bulk_row


def test_a_copy_refused_by_the_database_is_told_in_vietnamese_and_nothing_is_kept(tree, superuser):
    audit.copy_create_audited([_member("D1", tree["cell_a1"])], by=superuser)
    twin = _member("D1", tree["cell_a1"])

    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        audit.copy_create_audited([twin], by=superuser)

    message = database_error_message(refused.value)
    assert message.startswith("Không ghi được dữ liệu, chưa ghi dòng nào: ")
    assert "duplicate" not in message and "D1" not in message
    assert Member.objects.filter(code="D1").count() == 1 and Member.history.count() == 1
