from django.contrib import admin

from reports_app.models import ComplianceTarget


@admin.register(ComplianceTarget)
class ComplianceTargetAdmin(admin.ModelAdmin):
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
