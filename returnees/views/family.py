from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from repatriation import policy
from repatriation.policy import Action

from .. import services
from ..forms import GuardianshipForm, NameForm, RelationshipForm, RelativeForm, VisitForm
from ..models import Guardianship
from ._common import apply_errors, back_to_case


def _small_form(request, pk, form_class, save, template_title, anchor, form_kwargs):
    """The shared shape of the case page's small forms: check, save through a service, return."""
    returnee = policy.returnee_get_for_user(request.user, pk, Action.EDIT)
    form = form_class(request.POST or None, **form_kwargs(returnee))
    warnings = []
    if request.method == "POST" and form.is_valid():
        try:
            warnings = save(returnee, form.cleaned_data) or []
        except ValidationError as error:
            apply_errors(form, error)
        else:
            message = " ".join([_("Saved."), *warnings])
            return back_to_case(request, returnee, message, anchor=anchor)
    return render(
        request,
        "returnees/small_form.html",
        {"person": returnee, "form": form, "title": template_title, "anchor": anchor},
    )


def _no_kwargs(returnee):
    return {}


@login_required
def name_create(request, pk):
    def save(returnee, data):
        services.name_add(
            actor=request.user,
            returnee=returnee,
            full_name=data["full_name"],
            kind=data["kind"],
            primary=data["primary"],
        )

    return _small_form(
        request, pk, NameForm, save, _("Add a name or alias"), "identity", _no_kwargs
    )


@login_required
def relationship_create(request, pk):
    def save(returnee, data):
        relative = (
            policy.returnees_visible_to(request.user)
            .filter(case_number=data["relative_case_number"].upper())
            .first()
        )
        if relative is None:
            raise ValidationError({"relative_case_number": _("No person with that case number.")})
        return services.relationship_add(
            actor=request.user, person=returnee, relative=relative, kind=data["kind"]
        )

    return _small_form(
        request, pk, RelationshipForm, save, _("Add a relationship"), "family", _no_kwargs
    )


@login_required
def relative_create(request, pk):
    def save(returnee, data):
        services.relative_add(actor=request.user, returnee=returnee, **data)

    return _small_form(
        request, pk, RelativeForm, save, _("Add a relative at home"), "family", _no_kwargs
    )


@login_required
def guardianship_create(request, pk):
    def save(returnee, data):
        guardian = None
        if data["guardian_case_number"]:
            guardian = (
                policy.returnees_visible_to(request.user)
                .filter(case_number=data["guardian_case_number"].upper())
                .first()
            )
            if guardian is None:
                raise ValidationError(
                    {"guardian_case_number": _("No person with that case number.")}
                )
        services.guardianship_add(
            actor=request.user,
            child=returnee,
            guardian_kind=data["guardian_kind"],
            legal_basis=data["legal_basis"],
            started_on=data["started_on"],
            guardian_relative=data["guardian_relative"],
            guardian_returnee=guardian,
            state_body=data["state_body"],
        )

    return _small_form(
        request,
        pk,
        GuardianshipForm,
        save,
        _("Record a guardian"),
        "family",
        lambda returnee: {"child": returnee},
    )


@login_required
def guardianship_visit_create(request, pk, guardianship_pk):
    def current(returnee):
        """The child's current guardianship with this id, or 404, before any form is shown."""
        return get_object_or_404(
            Guardianship, pk=guardianship_pk, child=returnee, ended_on__isnull=True
        )

    def save(returnee, data):
        services.guardianship_visit_add(actor=request.user, guardianship=current(returnee), **data)

    return _small_form(
        request,
        pk,
        VisitForm,
        save,
        _("Record a monitoring visit"),
        "family",
        lambda returnee: current(returnee) and {},
    )
