"""Admin search ignores diacritics and case, the same on SQLite and PostgreSQL."""

import datetime

from django.urls import reverse

from sessions_app.models import Document, Member, Organisation
from tests import builders


def _search(client, model, term):
    url = reverse(f"admin:sessions_app_{model._meta.model_name}_changelist")
    response = client.get(url, {"q": term})
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def test_unit_search_without_diacritics_finds_trieu_son(admin_client, tree):
    found = _search(admin_client, Organisation, "trieu son")
    assert [u.name for u in found] == ["Đảng bộ huyện Triệu Sơn"]


def test_unit_search_with_other_case_and_marks_finds_the_same(admin_client, tree):
    assert [u.code for u in _search(admin_client, Organisation, "TRIỆU sơn")] == ["HA"]


def test_member_search_without_diacritics_finds_nguyen_van_an(admin_client, tree, roster):
    builders.member(tree["cell_a1"], "Nguyễn Văn Anh", datetime.date(2015, 1, 1), code="A009")
    found = _search(admin_client, Member, "nguyen van an")
    assert {m.full_name for m in found} == {"Nguyễn Văn An", "Nguyễn Văn Anh"}


def test_member_search_needs_every_word(admin_client, tree, roster):
    assert _search(admin_client, Member, "nguyen binh") == []


def test_member_search_by_code(admin_client, tree, roster):
    assert [m.full_name for m in _search(admin_client, Member, "a002")] == ["Trần Thị Bình"]


def test_document_search_by_symbol_without_d_stroke(admin_client, db):
    builders.document("114-QĐ/TW")
    builders.document("117-QĐ/TW", issued_on=datetime.date(2023, 8, 18))
    found = _search(admin_client, Document, "114-qd")
    assert [d.symbol for d in found] == ["114-QĐ/TW"]


def test_autocomplete_uses_the_same_search(admin_client, tree, roster):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "sessions_app",
            "model_name": "attendance",
            "field_name": "member",
            "term": "nguyen van",
        },
    )
    assert [r["text"] for r in response.json()["results"]] == ["Nguyễn Văn An (A001)"]
