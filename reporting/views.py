from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from repatriation import policy
from repatriation.policy import Action
from returnees.models import CaseStatus

from .selectors import status_counts


@login_required
def dashboard(request):
    """Officials' dashboard: aggregates only, never a name."""
    if not policy.can(request.user, Action.VIEW_AGGREGATES):
        raise Http404
    counts = status_counts()
    rows = [(CaseStatus(value).label, counts[value]) for value in CaseStatus.values]
    return render(
        request, "reporting/dashboard.html", {"rows": rows, "total": sum(counts.values())}
    )
