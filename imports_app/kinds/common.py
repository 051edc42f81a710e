"""What the record kinds share: scoping codes to the user's units, document symbols, and
the Kind that ties a kind's importer, export and admin list together."""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from imports_app.engine import (
    CellError,
    Column,
    Importer,
    RecordPlan,
    cell_text,
    code_parser,
)
from sessions_app import access, services
from sessions_app.lookups import any_of
from sessions_app.models import Organisation
from sessions_app.text import parse_symbol


@dataclass(frozen=True)
class Kind:
    """A record kind that moves in and out: its importer (whose columns are declared once,
    for import, export and template), the export built from those columns, and the
    admin list that carries the import and export links."""

    importer: type[Importer]
    resource: type
    model: type[models.Model]
    # False where rows need a context (attendance: imported from its session's page).
    import_on_list: bool = True

    @property
    def name(self) -> str:
        return self.importer.kind


class RecordImporter(Importer):
    """An importer whose plan is a RecordPlan (new and changed records of one model),
    written by one bulk service with the import's audit (who, why)."""

    write_service = staticmethod(services.checked_rows_write)

    def write(self, plan: RecordPlan) -> None:
        self.write_service(
            creates=plan.creates,
            updates=plan.updates,
            update_fields=plan.update_fields,
            **self.audit,
        )


def member_code_column() -> Column:
    """The member a row is about, by code; its export reads the related member's code."""
    return Column(
        "Mã đảng viên",
        "code",
        code_parser(20),
        required=True,
        example="DV000123",
        export="member__code",
    )


def constraint_message(model: type[models.Model], name: str) -> str:
    """The Vietnamese message of one of the model's named constraints: a row check that
    mirrors a database constraint says what the database would say, from one place."""
    constraint = next(c for c in model._meta.constraints if c.name == name)
    return str(constraint.violation_error_message)


def out_of_scope(code: str, what: str = "đơn vị") -> str:
    return f"Không có {what} mã “{code}” trong phạm vi đơn vị của bạn."


def visible_units(user, codes: set[str]) -> dict[str, Organisation]:
    """Units the user may touch, by code: one query."""
    if not codes:
        return {}
    units = access.restrict(Organisation.objects.all(), user, "view").filter(any_of("code", codes))
    return {unit.code: unit for unit in units}


def parse_document_symbol(value: Any) -> str:
    """A document symbol as written (114-QĐ/TW), checked and normalised."""
    try:
        return str(parse_symbol(cell_text(value)))
    except ValidationError as error:
        raise CellError(" ".join(error.messages)) from error
