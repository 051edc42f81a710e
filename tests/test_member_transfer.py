"""Moving a member to another cell from the admin keeps the past where it was."""

import datetime

from django.urls import reverse

from sessions_app import services
from sessions_app.choices import MemberStatus
from sessions_app.selectors import members_required_at
from tests import builders


def _transfer(member):
    return reverse("admin:sessions_app_member_transfer", args=[member.pk])


def test_staff_move_a_member_to_the_neighbouring_cell_on_a_date(client, diana, tree, roster):
    an = roster["an"]
    before = builders.session(
        tree["cell_a1"], [tree["cell_a1"]], [builders.document()], held_on=datetime.date(2023, 8, 1)
    )
    client.force_login(diana)
    page = client.get(reverse("admin:sessions_app_member_change", args=[an.pk]))
    assert _transfer(an) in page.content.decode()

    response = client.post(_transfer(an), {"to_unit": tree["cell_a2"].pk, "on": "15/08/2023"})

    assert response.status_code == 302
    an.refresh_from_db()
    assert an.unit == tree["cell_a2"]
    assert list(an.placements.order_by("started_on").values_list("unit__code", "ended_on")) == [
        ("CBA1", datetime.date(2023, 8, 15)),
        ("CBA2", None),
    ]
    assert an in members_required_at(before)  # the August session still counts An in A1


def test_a_member_leaving_the_system_keeps_their_history(client, alice, roster):
    binh = roster["binh"]
    client.force_login(alice)
    response = client.post(_transfer(binh), {"to_unit": "", "on": "01/10/2024"})
    assert response.status_code == 302
    binh.refresh_from_db()
    assert (binh.status, binh.unit) == (MemberStatus.TRANSFERRED_OUT, None)
    assert binh.placements.get().ended_on == datetime.date(2024, 10, 1)


def test_a_transfer_dated_before_the_member_joined_the_cell_is_refused_on_the_date(
    client, alice, tree, roster
):
    an = roster["an"]
    client.force_login(alice)
    response = client.post(_transfer(an), {"to_unit": "", "on": "01/01/2001"})
    assert response.status_code == 200
    assert "Ngày chuyển phải sau ngày bắt đầu sinh hoạt" in response.content.decode()
    assert 'value="01/01/2001"' in response.content.decode()
    an.refresh_from_db()
    assert an.unit == tree["cell_a1"]


def test_a_cell_cannot_move_a_member_into_a_unit_it_does_not_see(client, alice, tree, roster):
    client.force_login(alice)
    response = client.post(
        _transfer(roster["an"]), {"to_unit": tree["cell_b1"].pk, "on": "01/10/2024"}
    )
    assert response.status_code == 200
    roster["an"].refresh_from_db()
    assert roster["an"].unit == tree["cell_a1"]


def test_managers_and_outsiders_cannot_transfer(client, bob, charlie, tree, roster):
    for user, expected in ((bob, 403), (charlie, 404)):
        client.force_login(user)
        response = client.post(_transfer(roster["an"]), {"to_unit": "", "on": "01/10/2024"})
        assert response.status_code == expected
    roster["an"].refresh_from_db()
    assert roster["an"].unit == tree["cell_a1"]


def test_the_cell_a_member_left_reads_their_history_but_cannot_pull_them_back(
    client, alice, tree, roster
):
    an = roster["an"]
    services.member_transfer(member=an, to_unit=tree["cell_b1"], on=datetime.date(2024, 1, 1))
    client.force_login(alice)

    page = client.get(reverse("admin:sessions_app_member_change", args=[an.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    response = client.post(_transfer(an), {"to_unit": tree["cell_a1"].pk, "on": "01/07/2024"})

    assert response.status_code == 403
    an.refresh_from_db()
    assert an.unit == tree["cell_b1"]
