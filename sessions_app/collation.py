"""Vietnamese alphabetical order, the same on PostgreSQL and SQLite.

PostgreSQL sorts with the ICU collation "vi-x-icu": a ă â b c d đ e ê … with the tones
compared only after the letters (none, huyền, hỏi, ngã, sắc, nặng), then case. SQLite has
no ICU, so every SQLite connection gets a collation of the same name computed in Python by
`sort_key`, which follows ICU's rules for Vietnamese text; `order_by(vi("name"))` then
writes one `COLLATE "vi-x-icu"` clause that both databases understand. A test sorts one
tricky list on both and checks the orders agree (tests/test_vietnamese_order.py).

Members are listed as Vietnamese rosters are: by given name (the last word), then by
family and middle name ("Đỗ Thị Ngọc Ánh" files under Ánh, after every "Anh").
"""

import functools
import unicodedata

from django.db.models import F, Func, TextField
from django.db.models.functions import Collate

VI = "vi-x-icu"

_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_PRIMARY = {letter: rank for rank, letter in enumerate(_ALPHABET)}
# A mark that makes a letter of its own (ă â ê ô ơ ư), and the five tones in ICU's order.
_MODIFIED = {
    ("a", "\u0306"): "ă",
    ("a", "\u0302"): "â",
    ("e", "\u0302"): "ê",
    ("o", "\u0302"): "ô",
    ("o", "\u031b"): "ơ",
    ("u", "\u031b"): "ư",
}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def _letters(text: str):
    """(letter as the alphabet has it, tone rank, is upper case) for each character."""
    for char in unicodedata.normalize("NFC", text):
        decomposed = unicodedata.normalize("NFD", char)
        base, upper, tone = decomposed[0].lower(), decomposed[0].isupper(), 0
        for mark in decomposed[1:]:
            if mark in _TONES:
                tone = _TONES[mark]
            else:
                base = _MODIFIED.get((base, mark), base)
        yield base, tone, upper


def _primary(char: str) -> tuple[int, int]:
    # ICU's root order: spaces, then punctuation and symbols, then digits, then letters.
    if char.isspace():
        return (0, 0)
    if char.isdigit():
        return (2, int(char) if char.isascii() else ord(char))
    if char in _PRIMARY:
        return (3, _PRIMARY[char])
    if char.isalpha():
        return (3, len(_ALPHABET) + ord(char))
    return (1, ord(char))


@functools.lru_cache(maxsize=65536)
def sort_key(text: str) -> tuple:
    """Python's key for the Vietnamese order: letters first, then tones, then case."""
    letters = list(_letters(text or ""))
    return (
        tuple(_primary(base) for base, _, _ in letters),
        tuple(tone for _, tone, _ in letters),
        tuple(upper for _, _, upper in letters),
    )


def given_name(full_name: str) -> str:
    """'Đỗ Thị Ngọc Ánh' -> 'Ánh': the last word, by which rosters are ordered."""
    words = (full_name or "").split()
    return words[-1] if words else ""


def roster_key(full_name: str) -> tuple:
    """Python's key for a roster: the given name, then the full name (family name first)."""
    return (sort_key(given_name(full_name)), sort_key(full_name))


class GivenName(Func):
    """SQL for given_name(): the last word of a full name."""

    output_field = TextField()
    arity = 1

    def as_postgresql(self, compiler, connection, **extra):
        template = r"regexp_replace(%(expressions)s, '^.*\s', '')"
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, function="given_name", **extra)


def vi(field) -> Collate:
    """A field (or expression) compared in Vietnamese alphabetical order."""
    return Collate(F(field) if isinstance(field, str) else field, VI)


def roster_order(prefix: str = "") -> list:
    """ORDER BY for members: given name, family and middle name, then the member code."""
    full_name = f"{prefix}full_name"
    return [vi(GivenName(F(full_name))).asc(), vi(full_name).asc(), f"{prefix}code"]


def _compare(left: str, right: str) -> int:
    a, b = sort_key(left), sort_key(right)
    return (a > b) - (a < b)


def install_on_sqlite(sender, connection, **kwargs) -> None:
    """connection_created receiver: teach each SQLite connection the Vietnamese order."""
    if connection.vendor != "sqlite":
        return
    raw = connection.connection
    raw.create_collation(VI, _compare)
    raw.create_function("given_name", 1, given_name, deterministic=True)
