import pytest
from django.core.exceptions import ValidationError

from sessions_app.choices import DocumentKind
from sessions_app.text import fold, nfc, parse_symbol


@pytest.mark.parametrize("typed", ["114-QĐ/TW", "114-qđ/tw", "114 - QD/TW", " 114 -QĐ / tw "])
def test_it_reads_every_way_staff_type_a_symbol(typed):
    parsed = parse_symbol(typed)
    assert (parsed.number, parsed.kind, parsed.issuer) == (114, DocumentKind.REGULATION, "TW")
    assert str(parsed) == "114-QĐ/TW"


def test_it_keeps_the_leading_zero_of_small_numbers():
    assert str(parse_symbol("01-kl/tw")) == "01-KL/TW"


def test_it_reads_the_issuer_du_as_dang_uy():
    assert parse_symbol("05-NQ/DU").issuer == "ĐU"


@pytest.mark.parametrize(
    ("typed", "fragment"),
    [
        ("", "Chưa nhập số ký hiệu"),
        ("QĐ/TW", "không đúng dạng"),
        ("114/TW", "không đúng dạng"),
        ("114-QĐ", "không đúng dạng"),
        ("114-XYZ/TW", "Loại văn bản “XYZ”"),
        ("0-NQ/TW", "lớn hơn 0"),
    ],
)
def test_it_refuses_a_symbol_it_cannot_read_saying_what_is_wrong(typed, fragment):
    with pytest.raises(ValidationError) as caught:
        parse_symbol(typed)
    assert fragment in caught.value.messages[0]


def test_fold_makes_search_keys_without_diacritics():
    assert fold("Đảng bộ huyện Triệu Sơn") == "dang bo huyen trieu son"
    assert fold("  NGUYỄN   Văn An ") == "nguyen van an"


def test_nfc_composes_windows_1258_combining_tones():
    decomposed = "Nguyê\u0303n"  # ê + combining tilde, as cp1258 files decode
    assert nfc(decomposed) == "Nguyễn"
