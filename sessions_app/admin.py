"""The data-entry admin: every model, scoped to the user's units, searchable without diacritics."""

from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Left
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from reports_app import selectors as report_selectors
from reports_app.admin_filters import ReportLinksMixin, RequiredMembersFilter
from sessions_app import access, selectors, services
from sessions_app.admin_access import ScopedUserAdmin
from sessions_app.admin_base import (
    ScopedAdmin,
    ScopedTabularInline,
    SuperuserOnlyMixin,
    UnitSubtreeFilter,
)
from sessions_app.admin_labels import register_with_permission_labels
from sessions_app.collation import roster_order, vi
from sessions_app.forms import (
    AttendanceChecklistForm,
    AttendanceForm,
    DocumentForm,
    MemberTransferForm,
    OrganisationForm,
    RemediationCloseForm,
)
from sessions_app.models import (
    ActionProgramme,
    Attendance,
    Document,
    Exemption,
    Inspection,
    Member,
    MemberPlacement,
    Organisation,
    RemediationItem,
    ReportedFact,
    SessionSite,
    SourceArticle,
    StaffProfile,
    StudySession,
)


def _adopt(obj, created):
    """Make the admin's unsaved instance the row a service created, so logging and redirects work."""
    for field in obj._meta.concrete_fields:
        setattr(obj, field.attname, getattr(created, field.attname))
    obj._state.adding = False
    obj._state.db = created._state.db


# --- Organisations ---------------------------------------------------------------


