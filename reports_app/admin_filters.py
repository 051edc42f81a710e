"""The admin lists behind the compliance report's figures (the links of reports_app/links.py).

Add `ReportLinksMixin` to a scoped ModelAdmin and declare `report_unit_lookup`, the tree
path of the unit a record belongs to. The list then accepts `unit_path` (records under
that unit, counted the way the report counts them) and the relational lookups named in
`report_lookups`. Filters only narrow the admin's own queryset: access.restrict still
applies, so a link to another district's path shows nothing.
"""

import datetime

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.db.models import Q

from reports_app.selectors import ReportFilters, members_required_q
from sessions_app import access
from sessions_app.models import Document, Organisation

UNIT_PATH = "unit_path"


def _linked_unit(request, path: str) -> Organisation | None:
    """The unit a report link points at, if the user may see it (once per request)."""
    cache = request.__dict__.setdefault("_report_units", {})
    if path not in cache:
        units = access.restrict(Organisation.objects.all(), request.user, "view")
        cache[path] = units.filter(path=path).only("name").first()
    return cache[path]


def report_filter_note(request) -> str | None:
    """What the list is narrowed to, in words, when it was opened from the report."""
    path = request.GET.get(UNIT_PATH)
    if path is None:
        return None
    unit = _linked_unit(request, path)
    if unit is None:
        return "Đơn vị trong liên kết báo cáo không thuộc phạm vi của bạn: không có bản ghi nào."
    return f"Đang lọc theo báo cáo tuân thủ: {unit.name} và các đơn vị trực thuộc."


class UnitPathFilter(admin.SimpleListFilter):
    """Records under the unit with this tree path; shown only when a report link set it."""

    title = "theo báo cáo tuân thủ"
    parameter_name = UNIT_PATH

    def __init__(self, request, params, model, model_admin):
        self.model_admin = model_admin
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        path = self.value()
        if path is None:
            return []
        unit = _linked_unit(request, path)
        name = unit.name if unit else "đơn vị ngoài phạm vi"
        return [(path, f"{name} và các đơn vị trực thuộc")]

    def has_output(self):
        # Without output the changelist would drop the filter, and the list its scope.
        return self.value() is not None

    def queryset(self, request, queryset):
        path = self.value()
        if path is None:
            return queryset
        return queryset.filter(self.model_admin.report_unit_q(path))


def _date(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError as error:
        raise IncorrectLookupParameters(error) from error


class RequiredMembersFilter(admin.ListFilter):
    """Members who had to attend a session of the report's period and document.

    The "members required" figure counts each member once per session; this list shows
    each member once. The session parameters are named as on the attendance list.
    """

    title = "phải học tập"
    parameter_name = "required"
    session_parameters = (
        "session__documents__id__exact",
        "session__held_on__gte",
        "session__held_on__lte",
    )

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        for name in self.expected_parameters():
            if name in params:
                self.used_parameters[name] = params.pop(name)[-1]

    def expected_parameters(self):
        return [self.parameter_name, *self.session_parameters]

    def has_output(self):
        return self.parameter_name in self.used_parameters

    def choices(self, changelist):
        yield {
            "selected": False,
            "query_string": changelist.get_query_string(remove=self.expected_parameters()),
            "display": "Tất cả",
        }
        yield {
            "selected": True,
            "query_string": changelist.get_query_string(),
            "display": "Phải học tập trong kỳ báo cáo",
        }

    def report_filters(self) -> ReportFilters:
        doc_id = self.used_parameters.get("session__documents__id__exact")
        if doc_id is not None and not doc_id.isdigit():
            raise IncorrectLookupParameters(f"Văn bản không hợp lệ: {doc_id}")
        return ReportFilters(
            document=Document.objects.filter(pk=doc_id).first() if doc_id else None,
            date_from=_date(self.used_parameters.get("session__held_on__gte")),
            date_to=_date(self.used_parameters.get("session__held_on__lte")),
        )

    def queryset(self, request, queryset):
        if not self.has_output():
            return queryset
        path = request.GET.get(UNIT_PATH, "")
        return queryset.filter(members_required_q(path, self.report_filters()))


class ReportLinksMixin:
    """Lets a model's admin list be the target of the compliance report's figure links."""

    report_unit_lookup: str = ""  # tree-path lookup of the unit a record belongs to
    report_lookups: frozenset[str] = frozenset()  # relational lookups the links use

    def report_unit_q(self, path: str) -> Q:
        return Q(**{f"{self.report_unit_lookup}__startswith": path})

    def get_list_filter(self, request):
        return [UnitPathFilter, *super().get_list_filter(request)]

    def lookup_allowed(self, lookup, value, request):
        return lookup in self.report_lookups or super().lookup_allowed(lookup, value, request)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "report_filter_note": report_filter_note(request),
        }
        return super().changelist_view(request, extra_context)
