from django.contrib import admin

from reports_app.models import ComplianceTarget
from sessions_app.admin_base import SuperuserOnlyMixin


@admin.register(ComplianceTarget)
class ComplianceTargetAdmin(SuperuserOnlyMixin, admin.ModelAdmin):
    """The targets every verdict is measured against: changed by a superuser only."""

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
