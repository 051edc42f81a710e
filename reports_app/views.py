"""Report pages. Every unit comes through Organisation.objects.visible_to(request.user)."""

from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from reports_app import charts, exports, selectors
from reports_app.compliance import build_matrix, build_report
from reports_app.filters import ReportFilterSet
from reports_app.links import figure_links
from sessions_app.choices import Sector, UnitKind
from sessions_app.models import Organisation, StudySession
from sessions_app.models.scoping import user_scope_path
from sessions_app.text import download_name


class StaffOnlyMixin(LoginRequiredMixin, UserPassesTestMixin):
    raise_exception = False

    def test_func(self):
        return self.request.user.is_staff

    def handle_no_permission(self):
        if self.request.user.is_authenticated:
            raise Http404("Không tìm thấy trang.")
        return super().handle_no_permission()


def visible_unit(user, pk: int) -> Organisation:
    """A unit in the user's subtree, or 404 (a unit outside it does not exist for them)."""
    return get_object_or_404(Organisation.objects.visible_to(user), pk=pk)


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
        self.unit = visible_unit(self.request.user, self.kwargs["pk"])
        self.filterset = ReportFilterSet(self.request.GET, queryset=StudySession.objects.none())
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
            "filterset": self.filterset,
            "filters": self.filters,
            "query": self.request.GET.urlencode(),
            "breadcrumbs": self.breadcrumbs(),
            "today": self.today,
            "kind_label": UnitKind(self.filters.kind).label if self.filters.kind else "",
            "sector_label": Sector(self.filters.sector).label if self.filters.sector else "",
        }


class UnitReportView(UnitReportMixin, TemplateView):
    template_name = "reports_app/report.html"

    def get_context_data(self, **kwargs):
        self.setup_report()
        report = build_report(self.unit, self.filters, self.today)
        for row in [report.total, *report.rows]:
            row.links = figure_links(row.unit.path, self.filters, self.today)
        trend = selectors.monthly_trend(self.unit, self.filters)
        return {
            **self.base_context(),
            "report": report,
            "bar_chart": charts.participation_chart(report.rows, report.target),
            "trend_chart": charts.trend_chart(trend),
        }


class PrintView(UnitReportView):
    template_name = "reports_app/print.html"


class MatrixView(UnitReportMixin, TemplateView):
    template_name = "reports_app/matrix.html"

    def get_context_data(self, **kwargs):
        self.setup_report()
        return {**self.base_context(), "matrix": build_matrix(self.unit, self.filters, self.today)}


class ConsistencyView(UnitReportMixin, TemplateView):
    template_name = "reports_app/checks.html"

    def get_context_data(self, **kwargs):
        self.setup_report()
        return {**self.base_context(), "issues": selectors.consistency_issues(self.unit)}


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
