from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from repatriation import policy
from repatriation.policy import Action
from returnees.views._common import apply_errors, back_to_case

from . import selectors, services
from .forms import AssessmentForm


@login_required
def assessment_create(request, pk):
    returnee = policy.returnee_get_for_user(request.user, pk, Action.RECORD_MEDICAL)
    form = AssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_record(
                actor=request.user, returnee=returnee, values=form.cleaned_data, request=request
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return back_to_case(request, returnee, _("Assessment recorded."), anchor="medical")
    return render(
        request,
        "returnees/small_form.html",
        {
            "person": returnee,
            "form": form,
            "title": _("Record a medical assessment"),
            "anchor": "medical",
        },
    )


@login_required
def assessment_page(request, pk, assessment_pk):
    """The full assessment: medical officers only; the read is audited."""
    returnee = policy.returnee_get_for_user(request.user, pk, Action.VIEW_MEDICAL)
    assessment = selectors.assessment_for_medical_officer(
        user=request.user, returnee=returnee, pk=assessment_pk, request=request
    )
    return render(request, "medical/detail.html", {"person": returnee, "a": assessment})


@login_required
def queue(request):
    if not policy.can(request.user, Action.RECORD_MEDICAL):
        raise Http404
    return render(
        request, "medical/queue.html", {"queue": selectors.medical_queue(user=request.user)}
    )
