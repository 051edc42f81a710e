# Minimal registrations so the import/export pages can be used and tested on this branch.
# The integrator re-applies only the mixins and io_kind onto the real ModelAdmins.
from django.contrib import admin

from sessions_app.admin_io import RecordIOMixin, SessionAttendanceIOMixin
from sessions_app.models import (
    Attendance,
    Document,
    Member,
    Organisation,
    RemediationItem,
    StudySession,
    WrittenReport,
)


class ScopedAdmin(admin.ModelAdmin):
    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


@admin.register(Organisation)
class OrganisationAdmin(RecordIOMixin, ScopedAdmin):
    io_kind = "organisations"
    list_display = ["code", "name", "kind"]
    list_filter = ["kind"]


@admin.register(Member)
class MemberAdmin(RecordIOMixin, ScopedAdmin):
    io_kind = "members"
    list_display = ["code", "full_name", "unit", "status"]
    list_filter = ["status", "gender"]
    search_fields = ["search_text"]


@admin.register(Document)
class DocumentAdmin(RecordIOMixin, admin.ModelAdmin):
    io_kind = "documents"
    list_display = ["symbol", "term", "issued_on", "title"]


@admin.register(WrittenReport)
class WrittenReportAdmin(RecordIOMixin, ScopedAdmin):
    io_kind = "written_reports"
    list_display = ["member", "document", "status"]
    list_filter = ["status"]


@admin.register(RemediationItem)
class RemediationItemAdmin(RecordIOMixin, admin.ModelAdmin):
    io_kind = "remediations"
    list_display = ["description", "due_on", "resolved_on"]


@admin.register(Attendance)
class AttendanceAdmin(RecordIOMixin, admin.ModelAdmin):
    io_kind = "attendance"
    io_import = False
    list_display = ["member", "session", "status"]
    list_filter = ["session", "status"]


@admin.register(StudySession)
class StudySessionAdmin(SessionAttendanceIOMixin, ScopedAdmin):
    list_display = ["title", "held_on"]
