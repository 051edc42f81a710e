"""Shared fixtures. The personas live here so every test means the same people.

The tree: Tỉnh → Huyện A → Xã A1 (đảng bộ cơ sở) → Chi bộ A1a, Chi bộ A1b;
          Tỉnh → Huyện B → Xã B1 → Chi bộ B1a.
Alice is data-entry staff of Chi bộ A1a, Bob manages Huyện A, Charlie works in
Chi bộ B1a and must see nothing of Huyện A. Diana administers Huyện A (users, history),
Erik administers Huyện B and, like Charlie, must reach nothing of Huyện A.
"""

import datetime

import pytest
from django.contrib.auth import get_user_model

from sessions_app import services
from sessions_app.choices import StaffRole, UnitKind
from tests import builders


@pytest.fixture
def tree(db):
    province = builders.unit(None, "Đảng bộ tỉnh Thử nghiệm", UnitKind.PROVINCE, code="TINH")
    district_a = builders.unit(province, "Đảng bộ huyện Triệu Sơn", UnitKind.DISTRICT, code="HA")
    commune_a = builders.unit(
        district_a, "Đảng bộ xã Dân Lực", UnitKind.GRASSROOTS_COMMITTEE, code="XA1"
    )
    cell_a1 = builders.unit(commune_a, "Chi bộ thôn 1", code="CBA1")
    cell_a2 = builders.unit(commune_a, "Chi bộ thôn 2", code="CBA2")
    district_b = builders.unit(province, "Đảng bộ thành phố Móng Cái", UnitKind.DISTRICT, code="HB")
    commune_b = builders.unit(
        district_b, "Đảng bộ phường Ka Long", UnitKind.GRASSROOTS_COMMITTEE, code="XB1"
    )
    cell_b1 = builders.unit(commune_b, "Chi bộ khu 1", code="CBB1")
    return {
        "province": province,
        "district_a": district_a,
        "commune_a": commune_a,
        "cell_a1": cell_a1,
        "cell_a2": cell_a2,
        "district_b": district_b,
        "commune_b": commune_b,
        "cell_b1": cell_b1,
    }


def _staff(username, unit, role):
    user = get_user_model().objects.create_user(username=username, password="x", is_staff=True)
    services.staff_profile_save(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def alice(tree):
    """Data-entry staff of Chi bộ thôn 1 (cell A1)."""
    return _staff("alice", tree["cell_a1"], StaffRole.DATA_ENTRY)


@pytest.fixture
def bob(tree):
    """Manager of Huyện A: sees the whole district, changes nothing."""
    return _staff("bob", tree["district_a"], StaffRole.MANAGER)


@pytest.fixture
def charlie(tree):
    """Data-entry staff of a cell in Huyện B: an outsider to everything in Huyện A."""
    return _staff("charlie", tree["cell_b1"], StaffRole.DATA_ENTRY)


@pytest.fixture
def diana(tree):
    """Unit administrator of Huyện A: Alice's and Bob's side; manages its users and history."""
    return _staff("diana", tree["district_a"], StaffRole.UNIT_ADMIN)


@pytest.fixture
def erik(tree):
    """Unit administrator of Huyện B: the strongest outsider to Huyện A."""
    return _staff("erik", tree["district_b"], StaffRole.UNIT_ADMIN)


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser(username="root", password="x")


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def roster(tree):
    """Three members in cell A1, two in cell A2, one in cell B1."""
    joined = datetime.date(2015, 5, 1)
    return {
        "an": builders.member(
            tree["cell_a1"], "Nguyễn Văn An", joined, code="A001", is_leader=True
        ),
        "binh": builders.member(tree["cell_a1"], "Trần Thị Bình", joined, code="A002"),
        "cuong": builders.member(tree["cell_a1"], "Lê Văn Cường", joined, code="A003"),
        "dung": builders.member(tree["cell_a2"], "Phạm Thị Dung", joined, code="A004"),
        "em": builders.member(tree["cell_a2"], "Hoàng Văn Em", joined, code="A005"),
        "giang": builders.member(tree["cell_b1"], "Vũ Thị Giang", joined, code="B001"),
    }
