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
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connections, transaction
from django.db.models import Q, QuerySet
from django.http import Http404

from sessions_app import obligations
from sessions_app.admin_access import OptimisticLockAdminMixin, ScopedHistoryAdminMixin
from sessions_app.choices import StaffRole
from sessions_app.forms import AdminModelForm
from sessions_app.models import Organisation
from sessions_app.models.scoping import ScopedQuerySet, record_editable_by, user_scope_path
from sessions_app.text import fold


def visible(model, user):
    """The rows of a model a user may see; shared reference data is visible to all staff."""
    queryset = model._default_manager.all()
    if isinstance(queryset, ScopedQuerySet):
        return queryset.visible_to(user)
    return queryset if user_scope_path(user) is not None else queryset.none()


def staff_role(user) -> str | None:
    profile = getattr(user, "staff_profile", None)
    return profile.role if profile is not None else None


def may_view(request) -> bool:
    return request.user.is_superuser or staff_role(request.user) is not None


def may_write(request) -> bool:
    """Managers read; data-entry staff and unit administrators write (groups come later)."""
    if request.user.is_superuser:
        return True
    role = staff_role(request.user)
    return role is not None and role != StaffRole.MANAGER


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
        queryset = visible(db_field.remote_field.model, request.user)
        ordering = self._related_ordering(db_field, request)
        return queryset.order_by(*ordering) if ordering else queryset

    def _related_ordering(self, db_field, request):
        try:
            related_admin = self.admin_site.get_model_admin(db_field.remote_field.model)
        except admin.sites.NotRegistered:
            return None
        return related_admin.get_ordering(request)


def may_edit(request, obj) -> bool:
    """The role may write and the record is the user's to change (not merely visible).

    Asked several times per page, so the answer is kept on the request.
    """
    if not may_write(request):
        return False
    if obj is None or obj.pk is None:
        return True
    answers = request.__dict__.setdefault("_editable_records", {})
    key = (type(obj)._meta.label, obj.pk)
    if key not in answers:
        answers[key] = record_editable_by(request.user, obj)
    return answers[key]


class RolePermissionsMixin:
    """View for every staff member with a unit; write unless the role is manager.

    Changing and deleting one record also needs it to be the user's (models.scoping's
    edit rule): a cell sees the district's session it attends but does not edit it.
    """

    def has_module_permission(self, request):
        return may_view(request) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return may_view(request) or super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return may_write(request)

    def has_change_permission(self, request, obj=None):
        return may_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return may_edit(request, obj)


@admin.action(permissions=["delete"], description=delete_selected.short_description)
def delete_selected_editable(modeladmin, request, queryset):
    """Django's delete-selected, refused when any selected record is not the user's to change.

    The rows come from the scoped changelist already; a session a cell merely attends is
    visible there but must not be deleted from it. Deleting goes through the ORM's
    collector, so django-simple-history writes a deletion record for each row.
    """
    editable = queryset.editable_by(request.user) if isinstance(queryset, ScopedQuerySet) else None
    if editable is not None and editable.count() != queryset.count():
        modeladmin.message_user(
            request,
            "Không xóa được: trong các bản ghi đã chọn có bản ghi không thuộc quyền sửa của "
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
    OptimisticLockAdminMixin,
    ScopedHistoryAdminMixin,
    FoldedSearchMixin,
    ScopedChoicesMixin,
    RolePermissionsMixin,
    admin.ModelAdmin,
):
    """Base admin: rows, choices and autocomplete results all go through visible_to(user).

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
        return visible(self.model, request.user).order_by(*ordering)

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location)
        if "delete_selected" in actions:
            actions["delete_selected"] = dataclasses.replace(
                actions["delete_selected"], func=delete_selected_editable
            )
        return actions

    def get_object(self, request, object_id, from_field=None):
        # Out of scope is the same as absent: 404, not a redirect that hints at existence.
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("Không tìm thấy bản ghi hoặc bạn không có quyền xem.")
        return obj

    # Obligation rows follow every input saved or deleted here (sessions, members and
    # their exemptions, attendance, documents, written reports), in the same transaction.
    # After save_related: a session's units and documents are saved with the related objects.

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obligations.obligations_refresh_scope(**obligations.refresh_scope(form.instance))

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


class ScopedTabularInline(ScopedChoicesMixin, RolePermissionsMixin, admin.TabularInline):
    form = AdminModelForm
    extra = 0

    def get_queryset(self, request):
        return visible(self.model, request.user)

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


class UnitSubtreeFilter(admin.SimpleListFilter):
    """Filter by a unit and everything beneath it; lists the user's top units and drills down.

    A plain related filter would render every unit of the province into the page.
    """

    title = "đơn vị"
    parameter_name = "don_vi"

    def lookups(self, request, model_admin):
        units = Organisation.objects.visible_to(request.user)
        top = units.order_by("depth").values_list("depth", flat=True).first()
        if top is None:
            return []
        shown = Q(depth__lte=top + 1)
        selected = self._selected(request)
        if selected is not None:
            shown |= Q(path__startswith=selected.path, depth=selected.depth + 1)
            shown |= Q(pk=selected.pk)
        return [
            (unit.pk, "\u2003" * (unit.depth - top) + unit.name)
            for unit in units.filter(shown).only("pk", "name", "depth", "path")
        ]

    def queryset(self, request, queryset):
        selected = self._selected(request)
        if selected is None:
            return queryset
        return queryset.under(selected.path)

    def _selected(self, request):
        if not hasattr(self, "_selected_unit"):
            value = self.value()
            self._selected_unit = (
                Organisation.objects.visible_to(request.user).filter(pk=value).first()
                if value and value.isdigit()
                else None
            )
        return self._selected_unit
