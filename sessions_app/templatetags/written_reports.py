"""The admin home's line on written reports: how many are overdue in the user's subtree."""

from django import template
from django.utils import timezone

from sessions_app.models.scoping import user_scope_path
from sessions_app.selectors import overdue_report_count

register = template.Library()


@register.inclusion_tag("admin/sessions_app/writtenreport/_home.html")
def overdue_reports(user):
    path = user_scope_path(user)
    if path is None:
        return {"shown": False}
    return {"shown": True, "count": overdue_report_count(path=path, today=timezone.localdate())}
