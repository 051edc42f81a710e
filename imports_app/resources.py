"""Exports through django-import-export: Vietnamese headers, codes instead of ids.

The headers are the import columns' headers (imports_app/importers.py), so an export is
a file the import takes back as it is. Every export starts from the rows the user may see.
"""

from import_export import fields, resources, widgets

from imports_app.importers import (
    AttendanceImporter,
    DocumentImporter,
    MemberImporter,
    OrganisationImporter,
    RemediationImporter,
    WrittenReportImporter,
)
from sessions_app import access
from sessions_app.models import (
    Attendance,
    Document,
    Member,
    Organisation,
    RemediationItem,
    WrittenReport,
)


class VietnameseBooleanWidget(widgets.Widget):
    def render(self, value, obj=None, **kwargs):
        return "Có" if value else "Không"


class ChoiceLabelWidget(widgets.Widget):
    def __init__(self, choices, **kwargs):
        super().__init__(**kwargs)
        items = getattr(choices, "choices", choices)  # a TextChoices class or a field
        self.labels = {value: str(label) for value, label in items}

    def render(self, value, obj=None, **kwargs):
        return self.labels.get(value, value or "")


class TextWidget(widgets.Widget):
    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class DecimalCommaWidget(widgets.Widget):
    def render(self, value, obj=None, **kwargs):
        return "" if value is None else f"{value.normalize():f}".replace(".", ",")


DATE = widgets.DateWidget(format="%d/%m/%Y")
YES_NO = VietnameseBooleanWidget()
TEXT = TextWidget()


def column(importer, key: str, attribute: str | None = None, widget=TEXT) -> fields.Field:
    header = next(c.header for c in importer.columns if c.key == key)
    return fields.Field(attribute=attribute or key, column_name=header, widget=widget)


