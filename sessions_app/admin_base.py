"""Building blocks every admin of the study log shares: scoping, roles, folded search."""

import dataclasses
import json
import time
from functools import cached_property, reduce
from operator import or_

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.options import ActionLocation
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connections, transaction
from django.db.models import Q, QuerySet
from django.http import Http404

from sessions_app import access, obligations
from sessions_app.admin_access import (
    AccessPermissionsMixin,
    OptimisticLockAdminMixin,
    ScopedHistoryAdminMixin,
)
from sessions_app.admin_labels import VietnameseHistoryMixin
from sessions_app.collation import vi
from sessions_app.forms import AdminModelForm
from sessions_app.models import Organisation
from sessions_app.text import fold, nfc


class SuperuserOnlyMixin:
    """Pages only a superuser opens (who sees what; report targets)."""

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class FoldedSearchMixin:
    """Search that ignores diacritics and case: `trieu son` finds `Triệu Sơn`.

    Every word of the folded term must occur in one of `folded_search_fields`
    (columns filled with text.fold() on save), so SQLite and PostgreSQL agree.
    """

    folded_search_fields = ("search_text",)
    search_help_text = "Gõ tên, mã hoặc số ký hiệu; có dấu hay không dấu đều được."

    @property
    def search_fields(self):
        # Non-empty so the admin shows the search box and allows autocomplete.
        return self.folded_search_fields

    def get_search_results(self, request, queryset, search_term):
        for word in fold(search_term).split():
            queryset = queryset.filter(
                reduce(or_, (Q(**{f"{f}__contains": word}) for f in self.folded_search_fields))
            )
        return queryset, False


class ScopedChoicesMixin:
    """Foreign-key and many-to-many choices limited to what the user may see."""

    def get_field_queryset(self, db, db_field, request):
        related = db_field.remote_field.model
        queryset = access.restrict(related._default_manager.all(), request.user, "view")
        ordering = self._related_ordering(db_field, request)
        return queryset.order_by(*ordering) if ordering else queryset

    def _related_ordering(self, db_field, request):
        try:
            related_admin = self.admin_site.get_model_admin(db_field.remote_field.model)
        except admin.sites.NotRegistered:
            return None
        return related_admin.get_ordering(request)


# Kept for code that imports the old names, until it asks sessions_app.access itself.
RolePermissionsMixin = AccessPermissionsMixin


def may_write(request, model=None) -> bool:
    """Whether the role may change records (of `model`, or of any kind): its permissions.

    Kept for callers not yet switched to access.allowed / access.has_permissions.
    """
    if model is not None:
        return access.has_permissions(request.user, model, "change")
    user = request.user
    return user.is_active and (
        user.is_superuser
        or any(p.startswith("sessions_app.change_") for p in user.get_all_permissions())
    )


@admin.action(permissions=["delete"], description=delete_selected.short_description)
def delete_selected_editable(modeladmin, request, queryset):
    """Django's delete-selected, refused when any selected record is not the user's to delete.

    The rows come from the scoped changelist already; a session a cell merely attends is
    visible there but must not be deleted from it. Deleting goes through the ORM's
    collector, so django-simple-history writes a deletion record for each row.
    """
    deletable = access.restrict(queryset, request.user, "delete")
    if deletable.count() != queryset.count():
        modeladmin.message_user(
            request,
            "Không xóa được: trong các bản ghi đã chọn có bản ghi không thuộc quyền xóa của "
            "bạn (do đơn vị cấp trên tạo). Hãy bỏ chọn các bản ghi đó.",
            messages.ERROR,
        )
        return None
    return delete_selected(modeladmin, request, queryset)


# Below this many rows (the planner's estimate) a list counts exactly and offers the date
# drill-down; above it a COUNT(*) or a scan for the years costs more than the page itself.
EXACT_COUNT_BELOW = 20_000


# The tables' sizes as the planner last saw them (pg_class.reltuples), per process, for
# a few minutes: small tables (the usual case, and every test) then cost no query at all.
TABLE_ROWS_TTL = 300.0
_table_rows: dict[tuple, tuple[float, int]] = {}


