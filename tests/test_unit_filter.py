"""The "Theo đơn vị" filter: every level of the tree, searchable, never every unit at once."""

import re

from django.urls import reverse

from tests import builders


def _filter_links(page: str) -> list[str]:
    block = page[page.index('class="unit-filter"') :]
    block = block[: block.index("</details>")]
    return [re.sub(r"\s+", " ", t).strip() for t in re.findall(r"<a [^>]*>([^<]+)</a>", block)]


def test_choosing_a_commune_shows_its_path_and_its_cells_only(client, diana, tree, roster):
    client.force_login(diana)
    url = reverse("admin:sessions_app_member_changelist")
    page = client.get(url, {"don_vi": tree["commune_a"].pk}).content.decode()
    links = _filter_links(page)
    assert links[:4] == ["Tất cả", "Đảng bộ huyện Triệu Sơn", "Đảng bộ xã Dân Lực", "Chi bộ thôn 1"]
    assert "Chi bộ thôn 2" in links
    assert 'class="level-1 selected"' in page  # the commune, one level under the district


def test_a_cell_four_levels_down_can_be_chosen_and_filters_the_list(
    client, tree, roster, admin_client
):
    url = reverse("admin:sessions_app_member_changelist")
    page = admin_client.get(url, {"don_vi": tree["cell_a2"].pk}).content.decode()
    assert "Phạm Thị Dung" in page and "Hoàng Văn Em" in page
    assert "Nguyễn Văn An" not in page
    links = _filter_links(page)
    assert links[1:5] == [
        "Đảng bộ tỉnh Thử nghiệm",
        "Đảng bộ huyện Triệu Sơn",
        "Đảng bộ xã Dân Lực",
        "Chi bộ thôn 2",
    ]


def test_the_search_finds_a_unit_by_its_name_without_tones(client, diana, tree, roster):
    client.force_login(diana)
    url = reverse("admin:sessions_app_member_changelist")
    response = client.get(url, {"don_vi_tim": "thon 2"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "?e=1" not in response.get("Location", "")
    assert _filter_links(page) == ["bỏ tìm", "Tất cả", "Chi bộ thôn 2"]
    assert "Đảng bộ huyện Triệu Sơn › Đảng bộ xã Dân Lực" in page
    assert "Đảng bộ phường Ka Long" not in page  # Erik's side of the tree


def test_the_search_keeps_the_other_filters_of_the_list(client, diana, tree, roster):
    client.force_login(diana)
    url = reverse("admin:sessions_app_member_changelist")
    page = client.get(url, {"status": "active", "don_vi_tim": "thon"}).content.decode()
    assert '<input type="hidden" name="status" value="active">' in page


def test_only_the_chosen_units_children_are_rendered_not_the_whole_tree(client, diana, tree):
    commune = tree["commune_a"]
    for i in range(40):
        grand = builders.unit(tree["cell_a1"], f"Tổ đảng {i:02d}", code=f"T{i:02d}")
        assert grand.depth == 5
    client.force_login(diana)
    url = reverse("admin:sessions_app_organisation_changelist")
    links = _filter_links(client.get(url, {"don_vi": commune.pk}).content.decode())
    assert not [name for name in links if name.startswith("Tổ đảng")]
    links = _filter_links(client.get(url, {"don_vi": tree["cell_a1"].pk}).content.decode())
    assert len([name for name in links if name.startswith("Tổ đảng")]) == 30  # at most
