"""Report pages. Every unit and record comes through sessions_app.access.

Reports are private to the login that asked: never kept by a browser or proxy cache.
"""

from django.contrib import admin
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from reports_app import charts, docx_report, drilldown, exports, page_links, printing, selectors
from reports_app.compliance import build_matrix, build_report, trend
from reports_app.figures import FIGURES, RULES, TABLE, Context, groups
from reports_app.filters import ReportFilterSet
from reports_app.links import cells
from sessions_app import access
from sessions_app.choices import Sector, UnitKind
from sessions_app.models import Member, Organisation
from sessions_app.models.scoping import user_scope_path
from sessions_app.text import download_name


@method_decorator(never_cache, name="dispatch")
class StaffOnlyMixin(LoginRequiredMixin, UserPassesTestMixin):
    raise_exception = False

    def test_func(self):
        return self.request.user.is_staff

    def handle_no_permission(self):
        if self.request.user.is_authenticated:
            raise Http404("Không tìm thấy trang.")
        return super().handle_no_permission()

    def render_to_response(self, context, **kwargs):
        return super().render_to_response({**admin_chrome(), **context}, **kwargs)


def admin_chrome() -> dict:
    """What the admin's base template needs to frame a report page like the admin's own
    (header, user tools, breadcrumbs); no app list, as the page has no sidebar."""
    return {
        "site_header": admin.site.site_header,
        "site_title": admin.site.site_title,
        "site_url": admin.site.site_url,
        "has_permission": True,
        "is_popup": False,
        "is_nav_sidebar_enabled": False,
        "available_apps": [],
    }


def own_units(user) -> list[Organisation]:
    """Where /bao-cao/ starts: the user's unit, or the roots for a superuser."""
    path = user_scope_path(user)
    if path is None:
        return []
    if path == "":
        return list(Organisation.objects.get_root_nodes())
    return [user.staff_profile.unit]


class IndexView(StaffOnlyMixin, TemplateView):
    template_name = "reports_app/roots.html"

    def get(self, request, *args, **kwargs):
        units = own_units(request.user)
        if not units:
            raise Http404("Tài khoản chưa được gắn với đơn vị nào.")
        if len(units) == 1:
            url = reverse("reports_app:unit", kwargs={"pk": units[0].pk})
            query = request.GET.urlencode()
            return redirect(f"{url}?{query}" if query else url)
        return self.render_to_response({"units": units})


class UnitReportMixin(StaffOnlyMixin):
    def setup_report(self):
        self.unit = access.get_for_user_or_404(Organisation, self.request.user, self.kwargs["pk"])
        self.filterset = ReportFilterSet(self.request.GET)
        self.filters = self.filterset.report_filters()
        self.today = timezone.localdate()

    def breadcrumbs(self):
        """The units above, as far up as the user may see."""
        scope = user_scope_path(self.request.user) or ""
        paths = [
            p
            for p in selectors.ancestor_paths(self.unit)
            if p.startswith(scope) and p != self.unit.path
        ]
        return list(Organisation.objects.filter(path__in=paths).only("pk", "name", "path"))

    def base_context(self):
        return {
            "unit": self.unit,
            "remembered": page_links.remembered_filters(self.request),
            "filterset": self.filterset,
            "filters": self.filters,
            "query": self.request.GET.urlencode(),
            "breadcrumbs": self.breadcrumbs(),
            "today": self.today,
            "kind_label": UnitKind(self.filters.kind).label if self.filters.kind else "",
            "sector_label": Sector(self.filters.sector).label if self.filters.sector else "",
        }


