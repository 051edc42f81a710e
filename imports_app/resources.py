"""Exports through django-import-export, built from the import columns of each kind.

A kind declares its columns once (imports_app/kinds/<kind>.py, `Importer.columns`):
header, key, how a cell is read, and where the export reads it. `export_resource` turns
them into a django-import-export `ModelResource` with the same headers in the same
order, writing values as the import reads them back (day-first dates, "Có"/"Không",
choice labels), so an export is a file the import takes back as it is. Every export
starts from the rows the user may see.
"""

from import_export import fields, resources, widgets

from imports_app.engine import Importer, parse_bool, parse_date
from sessions_app import access


class VietnameseBooleanWidget(widgets.Widget):
    def render(self, value, obj=None, **kwargs):
        return "Có" if value else "Không"


class ChoiceLabelWidget(widgets.Widget):
    def __init__(self, choices, **kwargs):
        super().__init__(**kwargs)
        self.labels = {value: str(label) for value, label in choices.choices}

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


def _widget(column, overrides: dict) -> widgets.Widget:
    if column.key in overrides:
        return overrides[column.key]
    if column.parse is parse_date:
        return DATE
    if column.parse is parse_bool:
        return YES_NO
    if choices := getattr(column.parse, "choices", None):
        return ChoiceLabelWidget(choices)
    return TEXT


def export_resource(importer: type[Importer], model, base=ScopedResource, *, widgets=None):
    """The kind's ModelResource: one export field per import column, in the same order.

    `base` carries what is particular to the kind (its scope, the related rows it loads,
    a `dehydrate_<key>` for a computed column); `widgets` overrides how a column is written.
    """
    declared = {}
    for column in importer.columns:
        computed = hasattr(base, f"dehydrate_{column.key}")
        declared[column.key] = fields.Field(
            attribute=None if computed else column.export or column.key,
            column_name=column.header,
            widget=_widget(column, widgets or {}),
        )
    keys = tuple(column.key for column in importer.columns)
    meta = type("Meta", (), {"model": model, "fields": keys, "export_order": keys})
    name = f"{importer.__name__.removesuffix('Importer')}Resource"
    return type(base)(name, (base,), {**declared, "Meta": meta, "__module__": base.__module__})
