from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
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
