"""`/api/v1/`: each app's endpoints; `/api/schema/` and `/api/docs/` (served offline)."""

from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

# Swagger UI and Redoc set styles from their scripts; scripts stay 'self' only, and these two
# pages hold no personal data.
_DOCS_STYLES = {"style-src": ["'unsafe-inline'"]}

urlpatterns = [
    path("v1/", include("returnees.api.urls")),
    path("v1/", include("repatriation.operations.api.urls")),
    path("v1/", include("repatriation.medical.api.urls")),
    path("v1/", include("rehabilitation.api.urls")),
    path("v1/", include("reporting.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "docs/",
        csp_update(_DOCS_STYLES)(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    path(
        "redoc/",
        csp_update(_DOCS_STYLES)(SpectacularRedocView.as_view(url_name="api-schema")),
        name="api-redoc",
    ),
]
