"""Links from each figure to the admin list of the records behind it.

The admin lists accept these query parameters (documented for sessions_app/admin.py):
unit_path (records under the unit with this tree path), documents__id__exact /
document__id__exact / session__documents__id__exact, status__exact, held_on__gte/__lte,
session__held_on__gte/__lte, started_on__gte/__lte, resolved_on__isnull, due_on__lt.
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


def figure_links(path: str, filters: ReportFilters, today: datetime.date) -> dict[str, str]:
    """Admin list URLs for every figure of the unit row with this tree path."""
    doc = filters.document.pk if filters.document else None
    start, end = _iso(filters.date_from), _iso(filters.date_to)
    sessions = {
        "unit_path": path,
        "held_on__gte": start,
        "held_on__lte": end,
        "documents__id__exact": doc,
    }
    attendance = {
        "unit_path": path,
        "session__held_on__gte": start,
        "session__held_on__lte": end,
        "session__documents__id__exact": doc,
    }
    reports = {"unit_path": path, "document__id__exact": doc}
    inspections = {
        "unit_path": path,
        "started_on__gte": start,
        "started_on__lte": end,
        "documents__id__exact": doc,
    }
    return {
        "sessions": admin_list("studysession", **sessions),
        "required": admin_list("member", unit_path=path),
        "attended": admin_list("attendance", **attendance),
        "late": admin_list("attendance", status__exact=AttendanceStatus.LATE, **attendance),
        "excused": admin_list(
            "attendance", status__exact=AttendanceStatus.ABSENT_EXCUSED, **attendance
        ),
        "unexcused": admin_list(
            "attendance", status__exact=AttendanceStatus.ABSENT_UNEXCUSED, **attendance
        ),
        "reports": admin_list("writtenreport", **reports),
        "submitted": admin_list("writtenreport", **reports),
        "passed": admin_list("writtenreport", status__exact=ReportStatus.PASSED, **reports),
        "sent_back": admin_list(
            "writtenreport", status__exact=ReportStatus.REVISION_REQUESTED, **reports
        ),
        "programmes": admin_list("actionprogramme", **reports),
        "inspections": admin_list("inspection", **inspections),
        "open_items": admin_list("remediationitem", unit_path=path, resolved_on__isnull="True"),
        "overdue": admin_list(
            "remediationitem",
            unit_path=path,
            resolved_on__isnull="True",
            due_on__lt=today.isoformat(),
        ),
        "reported": admin_list("studysession", **sessions),
        "unit": admin_list("organisation", unit_path=path),
    }


def unit_report_url(unit) -> str:
    """The compliance report of a unit (for the admin's change page or list)."""
    return reverse("reports_app:unit", kwargs={"pk": unit.pk})