def table_rows(model, using: str) -> int | None:
    """pg_class.reltuples of the model's table (0 when never analysed); None off PostgreSQL."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return None
    key = (using, connection.settings_dict["NAME"], model._meta.db_table)
    now = time.monotonic()
    cached = _table_rows.get(key)
    if cached is not None and cached[0] > now:
        return cached[1]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)",
            [model._meta.db_table],
        )
        row = cursor.fetchone()
    rows = max(int(row[0]), 0) if row and row[0] is not None else 0
    _table_rows[key] = (now + TABLE_ROWS_TTL, rows)
    return rows


def estimated_rows(queryset: QuerySet) -> int | None:
    """The PostgreSQL planner's row estimate for a list on a big table (None otherwise).

    A table smaller than EXACT_COUNT_BELOW (by pg_class.reltuples) is counted exactly
    and needs no estimate. For a big one, EXPLAIN gives reltuples scaled to the table's
    current size and the filters' selectivity: it costs a plan, not a scan.
    """
    base = table_rows(queryset.model, queryset.db)
    if base is None or base < EXACT_COUNT_BELOW:
        return None
    try:  # an empty queryset (.none()) explains as nothing
        plan = json.loads(queryset.order_by().explain(format="json"))
    except ValueError:
        return None
    return int(plan[0]["Plan"]["Plan Rows"])


class EstimatedCountPaginator(Paginator):
    """Counts exactly when the list is small; on big PostgreSQL lists shows the estimate.

    Django's paginator runs COUNT(*) over the whole filtered list on every page: seconds
    on millions of attendance rows. `is_estimate` tells the template to say "khoảng".
    """

    is_estimate = False

    @cached_property
    def count(self):
        if isinstance(self.object_list, QuerySet):
            estimate = estimated_rows(self.object_list)
            if estimate is not None and estimate >= EXACT_COUNT_BELOW:
                self.is_estimate = True
                return estimate
        return super().count


class ScaleAwareChangeListMixin:
    """Changelist settings that keep a list's first page quick on a province's data."""

    paginator = EstimatedCountPaginator

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        # The date drill-down asks for the first and last date and every distinct year of
        # the whole filtered list: a scan of millions of rows (through the scope's joins)
        # on every page. Big lists keep the date filter in the sidebar instead.
        if changelist.date_hierarchy:
            estimate = estimated_rows(changelist.queryset)
            if estimate is not None and estimate >= EXACT_COUNT_BELOW:
                changelist.date_hierarchy = None
        return changelist


class ScopedAdmin(
    ScaleAwareChangeListMixin,
    VietnameseHistoryMixin,
    OptimisticLockAdminMixin,
    ScopedHistoryAdminMixin,
    FoldedSearchMixin,
    ScopedChoicesMixin,
    AccessPermissionsMixin,
    admin.ModelAdmin,
):
    """Base admin: rows, choices and autocomplete results all go through access.restrict.

    It also keeps the audit trail (scoped history, deleted records) and refuses stale saves.
    """

    form = AdminModelForm
    change_list_template = "admin/sessions_app/scoped_change_list.html"
    show_full_result_count = False
    list_per_page = 50

    def get_queryset(self, request):
        # Explicit ordering: annotated (grouped) querysets drop Meta.ordering, and the
        # paginator and autocomplete need a stable order.
        ordering = self.get_ordering(request) or self.model._meta.ordering or ["-pk"]
        return access.restrict(self.model._default_manager.all(), request.user, "view").order_by(
            *ordering
        )

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location)
        if "delete_selected" in actions:
            actions["delete_selected"] = dataclasses.replace(
                actions["delete_selected"], func=delete_selected_editable
            )
        return actions

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The last guard, inside the admin's transaction: the record as it became must be
        # one the user may have added or changed (its place in the tree included).
        action = "change" if change else "add"
        saved = self.model._default_manager.filter(pk=form.instance.pk)
        if not access.restrict(saved, request.user, action).exists():
            raise PermissionDenied("Bản ghi sau khi lưu sẽ nằm ngoài phạm vi được sửa của bạn.")
        obligations.obligations_refresh_scope(**obligations.refresh_scope(form.instance))

    def get_object(self, request, object_id, from_field=None):
        # Out of scope is the same as absent: 404, not a redirect that hints at existence.
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("Không tìm thấy bản ghi hoặc bạn không có quyền xem.")
        return obj

    # Obligation rows follow every input saved or deleted here (sessions, members and
    # their exemptions, attendance, documents, written reports), in the same transaction;
    # save_related refreshes them after a session's units and documents are saved.

    def delete_model(self, request, obj):
        scope = obligations.refresh_scope(obj, deleting=True)
        super().delete_model(request, obj)
        obligations.obligations_refresh_scope(**scope)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        scope = obligations.merge_scopes(
            obligations.refresh_scope(obj, deleting=True) for obj in queryset
        )
        super().delete_queryset(request, queryset)
        obligations.obligations_refresh_scope(**scope)

    @transaction.atomic
    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Reverting (or restoring) saves through save_model and save_m2m, not save_related.
        response = super().history_form_view(request, object_id, version_id, extra_context)
        if request.method == "POST" and response.status_code == 302:
            obj = self.model._default_manager.filter(pk=unquote(object_id)).first()
            if obj is not None:
                obligations.obligations_refresh_scope(**obligations.refresh_scope(obj))
        return response


class PreloadedAutocompleteSelect(AutocompleteSelect):
    """An autocomplete box that takes its selected option from objects loaded beforehand.

    Django's own runs one query per box to label the selected value: one per inline row.
    """

    preloaded: dict | None = None

    def optgroups(self, name, value, attr=None):
        if self.preloaded is None:
            return super().optgroups(name, value, attr)
        options = []
        if not self.is_required:
            options.append(self.create_option(name, "", "", False, 0))
        for key in value:
            obj = self.preloaded.get(str(key))
            if obj is not None:
                label = self.choices.field.label_from_instance(obj)
                options.append(self.create_option(name, obj.pk, label, True, len(options)))
        return [(None, options, 0)]


def _preload_autocomplete_labels(forms, field_names) -> None:
    """Load the selected objects of every row's autocomplete boxes in one query per field."""
    for name in field_names:
        boxes = [form.fields[name].widget for form in forms if name in form.fields]
        boxes = [getattr(box, "widget", box) for box in boxes]  # inside the +/✎ wrapper
        if not boxes:
            continue
        model = forms[0]._meta.model._meta.get_field(name).remote_field.model
        keys = set()
        for form in forms:
            try:  # a posted value may be anything; the field's own validation reports it
                keys.add(model._meta.pk.to_python(form[name].value()))
            except ValidationError:
                continue
        keys.discard(None)
        preloaded = {str(pk): obj for pk, obj in model._default_manager.in_bulk(keys).items()}
        for box in boxes:
            box.preloaded = preloaded