class RememberFiltersMixin:
    """The last filters chosen are offered back on a bare report link (the URL decides)."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        page_links.remember_filters(request, response, self.filterset)
        return response


class UnitReportView(RememberFiltersMixin, UnitReportMixin, TemplateView):
    template_name = "reports_app/report.html"

    def get_context_data(self, **kwargs):
        self.setup_report()
        report = build_report(self.unit, self.filters, self.today)
        query = self.request.GET.urlencode()
        for row in report.all_rows:
            row.cells = page_links.mark_group_starts(cells(row, query), TABLE)
        return {
            **self.base_context(),
            "report": report,
            "columns": TABLE,
            "column_groups": groups(TABLE),
            "links": page_links.report_links(self.request.user, self.unit),
            "bar_chart": charts.participation_chart(report.rows, report.target),
            "trend_chart": charts.trend_chart(
                trend(self.unit, self.filters, self.today), report.target.participation_rate_min
            ),
        }


class PrintView(UnitReportMixin, TemplateView):
    """The báo cáo as a committee signs it, on A4 (reports_app/printing.py)."""

    template_name = "reports_app/print.html"

    def get_context_data(self, **kwargs):
        self.setup_report()
        report = build_report(self.unit, self.filters, self.today)
        layout = printing.layout(self.request.GET.get("kho"))
        return {
            **self.base_context(),
            "paper": printing.build_paper(report, printing.ancestors_of(self.unit)),
            "layout": layout,
            "layouts": printing.layout_choices(self.request.GET, layout),
            "filter_query": page_links.filter_query(self.request.GET),
        }


class DocxView(UnitReportMixin, TemplateView):
    """The same báo cáo as a Word file, for committees that edit before signing."""

    def get(self, request, *args, **kwargs):
        self.setup_report()
        report = build_report(self.unit, self.filters, self.today)
        paper = printing.build_paper(report, printing.ancestors_of(self.unit))
        layout = printing.layout(request.GET.get("kho"))
        response = HttpResponse(docx_report.render(paper, layout), content_type=docx_report.MIME)
        name = download_name("Báo cáo", self.unit.name, day=self.today, ext="docx")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class MatrixView(RememberFiltersMixin, UnitReportMixin, TemplateView):
    template_name = "reports_app/matrix.html"

    def get_context_data(self, **kwargs):
        self.setup_report()
        return {**self.base_context(), "matrix": build_matrix(self.unit, self.filters, self.today)}


class ConsistencyView(UnitReportMixin, TemplateView):
    template_name = "reports_app/checks.html"

    def get_context_data(self, **kwargs):
        self.setup_report()
        issues = selectors.consistency_issues(self.unit)
        return {
            **self.base_context(),
            "issues": scope_issues(issues, self.request.user),
            "can_open": page_links.admin_models_readable(self.request.user),
        }


def scope_issues(issues: dict[str, list], user) -> dict[str, list]:
    """The consistency findings the user may follow: each row readable, and its member too.

    A session of the unit may count members of other branches (a shared class, a stray
    roll call); the check names them only to those who may read the member.
    """
    if user_scope_path(user) == "":
        return issues  # the superuser reads everything
    member_ids = {row.member_id for rows in issues.values() for row in rows if _member_of(row)}
    readable_members = set(
        access.restrict(Member.objects.filter(pk__in=member_ids), user, "view").values_list(
            "pk", flat=True
        )
    )
    scoped = {}
    for name, rows in issues.items():
        if rows:
            model = type(rows[0])
            pks = [row.pk for row in rows]
            readable = set(
                access.restrict(
                    model._default_manager.filter(pk__in=pks), user, "view"
                ).values_list("pk", flat=True)
            )
            rows = [
                row
                for row in rows
                if row.pk in readable and (not _member_of(row) or row.member_id in readable_members)
            ]
        scoped[name] = rows
    return scoped


def _member_of(row) -> bool:
    return getattr(row, "member_id", None) is not None


class ExportView(UnitReportMixin, TemplateView):
    formats = {
        "csv": ("text/csv; charset=utf-8", exports.as_csv),
        "xlsx": (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            exports.as_xlsx,
        ),
    }

    def get(self, request, *args, **kwargs):
        self.setup_report()
        content_type, render = self.formats[kwargs["fmt"]]
        report = build_report(self.unit, self.filters, self.today)
        response = HttpResponse(render(report), content_type=content_type)
        name = download_name("Báo cáo", self.unit.name, day=self.today, ext=kwargs["fmt"])
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class FigureRowsView(UnitReportMixin, TemplateView):
    """The rows one figure counts on one unit's row: as many as the figure says."""

    template_name = "reports_app/figure_rows.html"

    def get_context_data(self, **kwargs):
        self.setup_report()
        figure = drilldown.lookup(self.kwargs["key"])
        if figure is None:
            raise Http404("Số liệu này không có danh sách chi tiết.")
        context = Context(depth=self.unit.depth, today=self.today)
        kind, shown, count, total = drilldown.first_rows(figure, self.unit, self.filters, context)
        columns = drilldown.COLUMNS[kind]
        return {
            **self.base_context(),
            "figure": figure,
            "total": total,
            "count": count,
            "columns": columns,
            "lines": [
                [drilldown.cell_value(obj, column.value) for column in columns] for obj in shown
            ],
            "limit": drilldown.LIMIT,
        }


class DefinitionsView(StaffOnlyMixin, TemplateView):
    """Cách tính số liệu: each figure's definition and the rules, from the registry."""

    template_name = "reports_app/definitions.html"

    def get_context_data(self, **kwargs):
        return {"figures": [f for f in FIGURES if f.table or f.export], "rules": RULES}
