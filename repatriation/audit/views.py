from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import render

from repatriation import policy
from repatriation.policy import Action

from . import exports
from .forms import AuditFilterForm
from .models import AuditKind
from .selectors import AuditFilters, audit_event_page, audit_event_rows
from .services import audit_record


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


@login_required
def event_export(request, form_kind: str):
    """The filtered events, every one of them, as CSV or XLSX; the export is itself audited
    with its filters. Streamed: memory stays flat however many events match."""
    if not policy.can(request.user, Action.VIEW_AUDIT):
        raise Http404
    form = AuditFilterForm(request.GET)
    if not form.is_valid():
        return render(request, "audit/event_list.html", {"form": form, "page": None}, status=400)
    data = {k: v for k, v in form.cleaned_data.items() if k != "before" and v}
    audit_record(
        actor=request.user,
        kind=AuditKind.EXPORT,
        record_type="audit.auditevent",
        detail=f"{form_kind}: " + request.GET.urlencode()[:400],
        request=request,
    )
    rows = audit_event_rows(user=request.user, filters=AuditFilters(**data))
    if form_kind == "csv":
        response = StreamingHttpResponse(
            exports.csv_chunks(rows), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
        return response
    return FileResponse(
        exports.xlsx_file(rows),
        as_attachment=True,
        filename="audit-log.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
