from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView


class FaviconView(RedirectView):
    """Browsers ask for /favicon.ico; resolved per request, after collectstatic's manifest."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs):
        return static("favicon.svg")


admin.site.site_header = "Sổ theo dõi học tập nghị quyết"
admin.site.site_title = "Học tập nghị quyết"
admin.site.index_title = "Quản lý dữ liệu"
# The home page lists every section; a 300 px side menu on every page would push the
# lists' figures off a 1366 px screen.
admin.site.enable_nav_sidebar = False
# The header's "view site" link (translated "Báo cáo") opens the compliance reports.
admin.site.site_url = "/bao-cao/"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("favicon.ico", FaviconView.as_view()),
    path("admin/", admin.site.urls),
    path("bao-cao/", include("reports_app.urls")),
]
