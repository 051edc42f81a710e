"""What the report pages offer: links to the admin shown only to those who may follow them,
the last filters offered back, and the table's group boundaries."""

from urllib.parse import quote, unquote

from django.http import QueryDict
from django.urls import reverse

from reports_app.filters import ReportFilterSet
from reports_app.printing import period_text
from sessions_app import access
from sessions_app.models import (
    ActionProgramme,
    Attendance,
    Inspection,
    Member,
    Organisation,
    StudySession,
)

REMEMBER_COOKIE = "bao_cao_bo_loc"
REMEMBER_DAYS = 90
FILTER_KEYS = tuple(ReportFilterSet.base_filters)


def filter_query(data: QueryDict) -> str:
    """The report's own filters of a query string, without empty values or other keys."""
    kept = QueryDict(mutable=True)
    for key in FILTER_KEYS:
        values = [value for value in data.getlist(key) if value and "\x00" not in value]
        if values:
            kept.setlist(key, values[:1])
    return kept.urlencode()


def remember_filters(request, response, filterset) -> None:
    """Keep valid filters in a cookie (no database write): the next bare visit offers them."""
    query = filter_query(request.GET)
    if not query or not filterset.form.is_valid():
        return
    response.set_cookie(
        REMEMBER_COOKIE,
        quote(query, safe=""),
        max_age=REMEMBER_DAYS * 24 * 3600,
        path=reverse("reports_app:index"),
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )


def remembered_filters(request) -> dict | None:
    """The filters of the last visit, when this one has none: a link and its description."""
    if filter_query(request.GET):
        return None  # the URL says what to show
    raw = unquote(request.COOKIES.get(REMEMBER_COOKIE, ""))
    query = filter_query(QueryDict(raw)) if raw else ""
    if not query:
        return None
    filterset = ReportFilterSet(QueryDict(query))
    if not filterset.form.is_valid():
        return None
    return {"query": query, "text": period_text(filterset.report_filters())}


def _changelist(model, unit) -> str:
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    return f"{url}?don_vi={unit.pk}"


def report_links(user, unit) -> list[tuple[str, str]]:
    """The admin's pages about the unit that this user may open (none a 403 would answer).

    The unit itself already passed access (the page is open): the permissions decide.
    """
    links = []
    if access.has_permissions(user, Organisation, "view"):
        links.append(
            ("Hồ sơ đơn vị", reverse("admin:sessions_app_organisation_change", args=[unit.pk]))
        )
    if access.has_permissions(user, Organisation.history.model, "view"):
        links.append(
            ("Lịch sử thay đổi", reverse("admin:sessions_app_organisation_history", args=[unit.pk]))
        )
    for label, model in (
        ("Hội nghị học tập", StudySession),
        ("Đảng viên", Member),
        ("Chương trình hành động", ActionProgramme),
        ("Kiểm tra, giám sát", Inspection),
    ):
        if access.has_permissions(user, model, "view"):
            links.append((label, _changelist(model, unit)))
    return links


def admin_models_readable(user) -> dict[str, bool]:
    """Which admin pages the consistency checks may link to for this user."""
    return {
        model._meta.model_name: access.has_permissions(user, model, "view")
        for model in (StudySession, Attendance, Member)
    }


def mark_group_starts(cells: list, figures: list) -> list:
    """Mark the first cell of each figure group, where the table draws a heavier rule."""
    for index, (cell, figure) in enumerate(zip(cells, figures, strict=True)):
        if index == 0 or figures[index - 1].group != figure.group:
            cell.css += " group-start"
    return cells