@admin.register(Organisation)
class OrganisationAdmin(ReportLinksMixin, ScopedAdmin):
    report_unit_lookup = "path"
    form = OrganisationForm
    list_display = [
        "indented_name",
        "code",
        "kind",
        "sector",
        "parent_name",
        "reported_members",
        "reported_grassroots",
        "reported_cells",
        "is_active",
    ]
    list_filter = [UnitSubtreeFilter, "kind", "sector", "is_active"]
    ordering = ["path"]
    autocomplete_fields = ["source"]

    def get_queryset(self, request):
        parent = Organisation.objects.filter(
            path=Left(OuterRef("path"), (OuterRef("depth") - 1) * Organisation.steplen)
        )
        return (
            super().get_queryset(request).annotate(parent_name=Subquery(parent.values("name")[:1]))
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        choices = access.restrict(Organisation.objects.all(), request.user, "view")
        required = not request.user.is_superuser
        # The parent is not a model field; borrow a unit foreign key for the autocomplete URL.
        unit_field, site = StaffProfile._meta.get_field("unit"), self.admin_site

        class ScopedOrganisationForm(form):
            def __init__(self, *args, **kw):
                super().__init__(*args, parent_choices=choices, parent_required=required, **kw)
                parent = self.fields["parent"]
                parent.widget = AutocompleteSelect(unit_field, site)
                parent.queryset = parent.queryset  # hands the choices to the new widget

        return ScopedOrganisationForm

    def get_ordering(self, request):
        # The list is the tree; a search box's suggestions read best in alphabetical order.
        match = request.resolver_match
        if match is not None and match.url_name == "autocomplete":
            return [vi("name"), "path"]
        return super().get_ordering(request)

    @admin.display(description="tên tổ chức đảng", ordering="path")
    def indented_name(self, unit):
        return "\u2003" * (unit.depth - 1) + unit.name

    @admin.display(description="trực thuộc")
    def parent_name(self, unit):
        return unit.parent_name or "—"

    def save_model(self, request, obj, form, change):
        parent = form.cleaned_data.get("parent")
        if not change:
            fields = {
                name: form.cleaned_data[name] for name in form._meta.fields if name != "parent"
            }
            _adopt(obj, services.organisation_create(parent=parent, **fields))
            return
        obj.save()
        if parent is not None and "parent" in form.changed_data:
            _adopt(obj, services.organisation_move(unit=obj, new_parent=parent))


@admin.register(StaffProfile)
class StaffProfileAdmin(SuperuserOnlyMixin, ScopedAdmin):
    """Logins and their units: only superusers manage who sees what."""

    list_display = ["user", "unit", "role"]
    list_select_related = ["user", "unit"]
    list_filter = [UnitSubtreeFilter, "role"]
    folded_search_fields = ("unit__search_text", "user__username")
    autocomplete_fields = ["user", "unit"]


# --- Reference data: source articles and documents -------------------------------


class ReferenceDataAdmin(ScopedAdmin):
    """Shared by every unit and placed in no subtree: the role's permissions alone decide
    (by default data entry adds documents; a province-level role or a superuser changes
    them; only a superuser deletes)."""


@admin.register(SourceArticle)
class SourceArticleAdmin(ReferenceDataAdmin):
    list_display = ["code", "title", "published_on", "file_name"]
    date_hierarchy = "published_on"
    list_filter = ["published_on"]
    folded_search_fields = ("code",)

    def get_search_results(self, request, queryset, search_term):
        # A handful of seed articles with no folded column: fold their titles here.
        from sessions_app.text import fold

        words = fold(search_term).split()
        matching = [
            pk
            for pk, code, title in queryset.values_list("pk", "code", "title")
            if all(word in fold(f"{code} {title}") for word in words)
        ]
        return queryset.filter(pk__in=matching), False


@admin.register(Document)
class DocumentAdmin(ReferenceDataAdmin):
    form = DocumentForm
    list_display = [
        "symbol",
        "kind",
        "title",
        "issuing_body",
        "issued_on",
        "term",
        "report_required",
    ]
    list_filter = ["kind", "issuer", "issued_on", "report_required", "term"]
    date_hierarchy = "issued_on"
    autocomplete_fields = ["source"]


# --- Members -----------------------------------------------------------------------


class MemberPlacementInline(ScopedTabularInline):
    """The member's history of cells; transfers go through services.member_transfer."""

    model = MemberPlacement
    fields = ["unit", "started_on", "ended_on"]
    readonly_fields = ["unit", "started_on", "ended_on"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("unit")


class ExemptionInline(ScopedTabularInline):
    model = Exemption
    fields = ["started_on", "ended_on", "reason"]


class ExemptedFilter(admin.SimpleListFilter):
    title = "miễn sinh hoạt"
    parameter_name = "mien"

    def lookups(self, request, model_admin):
        return [("1", "Đang được miễn"), ("0", "Không")]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.filter(is_exempted=True)
        if self.value() == "0":
            return queryset.filter(is_exempted=False)
        return queryset


@admin.register(Member)
class MemberAdmin(ReportLinksMixin, ScopedAdmin):
    list_display = [
        "full_name",
        "code",
        "unit_name",
        "status",
        "is_leader",
        "committee_role",
        "is_exempted",
        "joined_on",
    ]
    list_select_related = ["unit"]
    list_filter = [
        UnitSubtreeFilter,
        "status",
        "is_leader",
        "committee_role",
        ExemptedFilter,
        RequiredMembersFilter,
        "gender",
        "joined_on",
    ]
    date_hierarchy = "joined_on"
    autocomplete_fields = ["unit"]
    inlines = [MemberPlacementInline, ExemptionInline]
    ordering = roster_order()  # as Vietnamese rosters: given name, then family name

    def get_queryset(self, request):
        exempted = selectors.exemptions_on(timezone.localdate()).filter(member=OuterRef("pk"))
        return super().get_queryset(request).annotate(is_exempted=Exists(exempted))

    def get_readonly_fields(self, request, obj=None):
        # A member changes cell only by a transfer, which keeps the placement history.
        return ["unit", "status"] if obj is not None else []

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else [ExemptionInline]

    def report_unit_q(self, path):
        # Members placed there before count too: the figures follow placements, not today's cell.
        return Member.objects.all().scope_filter(path)

    def get_urls(self):
        transfer = path(
            "<path:object_id>/chuyen-sinh-hoat/",
            self.admin_site.admin_view(self.transfer_view),
            name="sessions_app_member_transfer",
        )
        return [transfer, *super().get_urls()]

    def transfer_view(self, request, object_id):
        """Move a member to another cell (or out) on a date, keeping their placement history."""
        member = self.get_object(request, object_id)
        if not self.has_change_permission(request, member):
            raise PermissionDenied
        units = access.restrict(Organisation.objects.all(), request.user, "view").exclude(
            pk=member.unit_id
        )
        form = MemberTransferForm(request.POST or None, units=units)
        if form.is_valid():
            try:
                services.member_transfer(
                    member=member, to_unit=form.cleaned_data["to_unit"], on=form.cleaned_data["on"]
                )
            except ValidationError as error:
                _errors_to_form(form, error, {"to_unit": "to_unit", "on": "on"})
            else:
                target = form.cleaned_data["to_unit"]
                where = f"sang {target}" if target else "ra ngoài hệ thống"
                self.message_user(
                    request, f"Đã chuyển sinh hoạt {member} {where}.", messages.SUCCESS
                )
                return HttpResponseRedirect(
                    reverse("admin:sessions_app_member_change", args=[member.pk])
                )
        return TemplateResponse(
            request,
            "admin/sessions_app/member/transfer.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Chuyển sinh hoạt: {member}",
                "opts": self.opts,
                "member": member,
                "form": form,
                "change_url": reverse("admin:sessions_app_member_change", args=[member.pk]),
            },
        )

    @admin.display(description="chi bộ", ordering="unit__name")
    def unit_name(self, member):
        return member.unit.name if member.unit else "—"

    @admin.display(description="miễn sinh hoạt", boolean=True, ordering="is_exempted")
    def is_exempted(self, member):
        return member.is_exempted

    def save_model(self, request, obj, form, change):
        if change:
            obj.save()
            return
        model_fields = {field.name for field in Member._meta.concrete_fields}
        fields = {
            name: value
            for name, value in form.cleaned_data.items()
            if name in model_fields and name not in {"unit", "code", "full_name", "joined_on"}
        }
        created = services.member_create(
            unit=obj.unit,
            code=obj.code,
            full_name=obj.full_name,
            joined_on=obj.joined_on,
            **fields,
        )
        _adopt(obj, created)


# --- Study sessions and attendance --------------------------------------------------


class SessionSiteInline(ScopedTabularInline):
    model = SessionSite
    fields = ["name", "unit", "expected", "attended"]
    autocomplete_fields = ["unit"]


class MakeupFilter(admin.SimpleListFilter):
    title = "học bù"
    parameter_name = "hoc_bu"

    def lookups(self, request, model_admin):
        return [("1", "Buổi học bù"), ("0", "Hội nghị chính")]

    def queryset(self, request, queryset):
        if self.value() in {"0", "1"}:
            return queryset.filter(makeup_of__isnull=self.value() == "0")
        return queryset


@admin.register(StudySession)
class StudySessionAdmin(ReportLinksMixin, ScopedAdmin):
    list_display = [
        "title",
        "held_on",
        "organiser",
        "format",
        "audience",
        "recorded",
        "attended",
        "late",
        "absent",
        "reported_attended",
    ]
    list_select_related = ["organiser"]
    list_filter = [UnitSubtreeFilter, "format", "audience", MakeupFilter, "held_on"]
    date_hierarchy = "held_on"
    autocomplete_fields = ["organiser", "participating_units", "documents", "makeup_of", "source"]
    inlines = [SessionSiteInline]
    fieldsets = [
        (None, {"fields": ["title", "documents", "organiser", "participating_units"]}),
        (
            "Thời gian, địa điểm",
            {
                "fields": [
                    ("held_on", "date_is_estimated"),
                    ("start_time", "end_time"),
                    "location",
                    "format",
                    "audience",
                ]
            },
        ),
        ("Nội dung", {"fields": ["presenters", "makeup_of", "discipline_remarks"]}),
        (
            "Số liệu báo cáo (khi không có danh sách đảng viên)",
            {
                "fields": [
                    ("reported_expected", "reported_attended"),
                    ("reported_site_count", "reported_rate"),
                    "source",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(**selectors.session_tally_annotations())

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        session_pk = obj.pk if obj is not None else None
        kept = list(selectors.participating_units_out_of_reach(session_pk, request.user))

        class SharedSessionForm(form):
            """Units outside the editor's subtree stay: the form cannot show them."""

            def __init__(self, *args, **kw):
                super().__init__(*args, **kw)
                field = self.fields.get("participating_units")
                if kept and field is not None:
                    # Neither shown nor posted back: their names are not the editor's to read.
                    hidden = {unit.pk for unit in kept}
                    initial = self.initial.get("participating_units") or []
                    self.initial["participating_units"] = [
                        u for u in initial if getattr(u, "pk", u) not in hidden
                    ]
                    field.help_text = (
                        f"Hội nghị còn {len(kept)} đơn vị tham gia ngoài phạm vi của bạn; "
                        "các đơn vị đó được giữ nguyên khi lưu."
                    )

            def clean_participating_units(self):
                chosen = self.cleaned_data["participating_units"]
                if not kept:
                    return chosen
                return chosen.model.objects.filter(
                    Q(pk__in=chosen.values("pk")) | Q(pk__in=[u.pk for u in kept])
                )

        return SharedSessionForm

    def report_unit_q(self, path):
        return report_selectors.sessions_reaching_q(path)

    @admin.display(description="đã điểm danh", ordering="n_recorded")
    def recorded(self, session):
        return session.n_recorded

    @admin.display(description="tham dự", ordering="n_attended")
    def attended(self, session):
        return session.n_attended

    @admin.display(description="đi muộn", ordering="n_late")
    def late(self, session):
        return session.n_late

    @admin.display(description="vắng", ordering="n_absent")
    def absent(self, session):
        return session.n_absent

    def get_urls(self):
        checklist = path(
            "<path:object_id>/diem-danh/",
            self.admin_site.admin_view(self.attendance_checklist_view),
            name="sessions_app_studysession_attendance",
        )
        return [checklist, *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        session = self.get_object(request, object_id)
        extra_context = {
            **(extra_context or {}),
            "tallies": selectors.attendance_tallies(session),
            "checklist_url": reverse(
                "admin:sessions_app_studysession_attendance", args=[session.pk]
            ),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def attendance_checklist_view(self, request, object_id):
        """Roll call for a whole session: everyone present unless marked late or absent."""
        session = self.get_object(request, object_id)
        if not self.has_view_permission(request, session):
            raise PermissionDenied
        members = list(
            selectors.members_required_at(session, within=access.user_scope_path(request.user))
        )
        existing = {
            a.member_id: (a.status, a.note)
            for a in session.attendances.only("member_id", "status", "note")
        }
        data = request.POST if request.method == "POST" else None
        form = AttendanceChecklistForm(data, members=members, existing=existing)
        if data is not None:
            if not self.has_attendance_permission(request, session):
                raise PermissionDenied
            if form.is_valid():
                try:
                    result = services.attendance_record_roster(
                        session=session,
                        statuses=form.statuses(),
                        notes=form.notes(),
                        by=request.user,
                    )
                except ValidationError as error:
                    form.add_error(None, error.messages)
                else:
                    self.message_user(
                        request,
                        f"Đã ghi điểm danh {len(members)} đảng viên: "
                        f"{result['created']} mới, {result['updated']} thay đổi.",
                        messages.SUCCESS,
                    )
                    change_url = reverse(
                        "admin:sessions_app_studysession_change", args=[session.pk]
                    )
                    return HttpResponseRedirect(change_url)
        return TemplateResponse(
            request,
            "admin/sessions_app/studysession/attendance_checklist.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Điểm danh: {session}",
                "opts": self.opts,
                "session": session,
                "form": form,
                "groups": _group_by_unit(form.rows()),
                "has_change_permission": self.has_attendance_permission(request, session),
                "change_url": reverse("admin:sessions_app_studysession_change", args=[session.pk]),
            },
        )


def _errors_to_form(form, error: ValidationError, fields: dict[str, str]) -> None:
    """Show a service's ValidationError on the form's fields (or on top of the form)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, messages_ in error.message_dict.items():
        form.add_error(fields.get(name), messages_)


def _group_by_unit(rows):
    """[(unit name, [rows])] from rows already ordered by unit."""
    groups = []
    for row in rows:
        unit_name = row[0].unit_name_on_day
        if not groups or groups[-1][0] != unit_name:
            groups.append((unit_name, []))
        groups[-1][1].append(row)
    return groups


@admin.register(Attendance)
class AttendanceAdmin(ReportLinksMixin, ScopedAdmin):
    report_lookups = frozenset({"session__documents__id__exact", "session__makeup_of__isnull"})
    form = AttendanceForm
    list_display = ["member", "session", "status", "note", "recorded_by", "recorded_at"]
    list_select_related = ["member", "session", "recorded_by"]
    list_filter = ["status", "session__held_on"]
    folded_search_fields = ("member__search_text", "session__search_text")
    autocomplete_fields = ["session", "member"]
    readonly_fields = ["recorded_by", "recorded_at"]
    date_hierarchy = "session__held_on"
    # The unique (session, member) index read backwards: a page of the newest sessions'
    # rows without sorting millions of joined rows by date and name.
    ordering = ["-session_id", "-member_id"]

    def get_queryset(self, request):
        # Every related object the row shows, or the changelist skips list_select_related
        # and asks for "recorded by" once per row.
        return super().get_queryset(request).select_related("member", "session", "recorded_by")

    def report_unit_q(self, path):
        return report_selectors.attendance_placed_under_q(path)

    def save_model(self, request, obj, form, change):
        _adopt(
            obj,
            services.attendance_record(
                session=obj.session,
                member=obj.member,
                status=obj.status,
                note=obj.note,
                by=request.user,
            ),
        )


# --- Written reports and action programmes ------------------------------------------


# WrittenReportAdmin and DocumentOutlineAdmin live in admin_reports (registered on import).


@admin.register(ActionProgramme)
class ActionProgrammeAdmin(ReportLinksMixin, ScopedAdmin):
    report_unit_lookup = "unit__path"
    list_display = ["unit", "document_symbol", "symbol", "issued_on", "title"]
    list_select_related = ["unit", "document"]
    list_filter = [UnitSubtreeFilter, "issued_on"]
    date_hierarchy = "issued_on"
    folded_search_fields = ("unit__search_text", "document__search_text")
    autocomplete_fields = ["unit", "document", "source"]

    @admin.display(description="văn bản", ordering="document__symbol")
    def document_symbol(self, programme):
        return programme.document.symbol


# --- Inspections ---------------------------------------------------------------------


class RemediationItemInline(ScopedTabularInline):
    model = RemediationItem
    fields = ["description", "due_on", "resolved_on", "resolution"]


class OpenRemediationFilter(admin.SimpleListFilter):
    title = "tình trạng khắc phục"
    parameter_name = "khac_phuc"

    def lookups(self, request, model_admin):
        return [("mo", "Chưa khắc phục xong"), ("xong", "Đã khắc phục xong")]

    def queryset(self, request, queryset):
        if self.value() in {"mo", "xong"}:
            return queryset.filter(resolved_on__isnull=self.value() == "mo")
        return queryset


@admin.register(Inspection)
class InspectionAdmin(ReportLinksMixin, ScopedAdmin):
    report_unit_lookup = "inspected_unit__path"
    list_display = [
        "inspected_unit",
        "inspecting_unit",
        "activity",
        "kind",
        "started_on",
        "ended_on",
        "targets_met",
        "open_remediations",
    ]
    list_select_related = ["inspected_unit", "inspecting_unit"]
    list_filter = [UnitSubtreeFilter, "activity", "kind", "targets_met", "started_on"]
    date_hierarchy = "started_on"
    folded_search_fields = ("inspected_unit__search_text", "inspecting_unit__search_text")
    autocomplete_fields = ["inspecting_unit", "inspected_unit", "documents", "source"]
    inlines = [RemediationItemInline]

    def get_queryset(self, request):
        open_items = Count("remediations", filter=Q(remediations__resolved_on__isnull=True))
        # Loaded here, not by list_select_related (which the changelist then skips), so
        # the autocomplete's rows, whose __str__ names the inspected unit, have them too.
        queryset = super().get_queryset(request).select_related("inspected_unit", "inspecting_unit")
        return queryset.annotate(n_open=open_items)

    @admin.display(description="yêu cầu khắc phục chưa xong", ordering="n_open")
    def open_remediations(self, inspection):
        return inspection.n_open


@admin.register(RemediationItem)
class RemediationItemAdmin(ReportLinksMixin, ScopedAdmin):
    report_unit_lookup = "inspection__inspected_unit__path"
    report_lookups = frozenset(
        {
            "inspection__documents__id__exact",
            "inspection__started_on__gte",
            "inspection__started_on__lte",
        }
    )
    list_display = ["description_short", "inspected_unit", "due_on", "resolved_on", "is_overdue"]
    list_select_related = ["inspection__inspected_unit"]
    list_filter = [UnitSubtreeFilter, OpenRemediationFilter, "due_on"]
    date_hierarchy = "due_on"
    folded_search_fields = ("inspection__inspected_unit__search_text",)
    autocomplete_fields = ["inspection"]

    @admin.display(description="nội dung", ordering="description")
    def description_short(self, item):
        return str(item)

    @admin.display(description="đơn vị", ordering="inspection__inspected_unit__name")
    def inspected_unit(self, item):
        return item.inspection.inspected_unit.name

    @admin.display(description="quá hạn", boolean=True)
    def is_overdue(self, item):
        return item.is_overdue(timezone.localdate())

    def save_model(self, request, obj, form, change):
        if change and obj.resolved_on and "resolved_on" in form.changed_data:
            services.remediation_resolve(
                item=obj, resolved_on=obj.resolved_on, resolution=obj.resolution
            )
            return
        super().save_model(request, obj, form, change)

    def get_urls(self):
        close = path(
            "<path:object_id>/khac-phuc/",
            self.admin_site.admin_view(self.close_view),
            name="sessions_app_remediationitem_close",
        )
        return [close, *super().get_urls()]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "inspection":  # items are added by the inspecting committee
            kwargs["queryset"] = access.restrict(Inspection.objects.all(), request.user, "change")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def may_close(self, request, item) -> bool:
        """Either side may report an open item done: the inspected unit does the work."""
        return item.resolved_on is None and access.has_permissions(
            request.user, RemediationItem, "change"
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        item = self.get_object(request, object_id)
        extra_context = {**(extra_context or {}), "may_close": self.may_close(request, item)}
        return super().change_view(request, object_id, form_url, extra_context)

    def close_view(self, request, object_id):
        item = self.get_object(request, object_id)
        if not self.may_close(request, item):
            raise PermissionDenied
        form = RemediationCloseForm(request.POST or None)
        if form.is_valid():
            try:
                services.remediation_resolve(item=item, **form.cleaned_data)
            except ValidationError as error:
                _errors_to_form(
                    form, error, {"resolved_on": "resolved_on", "resolution": "resolution"}
                )
            else:
                self.message_user(request, f"Đã ghi nhận khắc phục xong: {item}.", messages.SUCCESS)
                return HttpResponseRedirect(
                    reverse("admin:sessions_app_remediationitem_change", args=[item.pk])
                )
        return TemplateResponse(
            request,
            "admin/sessions_app/remediationitem/close.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Báo cáo khắc phục: {item}",
                "opts": self.opts,
                "item": item,
                "form": form,
                "change_url": reverse("admin:sessions_app_remediationitem_change", args=[item.pk]),
            },
        )


@admin.register(ReportedFact)
class ReportedFactAdmin(ScopedAdmin):
    list_display = ["unit", "label", "value", "measure", "period_start", "period_end", "source"]
    list_select_related = ["unit", "source"]
    list_filter = [UnitSubtreeFilter, "period_start"]
    folded_search_fields = ("unit__search_text",)
    autocomplete_fields = ["unit", "source"]


from sessions_app import admin_reports  # noqa: E402, F401 - registers the report admins

admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), ScopedUserAdmin)
register_with_permission_labels(get_user_model(), ScopedUserAdmin)
register_with_permission_labels(Group, GroupAdmin)
