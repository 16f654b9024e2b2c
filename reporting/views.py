from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from repatriation import policy
from repatriation.policy import Action

from . import selectors, services
from .forms import DashboardMonthForm, ReportRequestForm
from .models import ReportRun
from .presentation import report_sections
from .services import dashboard_figures


@login_required
def dashboard(request):
    """Officials' dashboard: the monthly report's figures for this month so far (or a past
    month, `?month=YYYY-MM`), from the same selectors and printed the same way; aggregates
    only, never a name."""
    if not policy.can(request.user, Action.VIEW_AGGREGATES):
        raise Http404
    form = DashboardMonthForm(request.GET or None)
    month = form.cleaned_data["month"] if form.is_valid() else timezone.localdate().replace(day=1)
    figures = dashboard_figures(month)
    return render(
        request,
        "reporting/dashboard.html",
        {
            "form": form,
            "month": selectors.Month(month),
            "figures": figures,
            "sections": report_sections(figures),
            "status_total": sum(figures["statuses"].values()),
        },
    )


def _run_for(user, pk) -> ReportRun:
    """A run the user may see; any other answers 404 (the policy decides)."""
    return get_object_or_404(policy.report_runs_visible_to(user), pk=pk)


@login_required
def report_list(request):
    """Monthly reports: ask for one, watch it being made, download it when published.
    Partners and centre staff find their own reports here (made on the first of the month,
    or asked for through the API); the ministry's officials ask for the ministry's."""
    if not policy.may_see_reports(request.user):
        raise Http404
    may_ask = policy.may_request_report(request.user, ReportRun.Audience.MINISTRY)
    form = ReportRequestForm(
        request.POST if request.method == "POST" else None,
        initial={"language": get_language() or "en"},
    )
    if request.method == "POST" and not may_ask:
        raise Http404
    if request.method == "POST" and form.is_valid():
        try:
            _run, new = services.report_request(
                actor=request.user,
                kind=ReportRun.Kind.MONTHLY_PROGRESS,
                period=form.cleaned_data["month"],
                audience=ReportRun.Audience.MINISTRY,
                language=form.cleaned_data["language"],
                request=request,
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("The report is being made.") if new else _("This report was asked for already."),
            )
            return redirect("reporting:reports")
    runs = policy.report_runs_visible_to(request.user).select_related(
        "signed_off_by", "centre", "agreement__organisation"
    )[:60]
    return render(
        request,
        "reporting/reports.html",
        {
            "form": form if may_ask else None,
            "runs": runs,
            "may_sign_off": policy.can(request.user, Action.SIGN_OFF_REPORT),
        },
    )


@login_required
def report_row(request, pk):
    """One run's row, polled by htmx while the report is being made."""
    return render(
        request,
        "reporting/_report_row.html",
        {
            "run": _run_for(request.user, pk),
            "may_sign_off": policy.can(request.user, Action.SIGN_OFF_REPORT),
        },
    )


@login_required
def report_pdf(request, pk):
    run = _run_for(request.user, pk)
    if run.status != ReportRun.Status.DONE or not run.pdf:
        raise Http404
    return pdf_response(request, run)


def pdf_response(request, run: ReportRun) -> FileResponse:
    """A published report's PDF as a download, audited: the page's and the API's."""
    services.report_downloaded(actor=request.user, run=run, request=request)
    response = FileResponse(
        run.pdf.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"{run.kind}-{run.period:%Y-%m}-{run.audience}-{run.language}.pdf",
    )
    response["Cache-Control"] = "private, no-store"
    response["ETag"] = f'"{run.sha256}"'
    return response


@login_required
@require_POST
def report_sign_off(request, pk):
    run = _run_for(request.user, pk)
    if not policy.can(request.user, Action.SIGN_OFF_REPORT):
        raise Http404
    try:
        services.report_sign_off(actor=request.user, run=run, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Signed off."))
    return redirect("reporting:reports")


@login_required
def report_table(request, pk, form):
    """The report's tables as CSV or XLSX, exactly as printed in its PDF."""
    run = _run_for(request.user, pk)
    if run.status != ReportRun.Status.DONE or not run.tables:
        raise Http404
    content, content_type, name = services.report_table_file(run, form)
    services.report_downloaded(actor=request.user, run=run, request=request, form=form)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response
