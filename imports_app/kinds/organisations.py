"""The tree of party organisations, by unit code and parent code."""

from django.core.exceptions import ValidationError

from imports_app.engine import (
    Column,
    Importer,
    ImportReport,
    Row,
    changed_fields,
    choice_parser,
    code_parser,
    parse_bool,
    parse_int,
    text_parser,
)
from imports_app.kinds.common import Kind, out_of_scope, visible_units
from imports_app.resources import ScopedResource, export_resource
from sessions_app import access, services
from sessions_app.choices import (
    Sector,
    UnitKind,
)
from sessions_app.models import (
    Organisation,
)

ORGANISATION_FIELDS = [
    "name",
    "kind",
    "sector",
    "reported_members",
    "reported_grassroots",
    "reported_cells",
    "is_active",
]


class OrganisationImporter(Importer):
    """The tree by parent code. Trees are small (hundreds of units), so the whole file is
    checked at the end and units are created parent before child through treebeard."""

    kind = "organisations"
    title = "tổ chức đảng"
    columns = [
        Column("Mã đơn vị", "code", code_parser(30), required=True, example="CB01"),
        Column(
            "Tên tổ chức đảng", "name", text_parser(255), required=True, example="Chi bộ thôn 1"
        ),
        Column(
            "Loại tổ chức",
            "kind",
            choice_parser(UnitKind),
            required=True,
            example="Chi bộ trực thuộc",
        ),
        Column(
            "Lĩnh vực",
            "sector",
            choice_parser(Sector),
            example="Xã, phường, thị trấn",
            default=Sector.OTHER,
        ),
        Column("Mã đơn vị cấp trên", "parent", code_parser(30), example="XA01"),
        Column("Số đảng viên (báo cáo)", "reported_members", parse_int, example="25", default=None),
        Column("Số tổ chức cơ sở đảng (báo cáo)", "reported_grassroots", parse_int, default=None),
        Column("Số chi bộ trực thuộc (báo cáo)", "reported_cells", parse_int, default=None),
        Column("Đang hoạt động", "is_active", parse_bool, example="Có", default=False),
    ]

    def __init__(self, *, user, context=None):
        super().__init__(user=user, context=context)
        self.rows: dict[str, Row] = {}

    def prepare(self, rows: list[Row], report: ImportReport) -> None:
        for row in rows:
            code = row.values.get("code")
            if code in self.rows:
                report.error(row, "Mã đơn vị", f"Mã đơn vị “{code}” xuất hiện hai lần trong tệp.")
            elif code:
                self.rows[code] = row

    def write(self, plan) -> None:
        """Units are written in finish(), once the whole tree is known."""

    def finish(self, report: ImportReport, *, dry_run: bool) -> None:
        rows = {code: row for code, row in self.rows.items() if row.ok}
        parent_codes = {row.values.get("parent") for row in rows.values()} - {"", None}
        existing = {u.code: u for u in Organisation.objects.filter(code__in=set(rows))}
        visible = visible_units(self.user, set(existing) | parent_codes)
        for code, row in rows.items():
            parent = row.values.get("parent") or ""
            if code in existing and code not in visible:
                report.error(row, "Mã đơn vị", out_of_scope(code))
            elif parent == code:
                report.error(
                    row, "Mã đơn vị cấp trên", "Đơn vị không thể là cấp trên của chính nó."
                )
            elif parent and parent not in rows and parent not in visible:
                report.error(row, "Mã đơn vị cấp trên", out_of_scope(parent))
            elif not parent:
                try:
                    services.organisation_top_level_check(by=self.user)
                except ValidationError as refusal:
                    report.error(row, "Mã đơn vị cấp trên", " ".join(refusal.messages))
        ordered = self._parents_first(rows, report)
        if report.errors:
            return
        changes = self._classify(ordered, existing, report)
        if not dry_run:
            self._apply(ordered, existing, changes)

    def _parents_first(self, rows: dict[str, Row], report: ImportReport) -> list[Row]:
        ordered, placed, visiting = [], set(), set()

        def place(code: str) -> bool:
            if code in placed or code not in rows:
                return True
            if code in visiting:
                return False
            visiting.add(code)
            ok = place(rows[code].values.get("parent") or "")
            visiting.discard(code)
            if ok:
                placed.add(code)
                ordered.append(rows[code])
            return ok

        for code, row in rows.items():
            if row.ok and not place(code):
                report.error(
                    row,
                    "Mã đơn vị cấp trên",
                    "Các đơn vị trong tệp làm cấp trên của nhau (vòng lặp).",
                )
        return ordered

    def _classify(self, ordered, existing, report) -> dict[str, list[str]]:
        changes = {}
        for row in ordered:
            values, unit = row.values, existing.get(row.values["code"])
            label = f"{values['code']} – {values['name']}"
            if unit is None:
                report.classify(row, "new", label)
                continue
            fields = [name for name in ORGANISATION_FIELDS if name in values]
            changed = changed_fields(unit, values, fields)
            parent_code = self._parent_code(unit, existing)
            if "parent" in values and (values["parent"] or "") != parent_code:
                changed.append("parent")
            changes[unit.code] = changed
            headers = [
                "Mã đơn vị cấp trên" if n == "parent" else self.header_of(n) for n in changed
            ]
            report.classify(row, "changed" if changed else "unchanged", label, headers)
        return changes

    @staticmethod
    def _parent_code(unit: Organisation, known: dict[str, Organisation]) -> str:
        if unit.depth == 1:
            return ""
        parent_path = unit.path[: -Organisation.steplen]
        for other in known.values():
            if other.path == parent_path:
                return other.code
        return Organisation.objects.filter(path=parent_path).values_list("code", flat=True)[0]

    def _apply(self, ordered, existing, changes) -> None:
        for row in ordered:
            values = row.values
            fields = {n: values[n] for n in ORGANISATION_FIELDS if n in values}
            parent_code = values.get("parent") or ""
            parent = Organisation.objects.get(code=parent_code) if parent_code else None
            unit = existing.get(values["code"])
            if unit is None:
                services.organisation_create(
                    parent=parent, code=values["code"], **fields, **self.audit
                )
                continue
            changed = changes.get(unit.code, [])
            if "parent" in changed:
                if parent is None:
                    raise ValidationError(
                        f"Không chuyển được đơn vị “{unit.code}” thành đơn vị cấp cao nhất."
                    )
                unit = services.organisation_move(unit=unit, new_parent=parent, **self.audit)
            updated = [name for name in changed if name != "parent"]
            if updated:
                services.organisation_update(
                    unit=unit, **{n: fields[n] for n in updated}, **self.audit
                )


class OrganisationExport(ScopedResource):
    """The tree parent before child, each unit with its parent's code."""

    def export(self, queryset=None, **kwargs):
        queryset = self.filter_export(queryset if queryset is not None else Organisation.objects)
        self.parent_codes = dict(
            Organisation.objects.filter(
                path__in={unit.path[: -Organisation.steplen] for unit in queryset.only("path")}
            ).values_list("path", "code")
        )
        return super().export(queryset.order_by("path"), **kwargs)

    def filter_export(self, queryset, **kwargs):
        return access.restrict(queryset, self.user, "export")

    def dehydrate_parent(self, unit):
        return self.parent_codes.get(unit.path[: -Organisation.steplen], "")


KIND = Kind(
    importer=OrganisationImporter,
    resource=export_resource(OrganisationImporter, Organisation, OrganisationExport),
    model=Organisation,
)
