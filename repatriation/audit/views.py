from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from repatriation import policy
from repatriation.policy import Action

from .forms import AuditFilterForm
from .selectors import AuditFilters, audit_event_page


@login_required
def event_list(request):
    """The auditor's page: filter by user, record, kind and date; keyset pages of 50."""
    if not policy.can(request.user, Action.VIEW_AUDIT):
        raise Http404
    form = AuditFilterForm(request.GET or None)
    page = None
    if not request.GET or form.is_valid():
        data = form.cleaned_data if request.GET else {}
        filters = AuditFilters(**{k: v for k, v in data.items() if k != "before" and v})
        page = audit_event_page(
            user=request.user,
            filters=filters,
            before=data.get("before"),
            size=settings.AUDIT_PAGE_SIZE,
        )
    query = request.GET.copy()
    query.pop("before", None)
    return render(
        request, "audit/event_list.html", {"form": form, "page": page, "query": query.urlencode()}
    )
