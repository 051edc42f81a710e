"""Minimal registrations to exercise the access pieces (replaced by the real admin on merge).

The integrator keeps the real admin.py and composes ScopedHistoryAdminMixin and
OptimisticLockAdminMixin into it, and registers ScopedUserAdmin (see docs/deployment.md).
"""

from django.contrib import admin
from django.contrib.auth import get_user_model

from sessions_app.admin_access import (
    OptimisticLockAdminMixin,
    ScopedHistoryAdminMixin,
    ScopedUserAdmin,
)
from sessions_app.models import (
    Document,
    Inspection,
    Member,
    Organisation,
    StudySession,
    WrittenReport,
)
from sessions_app.models.scoping import scoped_queryset


class ScopedAdmin(OptimisticLockAdminMixin, ScopedHistoryAdminMixin, admin.ModelAdmin):
    """Stand-in for the real scoping base: rows and choices through visible_to."""

    def get_queryset(self, request):
        return scoped_queryset(self.model, request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs["queryset"] = scoped_queryset(db_field.related_model, request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs["queryset"] = scoped_queryset(db_field.related_model, request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Organisation)
class OrganisationAdmin(ScopedHistoryAdminMixin, admin.ModelAdmin):
    search_fields = ["search_text"]
    fields = ["name", "sector", "is_active"]

    def get_queryset(self, request):
        return scoped_queryset(self.model, request.user)


@admin.register(Member)
class MemberAdmin(ScopedAdmin):
    search_fields = ["search_text"]
    list_display = ["full_name", "code", "unit"]
    fields = ["code", "full_name", "unit", "joined_on", "is_leader", "position"]


@admin.register(Document)
class DocumentAdmin(ScopedAdmin):
    search_fields = ["search_text"]
    fields = ["title", "issuing_body", "report_required"]


@admin.register(StudySession)
class StudySessionAdmin(ScopedAdmin):
    search_fields = ["search_text"]
    fields = ["title", "organiser", "participating_units", "documents", "held_on", "location"]


@admin.register(WrittenReport)
class WrittenReportAdmin(ScopedAdmin):
    autocomplete_fields = ["member"]
    fields = ["member", "document", "status", "submitted_on", "text"]


@admin.register(Inspection)
class InspectionAdmin(ScopedAdmin):
    fields = ["inspecting_unit", "inspected_unit", "started_on", "conclusion"]


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), ScopedUserAdmin)
