from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext as _

from repatriation import policy
from repatriation.policy import Action
from returnees.views._common import apply_errors, back_to_case
from returnees.workflow import TransitionRefused

from . import selectors, services
from .forms import PlacementForm


def _family_with_placements(user, returnee):
    """Mothers and children of the person who have a placement, as far as the user may see."""
    ids = services.mothers_and_children([returnee])
    return list(
        policy.returnees_visible_to(user)
        .filter(pk__in=ids, placements__ended_on__isnull=True)
        .distinct()
        .order_by("date_of_birth")
    )


@login_required
def placement_change(request, pk):
    """Place a person leaving adaptation, or transfer them, with their family as a rule."""
    returnee = policy.returnee_get_for_user(request.user, pk, Action.CHANGE_STATUS)
    family = _family_with_placements(request.user, returnee)
    form = PlacementForm(request.POST or None, family=family)
    people = [returnee, *family]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = [returnee, *[p for p in family if str(p.pk) in data["family"]]]
        try:
            services.placement_transfer(
                actor=request.user,
                people=chosen,
                centre=data["centre"],
                kind=data["kind"],
                started_on=data["started_on"],
                reason=data["reason"],
                capacity_override_reason=data["capacity_override_reason"],
                family_split_reason=data["family_split_reason"],
                request=request,
            )
        except ValidationError as error:
            apply_errors(form, error)
        except TransitionRefused as refused:
            for reason in refused.reasons:
                form.add_error(None, reason)
        else:
            return back_to_case(request, returnee, _("Placement recorded."), anchor="identity")
    return render(
        request,
        "rehabilitation/placement.html",
        {
            "person": returnee,
            "form": form,
            "suggestions": selectors.placement_suggestions(people=people),
        },
    )
