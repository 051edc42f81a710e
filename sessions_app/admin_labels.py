"""Vietnamese labels for what Django stores in English: permission names.

Django writes "Can add …" into the permission table and shows it with the content type's
name ("historical văn bản" for the audit trail's models). The permission pickers show this
label instead, built from the model's Vietnamese name.
"""

import datetime

from django.contrib import admin
from django.utils import timezone
from django.utils.formats import date_format
from simple_history.template_utils import HistoricalRecordContextHelper

_ACTIONS = {"add": "thêm", "change": "sửa", "delete": "xóa", "view": "xem"}


def _subject(model) -> str:
    """What a permission is about, in Vietnamese: "văn bản", "lịch sử văn bản"."""
    base = getattr(model, "instance_type", None)  # simple-history's historical models
    if base is None:
        return str(model._meta.verbose_name)
    if base._meta.auto_created:  # the history of a many-to-many link
        ends = [f.related_model._meta.verbose_name for f in base._meta.fields if f.is_relation]
        return "lịch sử liên kết " + " – ".join(str(e) for e in ends)
    return f"lịch sử {base._meta.verbose_name}"


def permission_label(permission) -> str:
    """ "Học tập, quán triệt nghị quyết | lịch sử văn bản | xem" rather than Django's English."""
    model = permission.content_type.model_class()
    action = permission.codename.split("_", 1)[0]
    if model is None or action not in _ACTIONS:
        return str(permission)
    return f"{model._meta.app_config.verbose_name} | {_subject(model)} | {_ACTIONS[action]}"


class PermissionLabelsMixin:
    """Permission pickers (groups, users) list permissions by their Vietnamese label."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and db_field.name in {"permissions", "user_permissions"}:
            field.label_from_instance = permission_label
            field.queryset = field.queryset.select_related("content_type")
        return field


def register_with_permission_labels(model, admin_class):
    """Re-register a stock admin (Group, User) with Vietnamese permission labels."""
    admin.site.unregister(model)
    labelled = type(admin_class.__name__, (PermissionLabelsMixin, admin_class), {})
    admin.site.register(model, labelled)


class VietnameseHistoryValues(HistoricalRecordContextHelper):
    """History's "before → after" as staff read values: Có/Không, choice labels, dd/mm/yyyy."""

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        field = self.model._meta.get_field(change.field)
        if value is None or value == "":
            return "—"
        if isinstance(value, bool):
            return "Có" if value else "Không"
        if getattr(field, "choices", None) and not isinstance(value, list):
            return dict(field.flatchoices).get(value, value)
        if isinstance(value, datetime.datetime):
            return date_format(timezone.localtime(value), "d/m/Y H:i")
        if isinstance(value, datetime.date):
            return value.strftime("%d/%m/%Y")
        return value


class VietnameseHistoryMixin:
    """Admins with an audit trail show its changes through VietnameseHistoryValues."""

    def get_historical_record_context_helper(self, request, historical_record):
        return VietnameseHistoryValues(self.model, historical_record)
