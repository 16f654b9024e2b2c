"""Reintegration: the plan, follow-up visits, and opening a sealed record."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from repatriation import policy
from repatriation.policy import Action
from returnees.views._common import apply_errors, back_to_case
from returnees.workflow import StaleEdit

from .. import services
from ..forms import FollowUpVisitForm, ReintegrationPlanForm, SealedOpenForm
from ..models import ReintegrationPlan
from ..services.reintegration import PLAN_FIELDS


@login_required
def reintegration_page(request, pk):
    """The reintegration plan (destination, housing, livelihood, documents restored, school)
    and the follow-up visits with findings and risk."""
    person = policy.returnee_get_for_user(request.user, pk, Action.VIEW_REINTEGRATION)
    can_edit = policy.can(request.user, Action.EDIT_REINTEGRATION, person)
    plan = ReintegrationPlan.objects.filter(returnee=person).first()
    plan_form = visit_form = None
    if can_edit:
        plan_form = ReintegrationPlanForm(
            request.POST if request.POST.get("action") == "plan" else None,
            instance=plan,
            initial={"version": plan.version if plan else None},
            prefix="plan",
        )
        visit_form = FollowUpVisitForm(
            request.POST if request.POST.get("action") == "visit" else None, prefix="visit"
        )
    if request.method == "POST":
        if not can_edit:
            raise Http404
        done = _reintegration_post(request, person, plan_form, visit_form)
        if done:
            return redirect("rehabilitation:reintegration", person.pk)
    return render(
        request,
        "rehabilitation/reintegration.html",
        {
            "person": person,
            "plan": plan,
            "plan_form": plan_form,
            "visit_form": visit_form,
            "visits": list(person.follow_up_visits.select_related("visitor")),
            "can_edit": can_edit,
        },
    )


def _reintegration_post(request, person, plan_form, visit_form) -> bool:
    action = request.POST.get("action")
    if action == "plan" and plan_form.is_valid():
        data = plan_form.cleaned_data
        try:
            services.reintegration_plan_save(
                actor=request.user,
                returnee=person,
                version=data["version"],
                values={k: data[k] for k in PLAN_FIELDS},
                request=request,
            )
        except StaleEdit:
            plan_form.add_error(
                None,
                _(
                    "Someone else changed this plan after you opened it; nothing was saved. "
                    "Reload to see the current version."
                ),
            )
        except ValidationError as error:
            apply_errors(plan_form, error)
        else:
            messages.success(request, _("Reintegration plan saved."))
            return True
    elif action == "visit" and visit_form.is_valid():
        try:
            services.follow_up_visit_add(
                actor=request.user, returnee=person, request=request, **visit_form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(visit_form, error)
        else:
            messages.success(request, _("Follow-up visit recorded."))
            return True
    elif action not in ("plan", "visit"):
        messages.error(request, _("The request was incomplete."))
    return False


@login_required
def sealed_open(request):
    """Break the glass: open a sealed record for a while, with a justification on record."""
    if not policy.can(request.user, Action.OPEN_SEALED):
        raise Http404
    form = SealedOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.sealed_record_open(
                actor=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if person is None:
                form.add_error(
                    "case_number",
                    _("No sealed record with this case number is within your access."),
                )
            else:
                return back_to_case(
                    request, person, _("The sealed record is open to you for a while.")
                )
    return render(request, "rehabilitation/sealed_open.html", {"form": form})


__all__ = ["reintegration_page", "sealed_open"]
