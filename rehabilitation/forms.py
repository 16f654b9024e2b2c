from django import forms
from django.utils.translation import gettext_lazy as _

from repatriation.widgets import DateInput

from .models import Centre, Enrolment, Placement, PlanDomain, PlanGoal


class PlacementForm(forms.Form):
    centre = forms.ModelChoiceField(label=_("Centre"), queryset=Centre.objects.all())
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[c for c in Placement.Kind.choices if c[0] != Placement.Kind.ADAPTATION],
    )
    started_on = forms.DateField(label=_("From"), widget=DateInput)
    reason = forms.CharField(label=_("Reason"), max_length=300)
    family = forms.MultipleChoiceField(
        label=_("Move with them"),
        required=False,
        choices=(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_("Mothers and children stay together unless you record why not."),
    )
    family_split_reason = forms.CharField(
        label=_("Reason the family is placed apart"), required=False, max_length=300
    )
    capacity_override_reason = forms.CharField(
        label=_("Reason for placing beyond capacity (programme managers)"),
        required=False,
        max_length=300,
    )

    def __init__(self, *args, family=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["family"].choices = [
            (str(p.pk), f"{p.case_number} {p.primary_name}") for p in family
        ]
        if not self.is_bound:
            self.initial["family"] = [str(p.pk) for p in family]


def _plan_owners():
    from repatriation.accounts.models import User
    from repatriation.accounts.roles import Role

    return (
        User.objects.filter(
            is_active=True, groups__name__in=[Role.CASEWORKER.value, Role.CENTRE_STAFF.value]
        )
        .distinct()
        .order_by("last_name", "username")
    )


class GoalForm(forms.Form):
    domain = forms.ChoiceField(label=_("Domain"), choices=PlanDomain.choices)
    description = forms.CharField(
        label=_("Goal"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner = forms.ModelChoiceField(label=_("Owner"), required=False, queryset=None)
    target_date = forms.DateField(label=_("Target date"), required=False, widget=DateInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _plan_owners()


class GoalUpdateForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    status = forms.ChoiceField(label=_("Status"), choices=PlanGoal.Status.choices)
    target_date = forms.DateField(label=_("Target date"), required=False, widget=DateInput)
    owner = forms.ModelChoiceField(label=_("Owner"), required=False, queryset=None)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _plan_owners()


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=_("What the review found"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class EnrolmentForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"), choices=Enrolment.Level.choices)
    institution = forms.CharField(label=_("School or institution"), max_length=200)
    grade = forms.CharField(label=_("Grade or group"), max_length=30, required=False)
    started_on = forms.DateField(label=_("From"), widget=DateInput)


class ClassMonthForm(forms.Form):
    """Which class and month the attendance sheet is for."""

    klass = forms.ChoiceField(label=_("Class"), choices=())
    month = forms.RegexField(
        label=_("Month"),
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        widget=forms.TextInput(attrs={"type": "month"}),
        error_messages={"invalid": _("Choose a month (YYYY-MM).")},
    )

    def __init__(self, *args, classes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["klass"].choices = classes
