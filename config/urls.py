from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

admin.site.site_header = "Sổ theo dõi học tập nghị quyết"
admin.site.site_title = "Học tập nghị quyết"
admin.site.index_title = "Quản lý dữ liệu"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("admin/", admin.site.urls),
    path("bao-cao/", include("reports_app.urls")),
]
