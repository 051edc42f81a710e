import datetime

from sessions_app import services
from sessions_app.selectors import members_required_at
from tests import builders


def test_members_required_are_those_placed_in_the_participating_subtree(tree, roster):
    doc = builders.document()
    study = builders.session(tree["commune_a"], [tree["commune_a"]], [doc])
    required = set(members_required_at(study).values_list("code", flat=True))
    assert required == {"A001", "A002", "A003", "A004", "A005"}


def test_transfer_keeps_the_past_where_it_was(tree, roster):
    doc = builders.document()
    before = builders.session(
        tree["cell_a1"], [tree["cell_a1"]], [doc], held_on=datetime.date(2023, 8, 1)
    )
    services.member_transfer(
        member=roster["an"], to_unit=tree["cell_b1"], on=datetime.date(2023, 8, 15)
    )
    after = builders.session(
        tree["cell_a1"], [tree["cell_a1"]], [doc], held_on=datetime.date(2023, 9, 1)
    )
    assert "A001" in set(members_required_at(before).values_list("code", flat=True))
    assert "A001" not in set(members_required_at(after).values_list("code", flat=True))
