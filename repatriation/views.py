from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from repatriation.celery import app as celery_app


@login_required
def home(request):
    """Each role's start page; the registry panels appear for those who work with people."""
    from rehabilitation.selectors import adaptation_overdue
    from repatriation import policy
    from repatriation.accounts.roles import FieldGroup
    from repatriation.policy import Action
    from returnees import selectors
    from returnees.models import CaseStatus

    context = {}
    user = request.user
    if policy.can(user, Action.VIEW):
        counts = selectors.status_counts_for(user=user)
        context.update(
            {
                "registry": True,
                "my_cases": selectors.my_cases(user=user),
                "verifications_waiting": selectors.verifications_waiting(user=user)
                if FieldGroup.VERIFICATION in policy.field_groups_for(user)
                else None,
                "status_rows": [(CaseStatus(s).label, s, n) for s, n in counts.items()],
                "children_without_guardian": selectors.children_without_guardian(user=user),
                "adaptation_overdue": adaptation_overdue(user=user),
            }
        )
    return render(request, "home.html", context)


def _database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return "down"
    return "ok"


def _broker_state() -> str:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:
        return "down"
    return "ok"


@never_cache
@require_GET
def healthz(request):
    """For load balancers and orchestrators: 200 when database and broker answer, else 503."""
    state = {"database": _database_state(), "broker": _broker_state()}
    healthy = all(value == "ok" for value in state.values())
    return JsonResponse(
        {"status": "ok" if healthy else "degraded", **state}, status=200 if healthy else 503
    )


def _api_problem(request, status: int, title: str, detail: str):
    """Under /api/ every error is a problem document, even one Django answers itself."""
    import json

    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    return HttpResponse(json.dumps(body), status=status, content_type="application/problem+json")


def not_found(request, exception=None):
    from django.views.defaults import page_not_found

    if request.path.startswith("/api/"):
        return _api_problem(request, 404, "Not found", "There is no such resource.")
    return page_not_found(request, exception)


def server_error(request):
    from django.views.defaults import server_error as page_server_error

    if request.path.startswith("/api/"):
        return _api_problem(
            request, 500, "Server error", "The server failed; the error has been logged."
        )
    return page_server_error(request)
