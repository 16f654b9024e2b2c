from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from repatriation import policy
from repatriation.accounts.roles import FieldGroup
from repatriation.audit.models import AuditKind
from repatriation.audit.services import audit_record
from repatriation.policy import Action

from .forms import ReturneeFilterForm
from .selectors import ReturneeFilters, returnee_detail, returnee_list


@login_required
def returnee_index(request):
    if not policy.can(request.user, Action.VIEW):
        raise Http404
    form = ReturneeFilterForm(request.GET or None)
    page = None
    if not request.GET or form.is_valid():
        data = form.cleaned_data if request.GET else {}
        filters = ReturneeFilters(status=data.get("status", ""), query=data.get("q", ""))
        page = returnee_list(user=request.user, filters=filters, before=data.get("before"))
    query = request.GET.copy()
    query.pop("before", None)
    return render(
        request, "returnees/list.html", {"form": form, "page": page, "query": query.urlencode()}
    )


@login_required
def returnee_page(request, pk):
    returnee = returnee_detail(returnee=policy.returnee_get_for_user(request.user, pk))
    audit_record(actor=request.user, kind=AuditKind.READ, record=returnee, request=request)
    groups = policy.field_groups_for(request.user)
    return render(
        request,
        "returnees/detail.html",
        {
            "person": returnee,
            "sees": {group.value: group in groups for group in FieldGroup},
        },
    )
