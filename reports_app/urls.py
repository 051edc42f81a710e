from django.urls import path

from reports_app import views

app_name = "reports_app"

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("don-vi/<int:pk>/", views.UnitReportView.as_view(), name="unit"),
    path("don-vi/<int:pk>/ma-tran/", views.MatrixView.as_view(), name="matrix"),
    path("cach-tinh-so-lieu/", views.DefinitionsView.as_view(), name="definitions"),
    path("don-vi/<int:pk>/so-lieu/<slug:key>/", views.FigureRowsView.as_view(), name="figure"),
    path("don-vi/<int:pk>/in/", views.PrintView.as_view(), name="print"),
    path("don-vi/<int:pk>/bao-cao.docx", views.DocxView.as_view(), name="docx"),
    path("don-vi/<int:pk>/kiem-tra-du-lieu/", views.ConsistencyView.as_view(), name="checks"),
    path("don-vi/<int:pk>/xuat.csv", views.ExportView.as_view(), {"fmt": "csv"}, name="export_csv"),
    path(
        "don-vi/<int:pk>/xuat.xlsx", views.ExportView.as_view(), {"fmt": "xlsx"}, name="export_xlsx"
    ),
]
