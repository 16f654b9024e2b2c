from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("reports/", views.report_list, name="reports"),
    path("reports/<int:pk>/row/", views.report_row, name="report_row"),
    path("reports/<int:pk>/pdf/", views.report_pdf, name="report_pdf"),
    path("reports/<int:pk>/sign-off/", views.report_sign_off, name="report_sign_off"),
    path("reports/<int:pk>/csv/", views.report_table, {"form": "csv"}, name="report_csv"),
    path("reports/<int:pk>/xlsx/", views.report_table, {"form": "xlsx"}, name="report_xlsx"),
]
