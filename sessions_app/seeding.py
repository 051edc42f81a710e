"""Load the five seed articles and the records written by hand from them (seeds/fixtures.json).

Every record is upserted by its natural key (article code, unit code, document symbol and
term, session title and date, site name, …), so a second load changes nothing. Units go
through services.organisation_create so that their tree paths are right.
"""

import datetime
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction

from sessions_app import services
from sessions_app.models import (
    ActionProgramme,
    Document,
    Inspection,
    Organisation,
    ReportedFact,
    SessionSite,
    SourceArticle,
    StudySession,
)
from sessions_app.obligations import obligations_refresh
from sessions_app.text import nfc, parse_symbol

SEEDS_DIR = Path(settings.BASE_DIR) / "seeds"
FIXTURE_NAME = "fixtures.json"

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"

# A scraped header some files start with, e.g. " date 2024-06 Đổi mới việc học tập…".
_DATE_MARKER = re.compile(r"^\s*date\s+\d{4}(-\d{2}){0,2}\s+")

# The models a seed load writes, in load order; the command reports them in this order.
SEEDED_MODELS = [
    SourceArticle,
    Organisation,
    Document,
    StudySession,
    SessionSite,
    Inspection,
    ActionProgramme,
    ReportedFact,
]


@dataclass
class SeedTally:
    """How many records of each model a load created, updated or left unchanged."""

    by_model: dict[type[models.Model], Counter] = field(default_factory=dict)

    def add(self, model: type[models.Model], outcome: str) -> None:
        self.by_model.setdefault(model, Counter())[outcome] += 1

    def total(self, outcome: str) -> int:
        return sum(counts[outcome] for counts in self.by_model.values())

    @property
    def changed(self) -> bool:
        return bool(self.total(CREATED) or self.total(UPDATED))


@transaction.atomic
def seeds_load(*, directory: Path | None = None) -> SeedTally:
    """Load (or refresh) the seed data in one transaction: all of it, or nothing."""
    directory = Path(directory or SEEDS_DIR)
    data = _read_fixture(directory / FIXTURE_NAME)
    loader = _SeedLoader(directory)
    loader.load_articles(data.get("articles", []))
    loader.load_units(data.get("units", []))
    loader.load_documents(data.get("documents", []))
    loader.load_sessions(data.get("sessions", []))
    loader.load_inspections(data.get("inspections", []))
    loader.load_action_programmes(data.get("action_programmes", []))
    loader.load_facts(data.get("facts", []))
    return loader.tally


