from sessions_app.models.documents import Document
from sessions_app.models.inspections import Inspection, RemediationItem, ReportedFact
from sessions_app.models.members import Exemption, Member, MemberPlacement
from sessions_app.models.obligations import (
    AttendanceObligation,
    AttendanceTally,
    ReportObligation,
    ReportTally,
)
from sessions_app.models.organisations import Organisation, StaffProfile
from sessions_app.models.reminders import ReminderLog
from sessions_app.models.reports import (
    ActionProgramme,
    CopyFlag,
    DocumentOutline,
    ReportBand,
    ReportSignature,
    WrittenReport,
    WrittenReportVersion,
)
from sessions_app.models.sources import SourceArticle
from sessions_app.models.study import Attendance, SessionSite, StudySession

__all__ = [
    "ActionProgramme",
    "Attendance",
    "AttendanceObligation",
    "AttendanceTally",
    "CopyFlag",
    "Document",
    "DocumentOutline",
    "Exemption",
    "Inspection",
    "Member",
    "MemberPlacement",
    "Organisation",
    "ReminderLog",
    "RemediationItem",
    "ReportBand",
    "ReportObligation",
    "ReportTally",
    "ReportSignature",
    "ReportedFact",
    "SessionSite",
    "SourceArticle",
    "StaffProfile",
    "StudySession",
    "WrittenReport",
    "WrittenReportVersion",
]
