from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from repatriation import policy
from repatriation.policy import Action

from .. import selectors, services
from ..forms import IntakeForm, RegistrationForm, child_formset
from ..models import ReturneeName
from ._common import apply_errors, back_to_case


def _person_input(data, *, flags=None, caseworker=None) -> services.PersonInput:
    aliases = (
        [(data["alias"], data["alias_kind"] or ReturneeName.Kind.OTHER_ALIAS)]
        if data.get("alias")
        else []
    )
    return services.PersonInput(
        full_name=data["full_name"],
        sex=data["sex"],
        date_of_birth=data["date_of_birth"],
        date_of_birth_estimated=data.get("date_of_birth_estimated", False),
        place_of_birth=data.get("place_of_birth", ""),
        claimed_nationality=data.get("claimed_nationality", "KZ"),
        name_latin=data.get("name_latin", ""),
        aliases=aliases,
        flags=dict.fromkeys(flags or (), True),
        phone=data.get("phone", ""),
        assigned_caseworker=caseworker,
    )


def _candidates(request, people: list[services.PersonInput]):
    """Possible duplicates for everyone being registered, keyed by their position.

    The first person is the mother of the others, whose candidates are weighed by her name.
    """
    found = {}
    for index, person in enumerate(people):
        matches = selectors.duplicate_candidates(
            user=request.user,
            full_name=person.full_name,
            date_of_birth=person.date_of_birth,
            sex=person.sex,
            estimated=person.date_of_birth_estimated,
            mother_name=people[0].full_name if index else "",
        )
        if matches:
            found[index] = matches
    return found


def _findings(request, candidates):
    """Read the caseworker's decision on each candidate.

    Returns (findings by person position, errors, the registered person found to be the
    same as each position).
    """
    findings: dict[int, list[services.DuplicateFinding]] = {}
    errors, same = [], {}
    for index, matches in candidates.items():
        for match in matches:
            pk = match.returnee.pk
            verdict = request.POST.get(f"verdict-{pk}", "")
            reason = request.POST.get(f"reason-{pk}", "").strip()[:2000]
            if verdict == "same":
                if index in same:
                    errors.append(
                        _("Only one registered person can be the same as %(name)s.")
                        % {"name": match.matched_name}
                    )
                same[index] = pk
            elif verdict == "different" and reason:
                findings.setdefault(index, []).append(
                    services.DuplicateFinding(pk, match.score, False, reason)
                )
            else:
                errors.append(
                    _("For %(case)s, say whether it is the same person and why.")
                    % {"case": match.returnee.case_number}
                )
    return findings, errors, same


@login_required
def returnee_register_view(request):
    """Register a person, or a mother with her children, after a check for duplicates.

    When someone similar is already registered, the candidates are shown with their scores;
    the caseworker opens the existing record (the new spelling is kept as an alias) or says,
    with a reason, that each is a different person. Only then is anything saved.
    """
    if not policy.can(request.user, Action.REGISTER):
        raise Http404
    form = RegistrationForm(request.POST or None, prefix="mother")
    extra = request.GET.get("children", "0")
    formset = child_formset(
        int(extra) if extra.isascii() and extra.isdigit() and len(extra) < 3 else 0
    )
    children = formset(request.POST or None, prefix="child")
    context = {"form": form, "children": children, "candidates": {}, "duplicate_errors": []}
    if request.method != "POST" or not (form.is_valid() and children.is_valid()):
        return render(request, "returnees/register.html", context)
    data = form.cleaned_data
    mother = _person_input(data, flags=data["flags"], caseworker=data["assigned_caseworker"])
    # A child's claim follows the mother's (children born abroad derive it from a parent).
    kids = [
        _person_input(
            {**child, "claimed_nationality": mother.claimed_nationality},
            caseworker=data["assigned_caseworker"],
        )
        for child in children.cleaned_data
        if child
    ]
    candidates = _candidates(request, [mother, *kids])
    findings, same = {}, {}
    if candidates:
        context["candidates"] = candidates
        if not data["duplicates_reviewed"]:
            form.data = form.data.copy()
            form.data["mother-duplicates_reviewed"] = "on"
            return render(request, "returnees/register.html", context)
        findings, errors, same = _findings(request, candidates)
        if errors:
            context["duplicate_errors"] = errors
            return render(request, "returnees/register.html", context)
    existing = {
        index: policy.returnee_get_for_user(request.user, pk, Action.EDIT)
        for index, pk in same.items()
    }
    try:
        registered = services.family_register(
            actor=request.user,
            mother=mother,
            children=kids,
            findings=findings,
            existing=existing,
            request=request,
        )
    except ValidationError as error:
        apply_errors(form, error)
        return render(request, "returnees/register.html", context)
    messages.success(
        request, _("Registered %(n)d people.") % {"n": len(registered) - len(existing)}
    )
    if existing:
        messages.info(
            request,
            _(
                "%(n)d already registered: not registered again; the spellings "
                "were added to their records as aliases."
            )
            % {"n": len(existing)},
        )
    return redirect("returnees:detail", registered[0].pk)


@login_required
def intake_create(request, pk):
    returnee = policy.returnee_get_for_user(request.user, pk, Action.EDIT)
    form = IntakeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.intake_record(
                actor=request.user, returnee=returnee, values=form.cleaned_data, request=request
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return back_to_case(
                request, returnee, _("Intake recorded; plan goals drafted."), anchor="plan"
            )
    return render(request, "returnees/intake.html", {"person": returnee, "form": form})
