from django.contrib import admin

from reports_app.models import ComplianceTarget
from sessions_app.admin_access import AccessPermissionsMixin


@admin.register(ComplianceTarget)
class ComplianceTargetAdmin(AccessPermissionsMixin, admin.ModelAdmin):
    """The targets every verdict is measured against: shared, so the role's permissions
    alone decide (no role holds them by default: a superuser changes them)."""

    list_display = [
        "name",
        "participation_rate_min",
        "report_rate_min",
        "first_session_days",
        "action_programme_days",
        "is_active",
        "updated_at",
    ]
    list_filter = ["is_active"]
