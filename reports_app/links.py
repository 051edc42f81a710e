"""Links from each figure to the admin list of the records behind it.

The admin lists accept these query parameters (reports_app/admin_filters.py and the
`report_lookups` of each admin in sessions_app/admin.py): unit_path (records under the unit
with this tree path, as the report counts them), required (members required), the document,
period and status lookups of each model, resolved_on__isnull and due_on__lt.
"""

import datetime

from django.urls import reverse
from django.utils.http import urlencode

from reports_app.selectors import ReportFilters
from sessions_app.choices import AttendanceStatus, ReportStatus


def admin_list(model: str, **params) -> str:
    query = urlencode({key: value for key, value in params.items() if value not in (None, "")})
    base = f"{reverse('admin:index')}sessions_app/{model}/"
    return f"{base}?{query}" if query else base


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


ATTENDED = ",".join(AttendanceStatus.attended_values())
SUBMITTED = ",".join(
    [
        ReportStatus.SUBMITTED,
        ReportStatus.PASSED,
        ReportStatus.REVISION_REQUESTED,
        ReportStatus.FAILED,
    ]
)


def figure_links(path: str, filters: ReportFilters, today: datetime.date) -> dict[str, str]:
    """Admin list URLs for every figure of the unit row with this tree path.

    Each list is narrowed the way reports_app/selectors.py counts the figure, so the list
    shows as many rows as the figure (see reports_app/admin_filters.py for `unit_path`).
    Make-up sessions count on the session they make up, so the lists leave them out.
    """
    doc = filters.document.pk if filters.document else None
    start, end = _iso(filters.date_from), _iso(filters.date_to)
    sessions = {
        "unit_path": path,
        "held_on__gte": start,
        "held_on__lte": end,
        "documents__id__exact": doc,
        "hoc_bu": "0",
    }
    session_params = {
        "session__held_on__gte": start,
        "session__held_on__lte": end,
        "session__documents__id__exact": doc,
    }
    attendance = {"unit_path": path, **session_params, "session__makeup_of__isnull": "True"}
    reports = {
        "unit_path": path,
        "document__id__exact": doc,
        "document__report_required__exact": "1",
    }
    if start or end:  # a report counts in the period when its document was studied in it
        reports |= {
            "document__sessions__held_on__gte": start,
            "document__sessions__held_on__lte": end,
            "document__sessions__makeup_of__isnull": "True",
        }
    inspections = {
        "unit_path": path,
        "started_on__gte": start,
        "started_on__lte": end,
        "documents__id__exact": doc,
    }
    remediations = {
        "unit_path": path,
        "inspection__started_on__gte": start,
        "inspection__started_on__lte": end,
        "inspection__documents__id__exact": doc,
        "resolved_on__isnull": "True",
    }
    return {
        "sessions": admin_list("studysession", **sessions),
        "required": admin_list("member", unit_path=path, required="1", **session_params),
        "attended": admin_list("attendance", status__in=ATTENDED, **attendance),
        "late": admin_list("attendance", status__exact=AttendanceStatus.LATE, **attendance),
        "excused": admin_list(
            "attendance", status__exact=AttendanceStatus.ABSENT_EXCUSED, **attendance
        ),
        "unexcused": admin_list(
            "attendance", status__exact=AttendanceStatus.ABSENT_UNEXCUSED, **attendance
        ),
        "reports": admin_list("writtenreport", **reports),
        "submitted": admin_list("writtenreport", status__in=SUBMITTED, **reports),
        "passed": admin_list("writtenreport", status__exact=ReportStatus.PASSED, **reports),
        "sent_back": admin_list(
            "writtenreport", status__exact=ReportStatus.REVISION_REQUESTED, **reports
        ),
        "programmes": admin_list(
            "actionprogramme", unit_path=path, document__id__exact=doc, issued_on__lte=end
        ),
        "inspections": admin_list("inspection", **inspections),
        "open_items": admin_list("remediationitem", **remediations),
        "overdue": admin_list("remediationitem", due_on__lt=today.isoformat(), **remediations),
        "reported": admin_list("studysession", **sessions),
        "unit": admin_list("organisation", unit_path=path),
    }


def unit_report_url(unit) -> str:
    """The compliance report of a unit (for the admin's change page or list)."""
    return reverse("reports_app:unit", kwargs={"pk": unit.pk})
