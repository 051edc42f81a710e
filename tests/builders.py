"""Small builders for test data: a tree, members, documents and sessions, made through services."""

import datetime
import itertools

from sessions_app import services
from sessions_app.choices import UnitKind
from sessions_app.models import Document, Organisation, StudySession

_codes = itertools.count(1)


def unit(
    parent: Organisation | None,
    name: str,
    kind: str = UnitKind.CELL,
    code: str | None = None,
    **fields,
) -> Organisation:
    return services.organisation_create(
        parent=parent, code=code or f"U{next(_codes):05d}", name=name, kind=kind, **fields
    )


def member(
    cell: Organisation, full_name: str, joined_on=datetime.date(2010, 1, 1), code=None, **fields
):
    return services.member_create(
        unit=cell,
        code=code or f"DV{next(_codes):06d}",
        full_name=full_name,
        joined_on=joined_on,
        **fields,
    )


def document(symbol: str = "114-QĐ/TW", issued_on=datetime.date(2023, 7, 11), **fields) -> Document:
    doc = Document(issued_on=issued_on, title=fields.pop("title", f"Văn bản {symbol}"), **fields)
    services.document_prepare(document=doc, symbol=symbol)
    doc.full_clean()
    doc.save()
    return doc


def session(
    organiser: Organisation,
    units: list[Organisation],
    documents: list[Document],
    held_on=datetime.date(2023, 9, 1),
    **fields,
) -> StudySession:
    return services.study_session_create(
        title=fields.pop("title", "Hội nghị học tập"),
        organiser=organiser,
        held_on=held_on,
        participating_units=units,
        documents=documents,
        **fields,
    )
