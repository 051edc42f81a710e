"""Admin pieces for access control: history, no lost edits, staff profiles, scoped users.

These are mixins and classes the model admins in admin.py compose; they hold no
registrations of their own. All scoping goes through sessions_app.models.scoping.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from simple_history.admin import SimpleHistoryAdmin

from sessions_app import services
from sessions_app.models import Organisation, StaffProfile
from sessions_app.models.locking import VersionedModel
from sessions_app.models.scoping import history_visible_to, record_visible_to

User = get_user_model()


# --- Audit trail -------------------------------------------------------------------------


class ScopedHistoryAdminMixin(SimpleHistoryAdmin):
    """History, revert and restore-deleted pages that never reach outside the user's subtree.

    django-simple-history's views look records up by primary key alone, and show a
    deleted record's history to anyone with the model's permission; here every lookup
    goes through the scoping helpers first. Reverting needs the history change
    permission (unit administrators) and the model's change permission.
    """

    deleted_records_template = "sessions_app/admin/deleted_records.html"

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        deleted = path(
            "da-xoa/",
            self.admin_site.admin_view(self.deleted_records_view),
            name="{}_{}_deleted".format(*info),
        )
        return [deleted, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            "has_view_history_permission": self.has_view_history_permission(request),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    def _require_visible(self, request, object_id, version_id=None):
        """404 unless the ids are well-formed and the record is in the user's subtree."""
        not_found = Http404(f"Không tìm thấy {self.model._meta.verbose_name}.")
        try:
            self.model._meta.pk.to_python(object_id)
            if version_id is not None:
                int(version_id)
        except (ValidationError, ValueError, TypeError):
            raise not_found from None
        if not record_visible_to(self.model, request.user, object_id):
            raise not_found

    def history_view(self, request, object_id, extra_context=None):
        self._require_visible(request, unquote(object_id))
        return super().history_view(request, object_id, extra_context)

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        queryset = super().get_history_queryset(request, history_manager, pk_name, object_id)
        visible = history_visible_to(self.model, request.user).values("history_id")
        return queryset.filter(history_id__in=visible)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        object_id = unquote(object_id)
        self._require_visible(request, object_id, version_id)
        version = history_visible_to(self.model, request.user).filter(
            **{self.model._meta.pk.attname: object_id, "history_id": version_id}
        )
        if not version.exists():
            raise Http404("Không tìm thấy phiên bản này.")
        if request.method == "POST" and not self.may_revert(request):
            raise PermissionDenied
        request._history_revert = True  # the edit lock yields to a deliberate revert
        return super().history_form_view(request, object_id, version_id, extra_context)

    def may_revert(self, request) -> bool:
        return self.has_change_history_permission(request) and self.has_change_permission(request)

    def revert_disabled(self, request, obj=None):
        return not self.may_revert(request) or super().revert_disabled(request, obj)

    def deleted_records(self, request):
        """The last version of each deleted record the user may see, newest first."""
        pk_name = self.model._meta.pk.attname
        live = self.model._default_manager.values(pk_name)
        return (
            history_visible_to(self.model, request.user)
            .filter(history_type="-")
            .exclude(**{f"{pk_name}__in": live})
            .select_related("history_user")
            .order_by("-history_date")
        )

    def deleted_records_view(self, request):
        if not self.has_view_history_permission(request):
            raise PermissionDenied
        opts = self.model._meta
        rows = [
            {
                "record": record,
                "label": str(record.instance),
                "url": reverse(
                    f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_simple_history",
                    args=[getattr(record, opts.pk.attname), record.history_id],
                ),
            }
            for record in self.deleted_records(request)[:200]
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": f"{opts.verbose_name_plural.capitalize()} đã xóa",
            "opts": opts,
            "rows": rows,
            "may_revert": self.may_revert(request),
        }
        return TemplateResponse(request, self.deleted_records_template, context)


# --- No lost edits -----------------------------------------------------------------------

LOCK_FIELD = "seen_version"


