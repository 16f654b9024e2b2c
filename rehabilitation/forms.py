import re
from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from repatriation.widgets import DateInput

from .models import (
    Activity,
    Centre,
    CustodyPeriod,
    DisengagementStage,
    Enrolment,
    FollowUpVisit,
    LegalProceeding,
    Placement,
    PlanDomain,
    PlanGoal,
    ReintegrationPlan,
    Session,
)
from .services.legal import PROCEEDING_FIELDS
from .services.reintegration import PLAN_FIELDS


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
        if not family:  # nobody to keep together: no empty "move with them"
            del self.fields["family"]
            del self.fields["family_split_reason"]
            return
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


MONTH_PATTERN = r"^(19|20)\d{2}-(0[1-9]|1[0-2])$"


def month_of(value: str) -> date | None:
    """The first day of a `YYYY-MM` month, or None when the value is not one."""
    if not re.fullmatch(MONTH_PATTERN, value or ""):
        return None
    year, number = (int(x) for x in value.split("-"))
    return date(year, number, 1)


class ClassMonthForm(forms.Form):
    """Which class and month the attendance sheet is for."""

    klass = forms.ChoiceField(label=_("Class"), choices=())
    month = forms.RegexField(
        label=_("Month"),
        regex=MONTH_PATTERN,
        widget=forms.TextInput(attrs={"type": "month"}),
        error_messages={"invalid": _("Choose a month (YYYY-MM).")},
    )

    def __init__(self, *args, classes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["klass"].choices = classes


class ActivityForm(forms.Form):
    centre = forms.ModelChoiceField(label=_("Centre"), queryset=Centre.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=Activity.Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=120)
    started_on = forms.DateField(label=_("From"), widget=DateInput)

    def __init__(self, *args, centres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = centres


class ParticipationForm(forms.Form):
    """One resident's figure for one month, sent alone by htmx or with the whole sheet."""

    times = forms.IntegerField(
        label=_("Times taken part"),
        min_value=0,
        max_value=62,
        error_messages={"invalid": _("Enter a whole number of times.")},
    )


class SessionForm(forms.Form):
    centre = forms.ModelChoiceField(label=_("Centre"), queryset=Centre.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=Session.Kind.choices)
    format = forms.ChoiceField(
        label=_("Format"),
        choices=Session.Format.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[c for c in Session.Status.choices if c[0] != Session.Status.CANCELLED],
    )
    starts_at = forms.DateTimeField(
        label=_("Starts at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration in minutes"), min_value=5, max_value=480, initial=60
    )
    participants = forms.MultipleChoiceField(
        label=_("Participants"),
        choices=(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    topic = forms.CharField(
        label=_("Topic"),
        max_length=200,
        required=False,
        help_text=_("Seen by everyone who sees the session: keep details for the notes."),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, centres, residents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = centres
        self.fields["participants"].choices = [
            (str(p.pk), f"{p.case_number} {p.primary_name}") for p in residents
        ]


class SessionUpdateForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    status = forms.ChoiceField(label=_("Status"), choices=Session.Status.choices)
    duration_minutes = forms.IntegerField(
        label=_("Duration in minutes"), min_value=5, max_value=480
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 6})
    )


class RatingForm(forms.Form):
    """One rater's scores: a field per domain of the instrument, and the stage."""

    assessed_on = forms.DateField(label=_("Assessed on"), widget=DateInput)
    disengagement = forms.ChoiceField(
        label=_("Stage of disengagement from radical ideology"),
        choices=DisengagementStage.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, instrument, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        choices = [("", "—")] + [
            (str(n), str(n)) for n in range(instrument.score_min, instrument.score_max + 1)
        ]
        for domain in instrument.domains:
            self.fields[f"score_{domain['code']}"] = forms.TypedChoiceField(
                label=_(domain["label"]), choices=choices, coerce=int
            )
        # Domains first, then the stage and the comment.
        order = [f"score_{d['code']}" for d in instrument.domains]
        self.order_fields(["assessed_on", *order, "disengagement", "comment"])

    def scores(self) -> dict[str, int]:
        return {
            name[6:]: value
            for name, value in self.cleaned_data.items()
            if name.startswith("score_")
        }


class LegalProceedingForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = LegalProceeding
        fields = list(PROCEEDING_FIELDS)
        widgets = {
            "opened_on": DateInput,
            "next_hearing_on": DateInput,
            "closed_on": DateInput,
            "charges": forms.Textarea(attrs={"rows": 3}),
        }

    def _post_clean(self):
        """Rules live in the service; the form only parses."""


class CustodyForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CustodyPeriod.Kind.choices)
    started_on = forms.DateField(label=_("From"), widget=DateInput)
    ended_on = forms.DateField(label=_("Until"), required=False, widget=DateInput)


class ReintegrationPlanForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ReintegrationPlan
        fields = list(PLAN_FIELDS)
        widgets = {"livelihood": forms.Textarea(attrs={"rows": 2})}

    def _post_clean(self):
        """Rules live in the service; the form only parses."""


class FollowUpVisitForm(forms.ModelForm):
    class Meta:
        model = FollowUpVisit
        fields = ["visited_on", "findings", "risk_level", "next_visit_on"]
        widgets = {
            "visited_on": DateInput,
            "next_visit_on": DateInput,
            "findings": forms.Textarea(attrs={"rows": 4}),
        }

    def _post_clean(self):
        """Rules live in the service; the form only parses."""


class SealedOpenForm(forms.Form):
    case_number = forms.CharField(label=_("Case number"), max_length=20)
    justification = forms.CharField(
        label=_("Why must this sealed record be opened?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Your justification is kept in the audit trail with your name."),
    )


class EnrolmentUpdateForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    grade = forms.CharField(label=_("Grade or group"), max_length=30, required=False)
    ended_on = forms.DateField(label=_("Until"), required=False, widget=DateInput)
    teacher_notes = forms.CharField(
        label=_("Teacher's notes"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
