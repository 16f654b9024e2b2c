from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("repatriation.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("people/", include("returnees.urls")),
    path("dashboard/", include("reporting.urls")),
    path("audit/", include("repatriation.audit.urls")),
    path("operations/", include("repatriation.operations.urls")),
    path("medical/", include("repatriation.medical.urls")),
    path("rehabilitation/", include("rehabilitation.urls")),
    path("api/", include("repatriation.api.urls")),
    path("admin/", admin.site.urls),
]

handler404 = "repatriation.views.not_found"
handler500 = "repatriation.views.server_error"