class OptimisticLockFormMixin(forms.Form):
    """Sends the version the user saw with the form and refuses a save if it moved on."""

    seen_version = forms.IntegerField(
        label="phiên bản đã xem", widget=forms.HiddenInput, required=False
    )
    revert = False  # set on the class for simple-history's revert page

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields[LOCK_FIELD].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.revert:
            current = type(self.instance)._default_manager.filter(pk=self.instance.pk)
            self.instance.version = current.values_list("version", flat=True).first() or 0
            return cleaned
        try:
            services.edit_lock_check(instance=self.instance, seen_version=cleaned.get(LOCK_FIELD))
        except ValidationError as error:
            self.add_error(None, error)
        return cleaned


class OptimisticLockAdminMixin:
    """Admin side of the edit lock: adds the hidden version field to the change form.

    The check itself runs in the form's clean() inside the admin's transaction, through
    services.edit_lock_check, which holds the row lock until the save commits.
    """

    def _is_versioned(self) -> bool:
        return issubclass(self.model, VersionedModel)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if not self._is_versioned():
            return super().get_form(request, obj, change=change, **kwargs)
        base = kwargs.pop("form", self.form)
        revert = getattr(request, "_history_revert", False)
        if not issubclass(base, OptimisticLockFormMixin):
            base = type(base.__name__, (OptimisticLockFormMixin, base), {"revert": revert})
        elif revert:
            base = type(base.__name__, (base,), {"revert": True})
        return super().get_form(request, obj, change=change, form=base, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if (
            not self._is_versioned()
            or obj is None
            or any(LOCK_FIELD in _flat(opts.get("fields", ())) for _, opts in fieldsets)
        ):
            return fieldsets
        *head, (name, opts) = fieldsets
        return [*head, (name, {**opts, "fields": [*opts.get("fields", ()), LOCK_FIELD]})]


def _flat(fields):
    for field in fields:
        if isinstance(field, (list, tuple)):
            yield from field
        else:
            yield field


# --- Staff profiles and users ------------------------------------------------------------


class StaffProfileInline(admin.StackedInline):
    """The user's unit and role, on the user's page. Saved through services.staff_profile_save."""

    model = StaffProfile
    fields = ["unit", "role"]
    fk_name = "user"
    max_num = 1
    can_delete = False
    extra = 1
    verbose_name = "đơn vị và vai trò"
    verbose_name_plural = "đơn vị và vai trò"

    def get_min_num(self, request, obj=None, **kwargs):
        # A unit administrator's new user must land in their subtree, or they lose it.
        return 0 if request.user.is_superuser else 1

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit":
            kwargs["queryset"] = Organisation.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ScopedUserAdmin(UserAdmin):
    """Users for unit administrators: only the logins placed in their subtree.

    Superuser status, groups and individual permissions are the superuser's business;
    a unit administrator grants access by unit and role only, and groups follow the role.
    """

    inlines = [StaffProfileInline]
    list_display = ["username", "last_name", "first_name", "staff_unit", "staff_role", "is_active"]
    list_select_related = ["staff_profile__unit"]

    @admin.display(description="đơn vị")
    def staff_unit(self, user):
        profile = getattr(user, "staff_profile", None)
        return profile.unit if profile else "—"

    @admin.display(description="vai trò")
    def staff_role(self, user):
        profile = getattr(user, "staff_profile", None)
        return profile.get_role_display() if profile else "—"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        profiles = StaffProfile.objects.visible_to(request.user)
        return queryset.filter(staff_profile__in=profiles, is_superuser=False)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_superuser", "is_staff", "groups", "user_permissions"]
        return readonly

    def get_list_filter(self, request):
        return ["is_active", "staff_profile__role"]

    def save_formset(self, request, form, formset, change):
        if formset.model is not StaffProfile:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)  # the admin's change message reads what it would save
        for profile_form in formset.forms:
            data = getattr(profile_form, "cleaned_data", None)
            if not data or not data.get("unit"):
                continue
            try:
                services.staff_profile_save(
                    user=form.instance, unit=data["unit"], role=data["role"], by=request.user
                )
            except ValidationError as error:
                # The form already limits units to the subtree; this is the last guard.
                messages.error(request, " ".join(error.messages))
                raise PermissionDenied from error
        return None
