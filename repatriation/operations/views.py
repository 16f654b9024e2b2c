"""Operation pages. Each view fetches its operation through `operation_get_for_user`; people
shown on a manifest are limited by the policy."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from repatriation import policy
from repatriation.accounts.roles import FieldGroup
from repatriation.medical.selectors import arrival_checklist
from repatriation.policy import Action
from returnees.models import CaseStatus
from returnees.views._common import apply_errors
from returnees.workflow import StaleEdit, TransitionRefused

from . import manifest_import, selectors, services
from .forms import (
    AdmissionForm,
    BoardingForm,
    DepartureForm,
    HandoverForm,
    ImportForm,
    LegForm,
    ManifestAddForm,
    OperationForm,
)
from .models import Boarding, ManifestImport, TransitLeg


def _back(operation, message: str = "", request=None, anchor: str = ""):
    if message and request is not None:
        messages.success(request, message)
    return redirect(f"/operations/{operation.pk}/" + (f"#{anchor}" if anchor else ""))


def _form_page(request, operation, form, title, *, multipart=False):
    return render(
        request,
        "operations/form.html",
        {"operation": operation, "form": form, "title": title, "multipart": multipart},
    )


@login_required
def operation_index(request):
    if not policy.can(request.user, Action.VIEW_OPERATIONS):
        raise Http404
    return render(
        request,
        "operations/list.html",
        {
            "operations": selectors.operation_list(user=request.user),
            "can_manage": policy.can(request.user, Action.MANAGE_OPERATIONS),
        },
    )


@login_required
def operation_create(request):
    if not policy.can(request.user, Action.MANAGE_OPERATIONS):
        raise Http404
    form = OperationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            operation = services.operation_create(
                actor=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return _back(operation, _("Operation created."), request)
    return _form_page(request, None, form, _("Plan an operation"))


@login_required
def operation_page(request, pk):
    operation = selectors.operation_get_for_user(request.user, pk)
    view = selectors.operation_detail(user=request.user, operation=operation)
    return render(
        request,
        "operations/detail.html",
        {
            "view": view,
            "operation": operation,
            "can_manage": policy.can(request.user, Action.MANAGE_OPERATIONS),
            "can_record_medical": policy.can(request.user, Action.RECORD_MEDICAL),
            "can_admit": policy.can(request.user, Action.CHANGE_STATUS),
            "sees_family": FieldGroup.FAMILY in policy.field_groups_for(request.user),
            "arrived_waiting": [
                r.entry.returnee for r in view.rows if r.entry.returnee.status == CaseStatus.ARRIVED
            ],
            "admission_form": AdmissionForm(),
            "checklist": arrival_checklist(operation=operation, user=request.user)
            if any(leg.arrives_home and leg.actual_arrival for leg in view.legs)
            else None,
            "statuses": Boarding.Status.choices,
        },
    )


@login_required
def leg_create(request, pk):
    operation = selectors.operation_get_for_user(request.user, pk, Action.MANAGE_OPERATIONS)
    form = LegForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.leg_add(actor=request.user, operation=operation, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return _back(operation, _("Leg added."), request, "legs")
    return _form_page(request, operation, form, _("Add a transit leg"))


@login_required
def manifest_add_view(request, pk):
    operation = selectors.operation_get_for_user(request.user, pk, Action.MANAGE_OPERATIONS)
    form = ManifestAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        numbers = form.cleaned_data["case_numbers"]
        people = list(policy.returnees_visible_to(request.user).filter(case_number__in=numbers))
        unknown = sorted(set(numbers) - {p.case_number for p in people})
        try:
            if unknown:
                raise ValidationError(
                    {"case_numbers": _("Unknown case numbers: %s") % ", ".join(unknown)}
                )
            services.manifest_add(
                actor=request.user,
                operation=operation,
                returnees=people,
                split_reason=form.cleaned_data["split_reason"],
                request=request,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return _back(
                operation, _("Added %(n)d people.") % {"n": len(people)}, request, "manifest"
            )
    return _form_page(request, operation, form, _("Add people to the manifest"))


@login_required
@require_POST
def boarding_update(request, pk, boarding_pk):
    """One person on one leg; an htmx request gets just the updated cell back."""
    operation = selectors.operation_get_for_user(request.user, pk, Action.MANAGE_OPERATIONS)
    boarding = get_object_or_404(
        Boarding,
        pk=boarding_pk,
        leg__operation=operation,
        entry__returnee__in=policy.returnees_visible_to(request.user),
    )
    form = BoardingForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            boarding = services.boarding_record(
                actor=request.user, boarding_id=boarding.pk, request=request, **form.cleaned_data
            )
        except StaleEdit as stale:
            boarding, error = stale.current, _("Changed by someone else meanwhile; shown as now.")
        except ValidationError as invalid:
            error = " ".join(invalid.messages)
    else:
        error = " ".join(f"{e}" for errors in form.errors.values() for e in errors)
    if request.htmx:
        return render(
            request,
            "operations/_boarding.html",
            {
                "boarding": boarding,
                "operation": operation,
                "error": error,
                "statuses": Boarding.Status.choices,
                "can_manage": True,
            },
        )
    if error:
        messages.error(request, error)
    return _back(operation, "" if error else _("Boarding recorded."), request, "manifest")


def _leg_event(request, pk, leg_pk, record, done_message):
    operation = selectors.operation_get_for_user(request.user, pk, Action.MANAGE_OPERATIONS)
    leg = get_object_or_404(TransitLeg, pk=leg_pk, operation=operation)
    form = DepartureForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the time as date and hour."))
        return _back(operation, anchor="legs")
    try:
        record(actor=request.user, leg_id=leg.pk, at=form.cleaned_data["at"], request=request)
    except (ValidationError, TransitionRefused) as error:
        for message in getattr(error, "messages", None) or error.reasons:
            messages.error(request, message)
        return _back(operation, anchor="legs")
    return _back(operation, done_message, request, "legs")


@login_required
@require_POST
def departure_view(request, pk, leg_pk):
    return _leg_event(
        request,
        pk,
        leg_pk,
        lambda at, **kw: services.departure_record(departed_at=at, **kw),
        _("Departure recorded."),
    )


@login_required
@require_POST
def arrival_view(request, pk, leg_pk):
    return _leg_event(
        request,
        pk,
        leg_pk,
        lambda at, **kw: services.arrival_record(arrived_at=at, **kw),
        _("Arrival recorded."),
    )


@login_required
def handover_create(request, pk, leg_pk):
    operation = selectors.operation_get_for_user(request.user, pk, Action.MANAGE_OPERATIONS)
    leg = get_object_or_404(TransitLeg, pk=leg_pk, operation=operation)
    form = HandoverForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.custody_handover_add(actor=request.user, leg=leg, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return _back(operation, _("Hand-over recorded."), request, "legs")
    return _form_page(request, operation, form, _("Record a custody hand-over"))


@login_required
def import_upload(request, pk):
    operation = selectors.operation_get_for_user(request.user, pk, Action.MANAGE_OPERATIONS)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            record, _result = services.manifest_import_check(
                actor=request.user,
                operation=operation,
                upload=form.cleaned_data["file"],
                request=request,
            )
        except manifest_import.ImportRefused as refused:
            form.add_error("file", str(refused))
        else:
            return redirect("operations:import_review", operation.pk, record.pk)
    return _form_page(request, operation, form, _("Import a manifest"), multipart=True)


@login_required
def import_review(request, pk, import_pk):
    operation = selectors.operation_get_for_user(request.user, pk, Action.MANAGE_OPERATIONS)
    record = get_object_or_404(ManifestImport, pk=import_pk, operation=operation)
    problems = []
    if request.method == "POST":
        choices = {}
        for row in record.rows:
            value = request.POST.get(f"row-{row['row']}", "")
            if value.isascii() and value.isdigit() and len(value) < 19:
                choices[row["row"]] = int(value)
        try:
            entries = services.manifest_import_apply(
                actor=request.user,
                manifest_import_id=record.pk,
                choices=choices,
                split_reason=request.POST.get("split_reason", "")[:2000],
                request=request,
            )
        except ValidationError as error:
            problems = error.messages
        else:
            return _back(
                operation, _("Imported %(n)d people.") % {"n": len(entries)}, request, "manifest"
            )
    return render(
        request,
        "operations/import.html",
        {
            "operation": operation,
            "record": record,
            "problems": problems,
            "matched": sum(1 for r in record.rows if r["returnee_id"]),
            "ambiguous": [r for r in record.rows if not r["returnee_id"] and r["candidates"]],
        },
    )


@login_required
@require_POST
def admission_view(request, pk, returnee_pk):
    operation = selectors.operation_get_for_user(request.user, pk, Action.MANAGE_OPERATIONS)
    returnee = policy.returnee_get_for_user(request.user, returnee_pk, Action.CHANGE_STATUS)
    if not operation.manifest.filter(returnee=returnee).exists():
        raise Http404
    form = AdmissionForm(request.POST)
    if form.is_valid():
        try:
            services.admission_record(
                actor=request.user, returnee=returnee, request=request, **form.cleaned_data
            )
        except (ValidationError, TransitionRefused) as error:
            for message in getattr(error, "messages", None) or error.reasons:
                messages.error(request, message)
        else:
            messages.success(request, _("%(case)s admitted.") % {"case": returnee.case_number})
    else:
        messages.error(request, _("Choose the facility and the date."))
    return _back(operation, anchor="admission")


@login_required
def leg_manifest_pdf(request, pk, leg_pk):
    """The printable manifest of one leg: names in their scripts, families together, boxes
    to tick at boarding, triage level. Each download is audited."""
    from django.http import HttpResponse
    from django.utils import timezone

    from repatriation.audit.models import AuditKind
    from repatriation.audit.services import audit_record
    from repatriation.medical.selectors import triage_of
    from repatriation.pdf import render_pdf

    operation = selectors.operation_get_for_user(request.user, pk)
    leg = get_object_or_404(
        TransitLeg.objects.select_related("origin", "destination", "operation"),
        pk=leg_pk,
        operation=operation,
    )
    boardings = list(selectors.manifest_for_leg(user=request.user, leg=leg))
    triage = triage_of([b.entry.returnee for b in boardings])
    rows = [
        {"person": b.entry.returnee, "boarding": b, "triage": triage.get(b.entry.returnee_id)}
        for b in boardings
    ]
    sees_family = FieldGroup.FAMILY in policy.field_groups_for(request.user)
    pdf = render_pdf(
        "operations/pdf/manifest.html",
        {"leg": leg, "rows": rows, "printed": timezone.now(), "sees_family": sees_family},
    )
    audit_record(
        actor=request.user,
        kind=AuditKind.EXPORT,
        record=leg,
        request=request,
        detail=f"manifest PDF, {len(rows)} people",
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{operation.code}-leg{leg.sequence}-manifest.pdf"'
    )
    response["Cache-Control"] = "private, no-store"
    return response
