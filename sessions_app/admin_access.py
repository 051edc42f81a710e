"""Admin pieces for access control: history, no lost edits, staff profiles, scoped users.

These are mixins and classes the model admins in admin.py compose; they hold no
registrations of their own. Every access question goes to sessions_app.access.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from simple_history.admin import SimpleHistoryAdmin

from sessions_app import access, services
from sessions_app.models import Organisation, StaffProfile
from sessions_app.models.locking import VersionedModel

User = get_user_model()


# --- Permissions ---------------------------------------------------------------------


class AccessPermissionsMixin:
    """Every has_*_permission of the admin asks sessions_app.access: the user's role
    permissions, then the record's place in the tree (a cell sees the district's session
    it attends but does not edit it). Answers are kept on the request, since one page asks
    the same question several times."""

    def _allowed(self, request, action, obj=None) -> bool:
        return access.allowed(
            request.user, action, self.model, obj, cache=access.request_cache(request)
        )

    def has_module_permission(self, request):
        return self._allowed(request, "view")

    def has_view_permission(self, request, obj=None):
        return self._allowed(request, "view", obj)

    def has_add_permission(self, request, *args):
        return self._allowed(request, "add")

    def has_change_permission(self, request, obj=None):
        return self._allowed(request, "change", obj)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request, "delete", obj)


# --- Audit trail -------------------------------------------------------------------------


class ScopedHistoryAdminMixin(SimpleHistoryAdmin):
    """History, revert and restore-deleted pages, asked through sessions_app.access.

    django-simple-history's views look records up by primary key alone and save a revert
    after checking only the model-wide change permission. Here reading a version needs the
    history view permission and the version in the user's subtree; a revert (or restore)
    is an edit: the record as it is must be the user's to revert, the submitted form goes
    through the same validation and save_model (services) as the change page, fields the
    change page does not offer keep their current values, and the record as it becomes
    must still be the user's to change, or nothing is written.
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

    # --- permissions: the role's, then the record's place ------------------------------

    def _history_model(self):
        return self.model.history.model

    def has_view_history_permission(self, request, obj=None):
        return access.has_permissions(request.user, self._history_model(), "view")

    def has_change_history_permission(self, request, obj=None):
        return self.may_revert(request, obj)

    def may_revert(self, request, obj=None) -> bool:
        """The role may revert this model, and a live record is the user's to revert."""
        live = obj if obj is not None and self._is_live(obj) else None
        return access.allowed(
            request.user, "revert", self.model, live, cache=access.request_cache(request)
        )

    def _is_live(self, obj) -> bool:
        return obj.pk is not None and self.model._default_manager.filter(pk=obj.pk).exists()

    def revert_disabled(self, request, obj=None):
        return not self.may_revert(request, obj) or super().revert_disabled(request, obj)

    def _visible_history(self, request):
        return access.restrict(self.model.history.all(), request.user, "view")

    def render_change_form(self, request, context, *args, **kwargs):
        # The change page offers "Lịch sử" only to those who may open it.
        context["has_view_history_permission"] = self.has_view_history_permission(request)
        return super().render_change_form(request, context, *args, **kwargs)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            "has_view_history_permission": self.has_view_history_permission(request),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    # --- pages -------------------------------------------------------------------------

    def _require_version(self, request, object_id, version_id=None):
        """404 unless the ids are well-formed and a version of the record is the user's to read."""
        not_found = Http404(f"Không tìm thấy {self.model._meta.verbose_name}.")
        try:
            object_id = self.model._meta.pk.to_python(object_id)
            if version_id is not None:
                version_id = int(version_id)
        except (ValidationError, ValueError, TypeError):
            raise not_found from None
        versions = self._visible_history(request).filter(**{self.model._meta.pk.attname: object_id})
        if version_id is not None:
            versions = versions.filter(history_id=version_id)
        if not versions.exists():
            raise not_found
        return object_id

    def history_view(self, request, object_id, extra_context=None):
        # The role first (a 403 that says nothing about the record), then the record: 404.
        if not self.has_view_history_permission(request):
            raise PermissionDenied
        self._require_version(request, unquote(object_id))
        return super().history_view(request, object_id, extra_context)

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        queryset = super().get_history_queryset(request, history_manager, pk_name, object_id)
        return queryset.filter(history_id__in=self._visible_history(request).values("history_id"))

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not self.has_view_history_permission(request):
            raise PermissionDenied
        object_id = self._require_version(request, unquote(object_id), version_id)
        if request.method != "POST":
            return super().history_form_view(request, object_id, version_id, extra_context)
        live = self.model._default_manager.filter(pk=object_id).first()
        if live is None:  # restoring a deleted record adds it again
            if not (self.may_revert(request) and self.has_add_permission(request)):
                raise PermissionDenied
        elif not self.may_revert(request, live):
            raise PermissionDenied
        request._history_revert = True  # the edit lock yields to a deliberate revert
        request._history_live = live
        request._history_version = version_id
        with transaction.atomic():
            response = super().history_form_view(request, object_id, version_id, extra_context)
            if response.status_code == 302:
                self._require_changeable_after_save(request, object_id)
        return response

    def _require_changeable_after_save(self, request, object_id):
        """The record as it became must still be the user's to change; else nothing is kept."""
        changeable = access.restrict(self.model._default_manager.all(), request.user, "change")
        if not changeable.filter(pk=object_id).exists():
            raise PermissionDenied("Bản ghi sau khi lưu sẽ nằm ngoài phạm vi được sửa của bạn.")

    def save_form(self, request, form, change):
        obj = super().save_form(request, form, change)
        if getattr(request, "_history_revert", False):
            # A revert writes what the change page could: fields the form does not offer
            # (a member's cell, who graded a report) keep their current values.
            live = request._history_live
            if live is not None:
                for field in obj._meta.concrete_fields:
                    if not field.primary_key and field.name not in form.fields:
                        setattr(obj, field.attname, getattr(live, field.attname))
            obj._change_reason = f"Khôi phục phiên bản {request._history_version}"
        return obj

    def deleted_records(self, request):
        """The last version of each deleted record the user may see, newest first."""
        pk_name = self.model._meta.pk.attname
        live = self.model._default_manager.values(pk_name)
        return (
            self._visible_history(request)
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

    def get_formset(self, request, obj=None, **kwargs):
        if not request.user.is_superuser:
            kwargs["validate_min"] = True  # a posted form count of 0 is refused too
        formset = super().get_formset(request, obj, **kwargs)

        class ProfileFormSet(formset):
            default_error_messages = {
                **formset.default_error_messages,
                "too_few_forms": "Tài khoản phải được gắn với một đơn vị trong phạm vi bạn quản lý.",
            }

        return ProfileFormSet

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit":
            kwargs["queryset"] = access.restrict(Organisation.objects.all(), request.user, "view")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ScopedUserAdmin(AccessPermissionsMixin, UserAdmin):
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
        return access.restrict(super().get_queryset(request), request.user, "view")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The login as it became must be one the administrator still manages: a unit
        # inside their subtree (the superuser's logins excepted). Else nothing is kept.
        changeable = access.restrict(User.objects.all(), request.user, "change")
        if not changeable.filter(pk=form.instance.pk).exists():
            raise PermissionDenied("Tài khoản phải thuộc một đơn vị trong phạm vi bạn quản lý.")

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
