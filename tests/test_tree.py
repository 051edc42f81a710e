import pytest
from django.core.exceptions import ValidationError

from sessions_app import services
from sessions_app.models import Member, Organisation


def _names(queryset):
    return set(queryset.values_list("name", flat=True))


def test_subtree_of_a_district_is_everything_beneath_it_and_nothing_else(tree):
    assert _names(tree["district_a"].subtree()) == {
        "Đảng bộ huyện Triệu Sơn",
        "Đảng bộ xã Dân Lực",
        "Chi bộ thôn 1",
        "Chi bộ thôn 2",
    }


def test_subtree_is_one_query(tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        list(tree["province"].subtree())


def test_a_cell_sees_only_itself(tree):
    assert _names(tree["cell_a1"].subtree()) == {"Chi bộ thôn 1"}


def test_moving_a_unit_carries_its_subtree(tree, roster):
    services.organisation_move(unit=tree["commune_a"], new_parent=tree["district_b"])
    assert "Chi bộ thôn 1" in _names(Organisation.objects.get(code="HB").subtree())
    assert _names(Organisation.objects.get(code="HA").subtree()) == {"Đảng bộ huyện Triệu Sơn"}
    moved_district = Organisation.objects.get(code="HB")
    assert Member.objects.under(moved_district.path).filter(code="A001").exists()


def test_a_unit_cannot_move_beneath_itself(tree):
    with pytest.raises(ValidationError):
        services.organisation_move(unit=tree["district_a"], new_parent=tree["cell_a1"])


def test_unit_codes_are_unique(tree):
    with pytest.raises(ValidationError) as caught:
        services.organisation_create(
            parent=tree["province"], code="HA", name="Trùng mã", kind="huyen"
        )
    assert "code" in caught.value.message_dict