class ScopedResource(resources.ModelResource):
    """A resource that exports only what the user may see (pass user=...)."""

    def __init__(self, *, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user

    def scope(self, queryset):
        return access.restrict(queryset, self.user, "export")

    def related(self, queryset):
        return queryset

    def filter_export(self, queryset, **kwargs):
        return self.related(self.scope(queryset))

    def iter_queryset(self, queryset):
        # Ordered chunks: bounded memory on a 100,000-row roster.
        return queryset.iterator(chunk_size=2000)


def _ordered(importer) -> tuple[str, ...]:
    return tuple(c.key for c in importer.columns)


class OrganisationResource(ScopedResource):
    code = column(OrganisationImporter, "code")
    name = column(OrganisationImporter, "name")
    kind = column(OrganisationImporter, "kind", widget=ChoiceLabelWidget(Organisation.kind.field))
    sector = column(
        OrganisationImporter, "sector", widget=ChoiceLabelWidget(Organisation.sector.field)
    )
    parent = fields.Field(column_name="Mã đơn vị cấp trên", dehydrate_method="dehydrate_parent")
    reported_members = column(OrganisationImporter, "reported_members")
    reported_grassroots = column(OrganisationImporter, "reported_grassroots")
    reported_cells = column(OrganisationImporter, "reported_cells")
    is_active = column(OrganisationImporter, "is_active", widget=YES_NO)

    class Meta:
        model = Organisation
        fields = _ordered(OrganisationImporter)
        export_order = fields

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


class MemberResource(ScopedResource):
    code = column(MemberImporter, "code")
    card_number = column(MemberImporter, "card_number")
    full_name = column(MemberImporter, "full_name")
    birth_date = column(MemberImporter, "birth_date", widget=DATE)
    gender = column(MemberImporter, "gender", widget=ChoiceLabelWidget(Member.gender.field))
    unit = column(MemberImporter, "unit", attribute="unit__code")
    joined_on = column(MemberImporter, "joined_on", widget=DATE)
    full_member_on = column(MemberImporter, "full_member_on", widget=DATE)
    committee_role = column(
        MemberImporter, "committee_role", widget=ChoiceLabelWidget(Member.committee_role.field)
    )
    is_leader = column(MemberImporter, "is_leader", widget=YES_NO)
    position = column(MemberImporter, "position")
    status = column(MemberImporter, "status", widget=ChoiceLabelWidget(Member.status.field))
    placed_on = fields.Field(
        column_name="Ngày bắt đầu sinh hoạt tại chi bộ", dehydrate_method="dehydrate_placed_on"
    )

    class Meta:
        model = Member
        fields = _ordered(MemberImporter)
        export_order = fields

    def related(self, queryset):
        from django.db.models import OuterRef, Subquery

        from sessions_app.models import MemberPlacement

        open_since = MemberPlacement.objects.filter(
            member=OuterRef("pk"), ended_on__isnull=True
        ).values("started_on")[:1]
        return queryset.select_related("unit").annotate(placed_on=Subquery(open_since))

    def dehydrate_placed_on(self, member):
        placed_on = getattr(member, "placed_on", None)
        return f"{placed_on:%d/%m/%Y}" if placed_on else ""


class DocumentResource(ScopedResource):
    symbol = column(DocumentImporter, "symbol")
    term = column(DocumentImporter, "term")
    issued_on = column(DocumentImporter, "issued_on", widget=DATE)
    title = column(DocumentImporter, "title")
    issuing_body = column(DocumentImporter, "issuing_body")
    report_required = column(DocumentImporter, "report_required", widget=YES_NO)

    class Meta:
        model = Document
        fields = _ordered(DocumentImporter)
        export_order = fields

    def scope(self, queryset):
        return queryset  # documents are issued from above: every user reads all of them


class AttendanceResource(ScopedResource):
    code = column(AttendanceImporter, "code", attribute="member__code")
    full_name = column(AttendanceImporter, "full_name", attribute="member__full_name")
    status = column(AttendanceImporter, "status", widget=ChoiceLabelWidget(Attendance.status.field))
    note = column(AttendanceImporter, "note")

    class Meta:
        model = Attendance
        fields = _ordered(AttendanceImporter)
        export_order = fields

    def scope(self, queryset):
        # At a shared class every unit sees the session but only the rows of members it
        # had on that day (the organiser sees them all): the access rule of attendance.
        return access.restrict(queryset, self.user, "export")

    def related(self, queryset):
        return queryset.select_related("member")


class WrittenReportResource(ScopedResource):
    code = column(WrittenReportImporter, "code", attribute="member__code")
    symbol = column(WrittenReportImporter, "symbol", attribute="document__symbol")
    term = column(WrittenReportImporter, "term", attribute="document__term")
    status = column(
        WrittenReportImporter, "status", widget=ChoiceLabelWidget(WrittenReport.status.field)
    )
    submitted_on = column(WrittenReportImporter, "submitted_on", widget=DATE)
    relates_to_practice = column(WrittenReportImporter, "relates_to_practice", widget=YES_NO)
    action_plan = column(WrittenReportImporter, "action_plan")
    grade = column(WrittenReportImporter, "grade", widget=DecimalCommaWidget())
    reviewed_on = column(WrittenReportImporter, "reviewed_on", widget=DATE)
    reviewer_comment = column(WrittenReportImporter, "reviewer_comment")
    revision_count = column(WrittenReportImporter, "revision_count")

    class Meta:
        model = WrittenReport
        fields = _ordered(WrittenReportImporter)
        export_order = fields

    def related(self, queryset):
        return queryset.select_related("member", "document")


class RemediationResource(ScopedResource):
    unit = column(RemediationImporter, "unit", attribute="inspection__inspected_unit__code")
    started_on = column(
        RemediationImporter, "started_on", attribute="inspection__started_on", widget=DATE
    )
    description = column(RemediationImporter, "description")
    due_on = column(RemediationImporter, "due_on", widget=DATE)
    resolved_on = column(RemediationImporter, "resolved_on", widget=DATE)
    resolution = column(RemediationImporter, "resolution")

    class Meta:
        model = RemediationItem
        fields = _ordered(RemediationImporter)
        export_order = fields

    def scope(self, queryset):
        return access.restrict(queryset, self.user, "export")

    def related(self, queryset):
        return queryset.select_related("inspection__inspected_unit")


RESOURCES = {
    "organisations": OrganisationResource,
    "members": MemberResource,
    "documents": DocumentResource,
    "attendance": AttendanceResource,
    "written_reports": WrittenReportResource,
    "remediations": RemediationResource,
}