def _read_fixture(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise ValidationError(f"Không tìm thấy tệp dữ liệu mẫu {path}.") from error
    except json.JSONDecodeError as error:
        raise ValidationError(
            f"Tệp dữ liệu mẫu {path} không đúng định dạng JSON (dòng {error.lineno}): {error.msg}."
        ) from error


def _date(raw: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(raw) if raw else None


def _same(instance: models.Model, name: str, value) -> bool:
    model_field = instance._meta.get_field(name)
    if model_field.is_relation:
        return getattr(instance, model_field.attname) == (value.pk if value is not None else None)
    return getattr(instance, name) == value


def _upsert(model: type[models.Model], key: dict, values: dict) -> tuple[models.Model, str]:
    """Create the row with this natural key, or bring its other fields up to date."""
    instance = model.objects.filter(**key).first()
    if instance is None:
        instance = model(**key, **values)
        instance.full_clean()
        instance.save()
        return instance, CREATED
    changed = [name for name, value in values.items() if not _same(instance, name, value)]
    if not changed:
        return instance, UNCHANGED
    for name in changed:
        setattr(instance, name, values[name])
    instance.full_clean()
    instance.save()
    return instance, UPDATED


def _sync_m2m(manager, wanted: list[models.Model]) -> bool:
    """Make a many-to-many relation hold exactly these rows; say whether it changed."""
    wanted_ids = {obj.pk for obj in wanted}
    if set(manager.values_list("pk", flat=True)) == wanted_ids:
        return False
    manager.set(wanted)
    return True


def article_title(text: str) -> str:
    """The first line of the article, without the scraped date marker some files carry."""
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    return nfc(_DATE_MARKER.sub("", first_line))


class _SeedLoader:
    """Loads one fixture section after another, resolving codes to the rows already loaded."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.tally = SeedTally()
        self.articles: dict[str, SourceArticle] = {}
        self.units: dict[str, Organisation] = {}
        self.documents: dict[str, Document] = {}

    # --- lookups -----------------------------------------------------------------------

    def article(self, code: str) -> SourceArticle:
        try:
            return self.articles[code]
        except KeyError:
            raise ValidationError(f"Dữ liệu mẫu: không có bài viết nguồn mã “{code}”.") from None

    def unit(self, code: str) -> Organisation:
        if code not in self.units:
            unit = Organisation.objects.filter(code=code).first()
            if unit is None:
                raise ValidationError(f"Dữ liệu mẫu: không có đơn vị mã “{code}”.")
            self.units[code] = unit
        return self.units[code]

    def document(self, symbol: str) -> Document:
        try:
            return self.documents[str(parse_symbol(symbol))]
        except KeyError:
            raise ValidationError(
                f"Dữ liệu mẫu: văn bản “{symbol}” chưa có trong phần văn bản của tệp."
            ) from None

    # --- sections ----------------------------------------------------------------------

    def load_articles(self, rows: list[dict]) -> None:
        for row in rows:
            path = self.directory / row["file_name"]
            try:
                text = path.read_bytes().decode("utf-8")
            except FileNotFoundError as error:
                raise ValidationError(f"Không tìm thấy bài viết nguồn {path}.") from error
            article, outcome = _upsert(
                SourceArticle,
                {"code": row["code"]},
                {
                    "file_name": row["file_name"],
                    "title": article_title(text),
                    "published_on": _date(row.get("published_on")),
                    "text": text,
                },
            )
            self.articles[article.code] = article
            self.tally.add(SourceArticle, outcome)

    def load_units(self, rows: list[dict]) -> None:
        for row in rows:
            parent = self.unit(row["parent"]) if row.get("parent") else None
            values = {
                "name": nfc(row["name"]),
                "kind": row["kind"],
                "sector": row.get("sector", "khac"),
                "reported_members": row.get("reported_members"),
                "reported_grassroots": row.get("reported_grassroots"),
                "reported_cells": row.get("reported_cells"),
                "source": self.article(row["source"]),
            }
            unit, outcome = self._upsert_unit(row["code"], parent, values)
            self.units[unit.code] = unit
            self.tally.add(Organisation, outcome)

    def _upsert_unit(
        self, code: str, parent: Organisation | None, values: dict
    ) -> tuple[Organisation, str]:
        unit = Organisation.objects.filter(code=code).first()
        if unit is None:
            return services.organisation_create(parent=parent, code=code, **values), CREATED
        outcome = UNCHANGED
        current_parent = Organisation.objects.get_parent(unit, update=True)
        if parent is not None and (current_parent is None or current_parent.pk != parent.pk):
            unit = services.organisation_move(unit=unit, new_parent=parent)
            self.units.clear()  # a move rewrites the paths of the whole subtree
            outcome = UPDATED
        changed = [name for name, value in values.items() if not _same(unit, name, value)]
        if changed:
            for name in changed:
                setattr(unit, name, values[name])
            unit.full_clean(exclude=["path", "depth", "numchild"], validate_constraints=False)
            unit.save()
            outcome = UPDATED
        return unit, outcome

    def load_documents(self, rows: list[dict]) -> None:
        for row in rows:
            parsed = parse_symbol(row["symbol"])
            document, outcome = _upsert(
                Document,
                {"symbol": str(parsed), "term": row.get("term", "")},
                {
                    "number": parsed.number,
                    "kind": parsed.kind.value,
                    "issuer": parsed.issuer,
                    "issuing_body": row.get("issuing_body", ""),
                    "issued_on": _date(row["issued_on"]),
                    "title": nfc(row["title"]),
                    "report_required": row.get("report_required", True),
                    "source": self.article(row["source"]),
                },
            )
            self.documents[document.symbol] = document
            self.tally.add(Document, outcome)

    def load_sessions(self, rows: list[dict]) -> None:
        for row in rows:
            rate = row.get("reported_rate")
            session, outcome = _upsert(
                StudySession,
                {"title": nfc(row["title"]), "held_on": _date(row["held_on"])},
                {
                    "organiser": self.unit(row["organiser"]),
                    "date_is_estimated": row.get("date_is_estimated", False),
                    "audience": row["audience"],
                    "format": row["format"],
                    "location": row.get("location", ""),
                    "discipline_remarks": row.get("discipline_remarks", ""),
                    "reported_expected": row.get("reported_expected"),
                    "reported_attended": row.get("reported_attended"),
                    "reported_site_count": row.get("reported_site_count"),
                    "reported_rate": Decimal(rate) if rate is not None else None,
                    "source": self.article(row["source"]),
                },
            )
            units = [self.unit(code) for code in row["participating_units"]]
            documents = [self.document(symbol) for symbol in row.get("documents", [])]
            relinked = _sync_m2m(session.participating_units, units)
            relinked = _sync_m2m(session.documents, documents) or relinked
            if relinked and outcome == UNCHANGED:
                outcome = UPDATED
            if outcome != UNCHANGED:
                # Seeded units may hold loaded rosters: who was required follows the session.
                obligations_refresh(session_ids=[session.pk])
            self.tally.add(StudySession, outcome)
            for site in row.get("sites", []):
                _, site_outcome = _upsert(
                    SessionSite,
                    {"session": session, "name": nfc(site["name"])},
                    {
                        "unit": self.unit(site["unit"]) if site.get("unit") else None,
                        "expected": site.get("expected"),
                        "attended": site["attended"],
                    },
                )
                self.tally.add(SessionSite, site_outcome)

    def load_inspections(self, rows: list[dict]) -> None:
        for row in rows:
            inspection, outcome = _upsert(
                Inspection,
                {
                    "inspecting_unit": self.unit(row["inspecting_unit"]),
                    "inspected_unit": self.unit(row["inspected_unit"]),
                    "activity": row["activity"],
                    "kind": row["kind"],
                    "started_on": _date(row["started_on"]),
                    "source": self.article(row["source"]),
                },
                {
                    "ended_on": _date(row.get("ended_on")),
                    "date_is_estimated": row.get("date_is_estimated", False),
                    "team": row.get("team", ""),
                    "leadership_documents_issued": row.get("leadership_documents_issued", False),
                    "action_programme_built": row.get("action_programme_built", False),
                    "models_and_solutions": row.get("models_and_solutions", False),
                    "targets_met": row.get("targets_met", False),
                    "on_time": row.get("on_time", False),
                    "conclusion": row.get("conclusion", ""),
                    "lessons": row.get("lessons", ""),
                },
            )
            documents = [self.document(symbol) for symbol in row.get("documents", [])]
            if _sync_m2m(inspection.documents, documents) and outcome == UNCHANGED:
                outcome = UPDATED
            self.tally.add(Inspection, outcome)

    def load_action_programmes(self, rows: list[dict]) -> None:
        for row in rows:
            _, outcome = _upsert(
                ActionProgramme,
                {"unit": self.unit(row["unit"]), "document": self.document(row["document"])},
                {
                    "symbol": row.get("symbol", ""),
                    "issued_on": _date(row["issued_on"]),
                    "title": nfc(row.get("title", "")),
                    "source": self.article(row["source"]),
                },
            )
            self.tally.add(ActionProgramme, outcome)

    def load_facts(self, rows: list[dict]) -> None:
        for row in rows:
            _, outcome = _upsert(
                ReportedFact,
                {
                    "unit": self.unit(row["unit"]),
                    "label": nfc(row["label"]),
                    "source": self.article(row["source"]),
                },
                {
                    "value": Decimal(row["value"]),
                    "measure": row.get("measure", ""),
                    "period_start": _date(row.get("period_start")),
                    "period_end": _date(row.get("period_end")),
                },
            )
            self.tally.add(ReportedFact, outcome)
