from datetime import date

from django import forms
from django.core.validators import MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from repatriation.accounts.models import User
from repatriation.accounts.roles import Role
from repatriation.widgets import DateInput

from .models import (
    CaseStatus,
    ClosureReason,
    EvidenceItem,
    Guardianship,
    IntakeAssessment,
    Relationship,
    ReturneeName,
    Sex,
    VerificationDecision,
)
from .selectors import AGE_GROUPS, FLAGS, SORTS

FLAG_LABELS = {
    "is_unaccompanied": _("Unaccompanied"),
    "is_separated": _("Separated"),
    "is_orphan": _("Orphan"),
    "is_pregnant": _("Pregnant"),
    "is_injured": _("Injured"),
    "has_disability": _("Disability"),
}
AGE_LABELS = {
    "under5": _("Under 5"),
    "5to11": _("5–11"),
    "12to17": _("12–17"),
    "adult": _("Adults"),
}
SORT_LABELS = {
    "newest": _("Newest first"),
    "case_number": _("Case number"),
    "name": _("Name"),
    "date_of_birth": _("Date of birth"),
    "updated": _("Recently changed"),
    "status": _("Status"),
}


def _past_date_field(label, required=True):
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput,
        validators=[MinValueValidator(date(1900, 1, 1))],
    )


def _not_future(value):
    if value and value > timezone.localdate():
        raise forms.ValidationError(_("The date is in the future."))
    return value


def _flags_field():
    return forms.MultipleChoiceField(
        label=_("Vulnerability"),
        required=False,
        choices=[(f, FLAG_LABELS[f]) for f in FLAGS],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )


def _caseworkers():
    return User.objects.filter(groups__name=Role.CASEWORKER.value, is_active=True).order_by(
        "last_name", "username"
    )


class ReturneeFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_(
            "Case number, any name or alias in any script, or a date of birth (YYYY-MM-DD)."
        ),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any")), *CaseStatus.choices]
    )
    sex = forms.ChoiceField(label=_("Sex"), required=False, choices=[("", _("Any")), *Sex.choices])
    age_group = forms.ChoiceField(
        label=_("Age group"),
        required=False,
        choices=[("", _("Any"))] + [(k, AGE_LABELS[k]) for k in AGE_GROUPS],
    )
    flags = _flags_field()
    caseworker = forms.ModelChoiceField(
        label=_("Caseworker"), required=False, queryset=User.objects.none()
    )
    verification = forms.ChoiceField(
        label=_("Nationality decision"),
        required=False,
        choices=[("", _("Any")), *VerificationDecision.choices],
    )
    sort = forms.ChoiceField(
        label=_("Order"), required=False, choices=[(k, SORT_LABELS[k]) for k in SORTS]
    )
    cursor = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)

    def __init__(self, *args, sees_verification: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["caseworker"].queryset = _caseworkers()
        if not sees_verification:
            del self.fields["verification"]


class PersonForm(forms.Form):
    """One person at registration."""

    full_name = forms.CharField(
        label=_("Name as recorded"),
        max_length=200,
        help_text=_("In its original script: Cyrillic, Latin or Arabic."),
    )
    name_latin = forms.CharField(
        label=_("Name in Latin script"),
        max_length=200,
        required=False,
        help_text=_("Left empty, it is transliterated."),
    )
    alias = forms.CharField(
        label=_("Alias"),
        max_length=200,
        required=False,
        help_text=_("A kunya such as Umm Yusuf, a maiden name, a camp-list spelling."),
    )
    alias_kind = forms.ChoiceField(
        label=_("Kind of alias"),
        required=False,
        choices=[("", "—"), *[c for c in ReturneeName.Kind.choices if c[0] != "name"]],
    )
    sex = forms.ChoiceField(
        label=_("Sex"),
        choices=Sex.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    date_of_birth = _past_date_field(_("Date of birth"))
    date_of_birth_estimated = forms.BooleanField(label=_("Date of birth estimated"), required=False)
    place_of_birth = forms.CharField(label=_("Place of birth"), max_length=200, required=False)
    claimed_nationality = forms.RegexField(
        label=_("Claimed nationality"),
        regex=r"^[A-Za-z]{2}$",
        initial="KZ",
        max_length=2,
        error_messages={"invalid": _("Two letters, e.g. KZ.")},
    )
    flags = _flags_field()
    phone = forms.RegexField(
        label=_("Phone"),
        regex=r"^[+0-9 ()-]{5,40}$",
        required=False,
        error_messages={"invalid": _("Digits, spaces, + ( ) - only.")},
    )

    def clean_date_of_birth(self):
        return _not_future(self.cleaned_data["date_of_birth"])

    def clean_claimed_nationality(self):
        return self.cleaned_data["claimed_nationality"].upper()


class ChildForm(forms.Form):
    full_name = forms.CharField(label=_("Child's name as recorded"), max_length=200)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    date_of_birth = _past_date_field(_("Date of birth"))
    date_of_birth_estimated = forms.BooleanField(label=_("Estimated"), required=False)
    place_of_birth = forms.CharField(label=_("Place of birth"), max_length=200, required=False)

    def clean_date_of_birth(self):
        return _not_future(self.cleaned_data["date_of_birth"])


def child_formset(extra: int = 0):
    """Up to 12 children at once; `extra` blank forms for browsers without JavaScript."""
    return forms.formset_factory(
        ChildForm, extra=min(extra, 12), max_num=12, validate_max=True, absolute_max=12
    )


class RegistrationForm(PersonForm):
    assigned_caseworker = forms.ModelChoiceField(
        label=_("Assigned caseworker"), required=False, queryset=User.objects.none()
    )
    # Set when the caseworker has seen the possible duplicates and decided.
    duplicates_reviewed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_caseworker"].queryset = _caseworkers()


class ReturneeEditForm(forms.Form):
    """Identity fields; each carries its loaded value so a stale edit can show what changed."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    date_of_birth = _past_date_field(_("Date of birth"))
    date_of_birth_estimated = forms.BooleanField(label=_("Date of birth estimated"), required=False)
    place_of_birth = forms.CharField(label=_("Place of birth"), max_length=200, required=False)
    claimed_nationality = forms.RegexField(
        label=_("Claimed nationality"),
        regex=r"^[A-Za-z]{2}$",
        max_length=2,
        error_messages={"invalid": _("Two letters, e.g. KZ.")},
    )
    is_unaccompanied = forms.BooleanField(label=FLAG_LABELS["is_unaccompanied"], required=False)
    is_separated = forms.BooleanField(label=FLAG_LABELS["is_separated"], required=False)
    is_orphan = forms.BooleanField(label=FLAG_LABELS["is_orphan"], required=False)
    is_pregnant = forms.BooleanField(label=FLAG_LABELS["is_pregnant"], required=False)
    is_injured = forms.BooleanField(label=FLAG_LABELS["is_injured"], required=False)
    has_disability = forms.BooleanField(label=FLAG_LABELS["has_disability"], required=False)
    phone = forms.RegexField(
        label=_("Phone"),
        regex=r"^[+0-9 ()-]{5,40}$",
        required=False,
        error_messages={"invalid": _("Digits, spaces, + ( ) - only.")},
    )
    assigned_caseworker = forms.ModelChoiceField(
        label=_("Assigned caseworker"), required=False, queryset=User.objects.none()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_caseworker"].queryset = _caseworkers()
        for name, field in self.fields.items():
            if name != "version":
                field.show_hidden_initial = True

    def clean_date_of_birth(self):
        return _not_future(self.cleaned_data["date_of_birth"])

    def clean_claimed_nationality(self):
        return self.cleaned_data["claimed_nationality"].upper()


class TransitionForm(forms.Form):
    transition = forms.CharField(max_length=40, widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    closure_reason = forms.ChoiceField(
        label=_("Why is the case closed?"),
        required=False,
        choices=[("", "—"), *ClosureReason.choices],
    )


class NameForm(forms.Form):
    full_name = forms.CharField(label=_("Name or alias"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=ReturneeName.Kind.choices)
    primary = forms.BooleanField(label=_("Make this the primary name"), required=False)


class RelationshipForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("The other person is this person's"), choices=Relationship.Kind.choices
    )
    relative_case_number = forms.RegexField(
        label=_("Case number of the other person"),
        regex=r"^[A-Za-z]{2}-\d{4}-\d{6}$",
        error_messages={"invalid": _("A case number looks like KZ-2026-000123.")},
    )


class RelativeForm(forms.Form):
    full_name = forms.CharField(label=_("Name"), max_length=200)
    relationship = forms.CharField(
        label=_("Relationship"), max_length=40, help_text=_("e.g. grandmother, aunt, brother")
    )
    region = forms.CharField(label=_("Region"), max_length=100)
    contact = forms.CharField(label=_("Contact"), max_length=200, required=False)
    is_verified = forms.BooleanField(label=_("Verified"), required=False)


class GuardianshipForm(forms.Form):
    guardian_kind = forms.ChoiceField(
        label=_("Guardian"), choices=Guardianship.GuardianKind.choices
    )
    guardian_relative = forms.ModelChoiceField(
        label=_("Relative at home"), required=False, queryset=None
    )
    guardian_case_number = forms.RegexField(
        label=_("Case number of the returnee guardian"),
        required=False,
        regex=r"^[A-Za-z]{2}-\d{4}-\d{6}$",
        error_messages={"invalid": _("A case number looks like KZ-2026-000123.")},
    )
    state_body = forms.CharField(label=_("State body"), max_length=200, required=False)
    legal_basis = forms.ChoiceField(label=_("Legal basis"), choices=Guardianship.LegalBasis.choices)
    started_on = _past_date_field(_("From"))

    def __init__(self, *args, child, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guardian_relative"].queryset = child.relatives_at_home.all()


class VisitForm(forms.Form):
    visited_on = _past_date_field(_("Date of visit"))
    findings = forms.CharField(
        label=_("Findings"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Evidence"), choices=EvidenceItem.Kind.choices)
    confidence = forms.ChoiceField(label=_("Confidence"), choices=EvidenceItem.Confidence.choices)
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    file = forms.FileField(label=_("File (PDF, JPEG or PNG, at most 20 MB)"), required=False)


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(label=_("File (PDF, JPEG or PNG, at most 20 MB)"))


class DecisionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        choices=[c for c in VerificationDecision.choices if c[0] != VerificationDecision.PENDING],
    )
    via_parent = forms.ModelChoiceField(
        label=_("Verified through parent"),
        required=False,
        queryset=None,
        help_text=_("For a child born abroad: a parent whose nationality is verified."),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, parents, parent_rows=None, **kwargs):
        """`parents`: who may be chosen; `parent_rows`: those people already read, to
        offer them without reading them again (the case page reads them with the rest)."""
        super().__init__(*args, **kwargs)
        field = self.fields["via_parent"]
        field.queryset = parents
        if parent_rows is not None:
            field.choices = [("", field.empty_label)] + [
                (parent.pk, field.label_from_instance(parent)) for parent in parent_rows
            ]


class IntakeForm(forms.ModelForm):
    class Meta:
        model = IntakeAssessment
        fields = [
            "health_needs",
            "psychosocial_needs",
            "education_level",
            "languages",
            "family_situation",
            "legal_status",
            "risk_level",
            "risk_notes",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 2})
            for name in [
                "health_needs",
                "psychosocial_needs",
                "family_situation",
                "legal_status",
                "risk_notes",
            ]
        }