class ScopedTabularInline(ScopedChoicesMixin, AccessPermissionsMixin, admin.TabularInline):
    form = AdminModelForm
    extra = 0

    def get_queryset(self, request):
        return access.restrict(self.model._default_manager.all(), request.user, "view")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs.setdefault(
                "widget",
                PreloadedAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using")),
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        fields = [f for f in self.get_autocomplete_fields(request)]

        class PreloadedFormSet(formset):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                if self.forms:
                    _preload_autocomplete_labels(self.forms, fields)

        return PreloadedFormSet


def _above(path: str, below: str) -> bool:
    return len(path) < len(below) and below.startswith(path)


class UnitSubtreeFilter(admin.SimpleListFilter):
    """Filter by a unit and everything beneath it, at any depth of the tree.

    Rendering every unit of a province (~10,000) would make each list slow and unreadable,
    so the filter shows a search box, the path down to the chosen unit and the chosen
    unit's children: one click goes a level down, the search jumps to any unit by name.
    """

    title = "đơn vị"
    parameter_name = "don_vi"
    search_parameter = "don_vi_tim"
    template = "admin/sessions_app/unit_filter.html"
    shown_at_most = 30

    def __init__(self, request, params, model, model_admin):
        # The search term is ours, not a field lookup: take it before the changelist sees it.
        term = params.pop(self.search_parameter, [""])
        self.term = nfc(term[-1] if isinstance(term, list) else term)[:100]
        super().__init__(request, params, model, model_admin)
        self.request = request

    def expected_parameters(self):
        return [self.parameter_name, self.search_parameter]

    def has_output(self):
        return access.restrict(Organisation.objects.all(), self.request.user, "view").exists()

    def lookups(self, request, model_admin):
        return []  # choices() builds the tree itself

    def queryset(self, request, queryset):
        selected = self._selected(request)
        if selected is None:
            return queryset
        return queryset.under(selected.path)

    def _selected(self, request):
        if not hasattr(self, "_selected_unit"):
            value = self.value()
            self._selected_unit = (
                access.restrict(Organisation.objects.all(), request.user, "view")
                .filter(pk=value)
                .first()
                if value and value.isdigit()
                else None
            )
        return self._selected_unit

    def _rows(self):
        """(unit, indent level, is the chosen one) for the tree part of the filter."""
        units = access.restrict(Organisation.objects.all(), self.request.user, "view").only(
            "pk", "name", "depth", "path"
        )
        selected = self._selected(self.request)
        if selected is None:
            top = units.order_by("depth").values_list("depth", flat=True).first()
            tops = list(units.filter(depth=top).order_by(vi("name"), "path")[: self.shown_at_most])
            return [(unit, 0, False) for unit in tops]
        step = Organisation.steplen
        ancestors = [selected.path[: step * d] for d in range(1, selected.depth)]
        above = list(units.filter(path__in=ancestors).order_by("depth"))
        children = units.filter(path__startswith=selected.path, depth=selected.depth + 1)
        below = list(children.order_by(vi("name"), "path")[: self.shown_at_most])
        rows = [(unit, level, False) for level, unit in enumerate(above)]
        rows.append((selected, len(above), True))
        rows += [(unit, len(above) + 1, False) for unit in below]
        return rows

    def _found(self):
        """Units whose name or code matches the search, each with the path above it."""
        words = fold(self.term).split()
        units = access.restrict(Organisation.objects.all(), self.request.user, "view")
        for word in words:
            units = units.filter(search_text__contains=word)
        found = list(units.order_by(vi("name"), "path").only("pk", "name", "path", "depth")[:20])
        step = Organisation.steplen
        wanted = {u.path[: step * d] for u in found for d in range(1, u.depth)}
        names = dict(Organisation.objects.filter(path__in=wanted).values_list("path", "name"))
        return [
            (unit, " › ".join(names[p] for p in sorted(names) if _above(p, unit.path)))
            for unit in found
        ]

    def choices(self, changelist):
        keep = [(k, v) for k, v in changelist.params.items() if k not in self.expected_parameters()]
        yield {
            "search": True,
            "term": self.term,
            "parameter": self.search_parameter,
            "hidden": keep,
            "clear_url": changelist.get_query_string(
                remove=[self.parameter_name, self.search_parameter]
            ),
        }
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(
                remove=[self.parameter_name, self.search_parameter]
            ),
            "display": "Tất cả",
            "level": 0,
        }
        if self.term:
            for unit, above in self._found():
                yield {
                    "selected": str(unit.pk) == self.value(),
                    "query_string": changelist.get_query_string(
                        {self.parameter_name: unit.pk}, [self.search_parameter]
                    ),
                    "display": unit.name,
                    "note": above,
                    "level": 0,
                }
            return
        for unit, level, chosen in self._rows():
            yield {
                "selected": chosen,
                "query_string": changelist.get_query_string(
                    {self.parameter_name: unit.pk}, [self.search_parameter]
                ),
                "display": unit.name,
                "level": level,
            }
