"""Legal proceedings: legal officers record them; legal officers and programme managers read
them. Every read is audited."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from repatriation import policy
from repatriation.audit.models import AuditKind
from repatriation.audit.services import audit_record
from repatriation.policy import Action
from returnees.views._common import apply_errors
from returnees.workflow import StaleEdit

from .. import selectors, services
from ..forms import CustodyForm, LegalProceedingForm
from ..models import CustodyPeriod, LegalProceeding
from ..services.legal import PROCEEDING_FIELDS


@login_required
def legal_page(request, pk):
    person = policy.returnee_get_for_user(request.user, pk, Action.VIEW_LEGAL)
    can_record = policy.can(request.user, Action.RECORD_LEGAL, person)
    form = LegalProceedingForm(request.POST or None) if can_record else None
    if request.method == "POST":
        if form is None:
            return redirect("rehabilitation:legal", person.pk)
        if form.is_valid():
            try:
                services.legal_proceeding_add(
                    actor=request.user,
                    returnee=person,
                    values={k: form.cleaned_data[k] for k in PROCEEDING_FIELDS},
                    request=request,
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                return redirect("rehabilitation:legal", person.pk)
    audit_record(
        actor=request.user, kind=AuditKind.READ, record=person, request=request, detail="legal"
    )
    return render(
        request,
        "rehabilitation/legal.html",
        {
            "person": person,
            "proceedings": selectors.legal_of(returnee=person),
            "form": form,
            "custody_form": CustodyForm(prefix="custody") if can_record else None,
            "can_record": can_record,
        },
    )


def _proceeding_for(request, pk, proceeding_pk):
    person = policy.returnee_get_for_user(request.user, pk, Action.RECORD_LEGAL)
    return person, get_object_or_404(LegalProceeding, pk=proceeding_pk, returnee=person)


@login_required
def legal_proceeding_edit(request, pk, proceeding_pk):
    person, proceeding = _proceeding_for(request, pk, proceeding_pk)
    form = LegalProceedingForm(
        request.POST or None, instance=proceeding, initial={"version": proceeding.version}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.legal_proceeding_update(
                actor=request.user,
                proceeding_id=proceeding.pk,
                version=form.cleaned_data["version"] or 0,
                values={k: form.cleaned_data[k] for k in PROCEEDING_FIELDS},
                request=request,
            )
        except StaleEdit:
            form.add_error(
                None,
                _(
                    "Someone else changed this proceeding after you opened it; nothing was "
                    "saved. Reload to see the current version."
                ),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("rehabilitation:legal", person.pk)
    audit_record(
        actor=request.user, kind=AuditKind.READ, record=proceeding, request=request, detail="legal"
    )
    return render(
        request,
        "returnees/small_form.html",
        {
            "person": person,
            "form": form,
            "title": _("Change the legal proceeding"),
            "anchor": "legal",
            "back": "legal",
        },
    )


@login_required
def custody_add(request, pk, proceeding_pk):
    person, proceeding = _proceeding_for(request, pk, proceeding_pk)
    form = CustodyForm(request.POST or None, prefix="custody")
    if request.method == "POST" and form.is_valid():
        try:
            services.custody_period_add(
                actor=request.user, proceeding=proceeding, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("rehabilitation:legal", person.pk)
    return render(
        request,
        "returnees/small_form.html",
        {"person": person, "form": form, "title": _("Record custody"), "anchor": "legal"},
    )


@login_required
def custody_end(request, pk, proceeding_pk, period_pk):
    person, proceeding = _proceeding_for(request, pk, proceeding_pk)
    period = get_object_or_404(CustodyPeriod, pk=period_pk, proceeding=proceeding)
    form = CustodyForm(
        request.POST or None,
        prefix="custody",
        initial={"kind": period.kind, "started_on": period.started_on},
    )
    form.fields["ended_on"].required = True
    for name in ("kind", "started_on"):
        form.fields[name].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.custody_period_end(
                actor=request.user,
                period_id=period.pk,
                ended_on=form.cleaned_data["ended_on"],
                request=request,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("rehabilitation:legal", person.pk)
    return render(
        request,
        "returnees/small_form.html",
        {"person": person, "form": form, "title": _("End custody"), "anchor": "legal"},
    )


__all__ = ["custody_add", "custody_end", "legal_page", "legal_proceeding_edit"]
