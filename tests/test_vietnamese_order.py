"""Names listed in Vietnamese alphabetical order, the same on PostgreSQL and SQLite.

The suite runs on both databases: each test below orders in the database, so both must
give the order written here by hand.
"""

import datetime
import random

import pytest
from django.db import connection
from django.urls import reverse

from sessions_app.collation import roster_key, sort_key, vi
from sessions_app.models import Organisation
from tests import builders

# Written in the order a Vietnamese reader expects: a < ă < â, d < đ, tones only after the
# letters (none, huyền, hỏi, ngã, sắc, nặng), lower case before upper case.
ALPHABETICAL = [
    "An",
    "Anh",
    "Ánh",
    "Ạnh",
    "Ăn",
    "Ân",
    "Bình",
    "Dũng",
    "Dương",
    "Đào",
    "Đỗ",
    "Em",
    "Ê",
    "Hòa",
    "Hỏa",
    "Hóa",
    "Ô",
    "Ơn",
    "Uyên",
    "Ưng",
    "Vũ",
    "Yến",
]


def test_the_python_key_gives_the_vietnamese_alphabet():
    shuffled = ALPHABETICAL[::-1]
    assert sorted(shuffled, key=sort_key) == ALPHABETICAL


def test_the_database_orders_unit_names_by_the_vietnamese_alphabet(tree):
    for i, name in enumerate(reversed(ALPHABETICAL)):
        builders.unit(tree["commune_a"], f"Chi bộ {name}", code=f"O{i:02d}")
    ordered = Organisation.objects.filter(code__startswith="O").order_by(vi("name"))
    assert [u.name.removeprefix("Chi bộ ") for u in ordered] == ALPHABETICAL


@pytest.mark.skipif(connection.vendor != "postgresql", reason="ICU is PostgreSQL's")
def test_postgresqls_icu_order_is_the_python_key_order(db):
    # SQLite sorts with the Python key: on PostgreSQL, check it agrees with ICU itself on
    # many names built from the letters, tones and cases that differ.
    rng = random.Random(9)
    syllables = [
        "a",
        "à",
        "ả",
        "ã",
        "á",
        "ạ",
        "ă",
        "ằ",
        "ẳ",
        "ẵ",
        "ắ",
        "ặ",
        "â",
        "ầ",
        "ẩ",
        "ẫ",
        "ấ",
        "ậ",
        "đ",
        "d",
        "e",
        "ê",
        "ề",
        "ế",
        "o",
        "ô",
        "ơ",
        "ờ",
        "ớ",
        "u",
        "ư",
        "ừ",
        "ứ",
        "y",
        "ỳ",
        "ý",
        "i",
    ]
    consonants = ["", "b", "c", "ch", "d", "đ", "g", "gi", "h", "kh", "l", "m", "n", "ng", "nh"]
    words = set()
    while len(words) < 400:
        parts = [rng.choice(consonants) + rng.choice(syllables) for _ in range(rng.randint(1, 3))]
        word = " ".join(parts)
        words.add(word.capitalize() if rng.random() < 0.3 else word)
    with connection.cursor() as cursor:
        cursor.execute(
            'SELECT w FROM unnest(%s::text[]) AS w ORDER BY w COLLATE "vi-x-icu"', [list(words)]
        )
        icu = [row[0] for row in cursor.fetchall()]
    assert icu == sorted(words, key=sort_key)


# Full names in roster order: by given name, then family and middle name.
ROSTER = [
    "Nguyễn Văn Anh",
    "Trần Thị Anh",
    "Đỗ Thị Ngọc Ánh",
    "Lê Văn Ân",
    "Phạm Thị Dung",
    "Bùi Tiến Dũng",
    "Hoàng Đức Đạt",
    "Vũ Quang Trường",
]


def _members(tree):
    cell = tree["cell_a1"]
    joined = datetime.date(2015, 5, 1)
    return [
        builders.member(cell, name, joined, code=f"R{i:02d}")
        for i, name in enumerate(reversed(ROSTER))
    ]


def test_the_roster_key_orders_by_given_name_first():
    assert sorted(reversed(ROSTER), key=roster_key) == ROSTER


def test_the_member_list_is_in_roster_order(client, alice, tree):
    _members(tree)
    client.force_login(alice)
    page = client.get(reverse("admin:sessions_app_member_changelist")).content.decode()
    positions = [page.index(name) for name in ROSTER]
    assert positions == sorted(positions)


def test_the_roll_call_lists_members_in_roster_order(client, alice, tree):
    _members(tree)
    cell = tree["cell_a1"]
    study = builders.session(cell, [cell], [builders.document()], held_on=datetime.date(2024, 3, 8))
    client.force_login(alice)
    url = reverse("admin:sessions_app_studysession_attendance", args=[study.pk])
    page = client.get(url).content.decode()
    positions = [page.index(name) for name in ROSTER]
    assert positions == sorted(positions)


def test_the_member_export_is_in_roster_order(client, alice, tree):
    _members(tree)
    client.force_login(alice)
    response = client.get(reverse("admin:sessions_app_member_export", args=["csv"]))
    text = response.content.decode("utf-8-sig")
    positions = [text.index(name) for name in ROSTER]
    assert positions == sorted(positions)


def test_unit_suggestions_come_in_alphabetical_order(client, diana, tree):
    for i, name in enumerate(reversed(ALPHABETICAL)):
        builders.unit(tree["commune_a"], f"Chi bộ {name}", code=f"O{i:02d}")
    client.force_login(diana)
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "sessions_app",
            "model_name": "member",
            "field_name": "unit",
            "term": "chi bo",
        },
    )
    names = [r["text"].removeprefix("Chi bộ ") for r in response.json()["results"]]
    listed = [n for n in names if n in ALPHABETICAL]  # the first page of suggestions
    assert len(listed) >= 10
    assert listed == ALPHABETICAL[: len(listed)]
