"""Files handed in as written reports: recognised by content, size-limited, text extracted.

A file is accepted only when its name says .docx, .pdf, .odt or .txt AND its bytes are a
file of that kind: a PDF header that pypdf can read, a zip holding a Word or OpenDocument
text, or plain UTF-8 text that is not markup. Anything else (an .html or .svg page, a
program, a renamed file) is refused with a Vietnamese message naming the file. The text is
extracted here, because copy detection and reviewers read the text, not the file.
"""

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError

from sessions_app.choices import ReportFileKind
from sessions_app.text import fold

EXTENSIONS = {
    ".docx": ReportFileKind.DOCX,
    ".pdf": ReportFileKind.PDF,
    ".odt": ReportFileKind.ODT,
    ".txt": ReportFileKind.TXT,
}
CONTENT_TYPES = {
    ReportFileKind.DOCX: (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ),
    ReportFileKind.PDF: "application/pdf",
    ReportFileKind.ODT: "application/vnd.oasis.opendocument.text",
    ReportFileKind.TXT: "text/plain; charset=utf-8",
}
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
# A zip may not unpack to more than this, nor hold more members (zip bombs).
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_ZIP_MEMBERS = 2000
MAX_PDF_PAGES = 300
_MARKUP = re.compile(rb"<\s*(!doctype|html|svg|script|\?xml|body|iframe)", re.IGNORECASE)


@dataclass(frozen=True)
class ReportFile:
    """A checked upload: its kind, its original name, its bytes and the text inside."""

    kind: str
    name: str
    content: bytes
    text: str


def _refuse(message: str) -> ValidationError:
    return ValidationError(message, code="invalid_report_file")


def clean_text(value: str) -> str:
    """NFC, no NUL (PostgreSQL refuses it), paragraphs kept, spaces inside lines collapsed."""
    value = unicodedata.normalize("NFC", (value or "").replace("\x00", ""))
    lines = [" ".join(line.split()) for line in value.replace("\r\n", "\n").split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def read_report_file(upload) -> ReportFile:
    """Check an uploaded file by its content and extract its text, or raise ValidationError."""
    name = PurePath(upload.name or "").name
    kind = EXTENSIONS.get(PurePath(name.lower()).suffix)
    if kind is None:
        raise _refuse(
            f"Tệp “{name}” không được nhận: chỉ nhận bài thu hoạch dạng .docx, .pdf, .odt "
            "hoặc .txt."
        )
    limit = settings.WRITTEN_REPORT_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise _refuse(f"Tệp “{name}” nặng {_size(upload.size)}, vượt giới hạn {_size(limit)}.")
    upload.seek(0)
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise _refuse(f"Tệp “{name}” vượt giới hạn {_size(limit)}.")
    if not content:
        raise _refuse(f"Tệp “{name}” rỗng.")
    found = detect_kind(content)
    if found != kind:
        raise _refuse(
            f"Nội dung tệp “{name}” không phải {ReportFileKind(kind).label} hợp lệ "
            "(tệp được kiểm tra theo nội dung, không theo tên)."
        )
    try:
        text = _EXTRACTORS[kind](content)
    except ValidationError:
        raise
    except Exception as exc:  # noqa: BLE001 - untrusted files break parsers in many ways
        raise _refuse(
            f"Không đọc được nội dung tệp “{name}”: tệp hỏng hoặc sai định dạng."
        ) from exc
    text = clean_text(text)
    if not text:
        raise _refuse(
            f"Tệp “{name}” không có chữ đọc được (có thể là ảnh chụp, bản scan); "
            "hãy dán nội dung bài vào ô nội dung."
        )
    return ReportFile(kind=kind, name=name, content=content, text=text)


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.1f} MB".replace(".", ",")
    return f"{max(1, round(n / 1024))} KB"


def detect_kind(content: bytes) -> str | None:
    """The report kind these bytes are, from their magic number and container structure."""
    if content.startswith(b"%PDF-"):
        return ReportFileKind.PDF
    if content.startswith(b"PK\x03\x04"):
        return _zip_kind(content)
    if _is_plain_text(content):
        return ReportFileKind.TXT
    return None


def _zip_kind(content: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ZIP_MEMBERS:
                return None
            if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
                return None
            names = {info.filename for info in infos}
            if (
                infos
                and infos[0].filename == "mimetype"
                and archive.read("mimetype").strip() == ODT_MIMETYPE
                and "content.xml" in names
            ):
                return ReportFileKind.ODT
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return ReportFileKind.DOCX
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, EOFError):
        return None
    except Exception:  # noqa: BLE001 - zlib.error and friends: not a document we read
        return None
    return None


def _is_plain_text(content: bytes) -> bool:
    if b"\x00" in content[:8192]:
        return False
    if _MARKUP.search(content[:4096]):
        return False
    try:
        content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return True


def _docx_text(content: bytes) -> str:
    import docx  # python-docx; its parser does not resolve external entities

    document = docx.Document(io.BytesIO(content))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content), strict=False)
    if len(reader.pages) > MAX_PDF_PAGES:
        raise _refuse(f"Tệp PDF có hơn {MAX_PDF_PAGES} trang, không phải một bài thu hoạch.")
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def _odt_text(content: bytes) -> str:
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        xml = archive.read("content.xml")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    root = etree.fromstring(xml, parser)
    ns = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
    paragraphs = root.iter(f"{{{ns}}}p", f"{{{ns}}}h")
    return "\n".join("".join(node.itertext()) for node in paragraphs)


def _txt_text(content: bytes) -> str:
    return content.decode("utf-8-sig")


_EXTRACTORS = {
    ReportFileKind.DOCX: _docx_text,
    ReportFileKind.PDF: _pdf_text,
    ReportFileKind.ODT: _odt_text,
    ReportFileKind.TXT: _txt_text,
}


def download_name(*, member: str, symbol: str, version: int | None, kind: str) -> str:
    """A safe file name in Vietnamese: no path or control characters, the real extension.

    'Bài thu hoạch - Nguyễn Văn An - 114-QĐ-TW (lần 2).docx'. The response carries it
    both as UTF-8 (filename*) and folded to ASCII for old clients.
    """
    label = f"Bài thu hoạch - {member} - {symbol}"
    if version:
        label += f" (lần {version})"
    label = unicodedata.normalize("NFC", label)
    label = re.sub(r"[\x00-\x1f\x7f/\\:*?\"<>|;]", "-", label)
    label = " ".join(label.split()).strip(" .-")[:150] or "bai-thu-hoach"
    extension = kind if kind in EXTENSIONS.values() else "bin"
    return f"{label}.{extension}"


def ascii_name(name: str) -> str:
    """The same name without diacritics, for the plain filename= parameter."""
    stem, _, extension = name.rpartition(".")
    folded = re.sub(r"[^a-z0-9()._]+", "-", fold(stem)).strip("-") or "bai-thu-hoach"
    return f"{folded}.{extension}"


def content_disposition(name: str) -> str:
    """attachment; with an ASCII fallback and the Vietnamese name (RFC 6266 / 5987)."""
    from urllib.parse import quote

    return f"attachment; filename=\"{ascii_name(name)}\"; filename*=UTF-8''{quote(name)}"
