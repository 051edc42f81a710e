"""Remediation items of inspections, by inspected unit, start date and wording."""

from imports_app.engine import (
    Column,
    ImportReport,
    RecordPlan,
    Row,
    changed_fields,
    code_parser,
    parse_date,
    text_parser,
)
from imports_app.kinds.common import Kind, RecordImporter, constraint_message
from imports_app.resources import ScopedResource, export_resource
from sessions_app import access
from sessions_app.models import (
    Inspection,
    RemediationItem,
)

REMEDIATION_FIELDS = ["due_on", "resolved_on", "resolution"]


class RemediationImporter(RecordImporter):
    """Remediation items, by the inspected unit's code, the inspection's start date and
    the item's wording."""

    kind = "remediations"
    title = "yêu cầu khắc phục"
    columns = [
        Column(
            "Mã đơn vị được kiểm tra",
            "unit",
            code_parser(30),
            required=True,
            example="XA01",
            export="inspection__inspected_unit__code",
        ),
        Column(
            "Ngày bắt đầu kiểm tra",
            "started_on",
            parse_date,
            required=True,
            example="15/03/2024",
            export="inspection__started_on",
        ),
        Column(
            "Nội dung yêu cầu khắc phục",
            "description",
            text_parser(10_000),
            required=True,
            example="Bổ sung kế hoạch hành động của chi bộ",
        ),
        Column("Hạn khắc phục", "due_on", parse_date, required=True, example="30/06/2024"),
        Column("Ngày khắc phục xong", "resolved_on", parse_date, example="", default=None),
        Column("Kết quả khắc phục", "resolution", text_parser(10_000), example=""),
    ]

    def __init__(self, *, user, context=None):
        super().__init__(user=user, context=context)
        self.seen: set[tuple] = set()

    def prepare(self, rows: list[Row], report: ImportReport) -> RecordPlan:
        ok_rows = [row for row in rows if row.ok]
        inspections: dict[tuple, list[Inspection]] = {}
        for inspection in (
            access.restrict(Inspection.objects.all(), self.user, "change")
            .filter(
                inspected_unit__code__in={r.values["unit"] for r in ok_rows},
                started_on__in={r.values["started_on"] for r in ok_rows},
            )
            .select_related("inspected_unit")
        ):
            key = (inspection.inspected_unit.code, inspection.started_on)
            inspections.setdefault(key, []).append(inspection)
        existing = {
            (item.inspection_id, item.description): item
            for item in RemediationItem.objects.filter(
                inspection__in=[i for group in inspections.values() for i in group]
            )
        }
        fields = [n for n in REMEDIATION_FIELDS if any(n in row.values for row in rows)]
        plan = RecordPlan(update_fields=fields)
        for row in ok_rows:
            inspection = self._inspection(row, inspections, report)
            if inspection is None:
                continue
            key = (inspection.pk, row.values["description"])
            if key in self.seen:
                report.error(
                    row,
                    "Nội dung yêu cầu khắc phục",
                    "Yêu cầu khắc phục này xuất hiện hai lần trong tệp.",
                )
                continue
            self.seen.add(key)
            self._plan_row(row, inspection, existing.get(key), fields, plan, report)
        return plan

    def _inspection(self, row, inspections, report) -> Inspection | None:
        unit, started_on = row.values["unit"], row.values["started_on"]
        found = inspections.get((unit, started_on), [])
        if len(found) == 1:
            return found[0]
        if not found:
            report.error(
                row,
                "Mã đơn vị được kiểm tra",
                f"Không có cuộc kiểm tra, giám sát đơn vị “{unit}” bắt đầu ngày {started_on:%d/%m/%Y} "
                "trong phạm vi đơn vị của bạn.",
            )
        else:
            report.error(
                row,
                "Ngày bắt đầu kiểm tra",
                f"Có {len(found)} cuộc kiểm tra đơn vị “{unit}” cùng ngày {started_on:%d/%m/%Y}; "
                "hãy nhập yêu cầu khắc phục trong trang của từng cuộc kiểm tra.",
            )
        return None

    def _plan_row(self, row, inspection, current, fields, plan, report) -> None:
        values = row.values
        item = current or RemediationItem(inspection=inspection, description=values["description"])
        changed = changed_fields(item, values, fields)
        for name in changed:
            setattr(item, name, values[name])
        if item.resolved_on and not item.resolution.strip():
            report.error(
                row,
                "Kết quả khắc phục",
                constraint_message(RemediationItem, "remediation_resolved_has_result"),
            )
        if item.resolved_on and item.resolved_on < inspection.started_on:
            report.error(
                row, "Ngày khắc phục xong", "Ngày khắc phục không được trước ngày kiểm tra."
            )
        if not row.ok:
            return
        label = values["description"][:80]
        if current is None:
            plan.creates.append(item)
            report.classify(row, "new", label)
        elif changed:
            plan.updates.append(item)
            report.classify(row, "changed", label, map(self.header_of, changed))
        else:
            report.classify(row, "unchanged", label)


class RemediationExport(ScopedResource):
    def related(self, queryset):
        return queryset.select_related("inspection__inspected_unit")


KIND = Kind(
    importer=RemediationImporter,
    resource=export_resource(RemediationImporter, RemediationItem, RemediationExport),
    model=RemediationItem,
)
