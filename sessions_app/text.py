"""Text helpers: Unicode normalisation, diacritic-free search keys, document symbols."""

import datetime
import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.text import slugify

from sessions_app.choices import DocumentKind


def nfc(value: str) -> str:
    """Compose tones (Windows-1258 files decode to combining marks) and trim spaces."""
    return " ".join(unicodedata.normalize("NFC", value or "").split())


# Vietnamese tones and vowel marks decompose into the Combining Diacritical Marks block:
# translate() drops them in one pass (fold runs for every row of a 100,000-row import).
_MARKS = dict.fromkeys(c for c in range(0x300, 0x370) if unicodedata.combining(chr(c)))


def fold(value: str) -> str:
    """Search key: no diacritics, đ as d, lower case, single spaces ('Triệu Sơn' -> 'trieu son')."""
    stripped = unicodedata.normalize("NFD", value or "").translate(_MARKS)
    if not stripped.isascii():  # marks of other blocks, if any
        stripped = "".join(ch for ch in stripped if not unicodedata.combining(ch))
    stripped = stripped.replace("đ", "d").replace("Đ", "D")
    return " ".join(stripped.lower().split())


_KIND_BY_FOLDED = {fold(kind.value): kind for kind in DocumentKind}
_SYMBOL_RE = re.compile(
    r"^(?P<number>\d{1,5})\s*-\s*(?P<kind>[^\W\d_]{1,4})\s*/\s*(?P<issuer>[^\W\d_]{1,10})$"
)


@dataclass(frozen=True)
class DocumentSymbol:
    """A parsed document symbol such as 114-QĐ/TW: number, kind and issuer."""

    number: int
    kind: DocumentKind
    issuer: str

    def __str__(self) -> str:
        return f"{self.number:02d}-{self.kind.value}/{self.issuer}"


def parse_symbol(raw: str) -> DocumentSymbol:
    """Read '114-QĐ/TW', '114-qđ/tw' or '114 - QD/TW'; refuse anything else in Vietnamese."""
    text = nfc(raw)
    if not text:
        raise ValidationError("Chưa nhập số ký hiệu văn bản.", code="symbol_empty")
    match = _SYMBOL_RE.match(text)
    if not match:
        raise ValidationError(
            "Số ký hiệu “%(value)s” không đúng dạng số-loại/cơ quan ban hành, ví dụ 114-QĐ/TW.",
            code="symbol_format",
            params={"value": text},
        )
    kind = _KIND_BY_FOLDED.get(fold(match["kind"]))
    if kind is None:
        allowed = ", ".join(k.value for k in DocumentKind)
        raise ValidationError(
            "Loại văn bản “%(kind)s” trong số ký hiệu không hợp lệ; dùng một trong: %(allowed)s.",
            code="symbol_kind",
            params={"kind": match["kind"], "allowed": allowed},
        )
    number = int(match["number"])
    if number == 0:
        raise ValidationError("Số văn bản phải lớn hơn 0.", code="symbol_number")
    issuer = _normalise_issuer(match["issuer"])
    return DocumentSymbol(number=number, kind=kind, issuer=issuer)


def _normalise_issuer(raw: str) -> str:
    issuer = "".join(raw.split()).upper()
    # Typed without the Vietnamese letter: "DU" is Đảng ủy (ĐU), as "QD" is QĐ.
    return "Đ" + issuer[1:] if issuer.startswith("D") else issuer


def slug(value: str) -> str:
    """A file-name part that keeps its meaning: 'Chi bộ thôn Đông Lạc' -> 'chi-bo-thon-dong-lac'.

    Django's slugify drops "đ" (it has no decomposition), turning "Đảng viên" into "ang-vien";
    fold() maps it to "d" and strips the tones first.
    """
    return slugify(fold(value))


def download_name(*parts: str, day: datetime.date | None = None, ext: str = "") -> str:
    """'dang-vien_chi-bo-thon-dong-lac_2026-11-23.xlsx': what, for which unit, as of when."""
    pieces = [slug(part) for part in parts if part and slug(part)]
    if day is not None:
        pieces.append(day.isoformat())
    stem = "_".join(pieces) or "tep"
    return f"{stem}.{ext}" if ext else stem


def sheet_title(value: str) -> str:
    """An Excel sheet name: at most 31 characters, none of : \\ / ? * [ ]."""
    cleaned = re.sub(r"[:\\/?*\[\]]", " ", nfc(value)).strip()
    return (cleaned[:31].strip() or "Dữ liệu")[:31]
