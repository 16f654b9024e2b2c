from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rehabilitation.models import Centre
from repatriation.accounts.models import Organisation, User
from repatriation.accounts.roles import Role
from repatriation.widgets import DateInput

from .models import Boarding, Location, Operation, TransitLeg


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None, format="%Y-%m-%dT%H:%M"):
        super().__init__(attrs, format=format)


def _within_years(value):
    if value is not None and not 2000 <= value.year <= 2100:
        raise forms.ValidationError(_("Enter a time between the years 2000 and 2100."))


def _datetime_field(label, required=True):
    return forms.DateTimeField(
        label=label,
        required=required,
        widget=DateTimeInput,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        validators=[_within_years],
    )


class OperationForm(forms.Form):
    code = forms.RegexField(
        label=_("Code"),
        regex=r"^[A-Za-z0-9-]{3,30}$",
        error_messages={"invalid": _("Letters, digits and dashes, 3–30.")},
    )
    name = forms.CharField(label=pgettext_lazy("operation", "Name"), max_length=200)
    origin_country = forms.RegexField(
        label=_("Origin country"),
        regex=r"^[A-Za-z]{2}$",
        initial="SY",
        error_messages={"invalid": _("Two letters, e.g. SY.")},
    )
    planned_departure = forms.DateField(label=_("Planned departure"), widget=DateInput)
    planned_return = forms.DateField(label=_("Planned return"), widget=DateInput, required=False)
    lead_organisation = forms.ModelChoiceField(
        label=_("Lead organisation"), required=False, queryset=Organisation.objects.all()
    )
    partner_organisations = forms.ModelMultipleChoiceField(
        label=_("Partner organisations"),
        required=False,
        queryset=Organisation.objects.all(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    camps = forms.ModelMultipleChoiceField(
        label=_("Camps"),
        required=False,
        queryset=Location.objects.filter(kind=Location.Kind.CAMP),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def clean_code(self):
        code = self.cleaned_data["code"].upper()
        if Operation.objects.filter(code=code).exists():
            raise forms.ValidationError(_("An operation with this code exists."))
        return code


class LegForm(forms.Form):
    origin = forms.ModelChoiceField(
        label=pgettext_lazy("leg", "From"), queryset=Location.objects.all()
    )
    destination = forms.ModelChoiceField(
        label=pgettext_lazy("leg", "To"), queryset=Location.objects.all()
    )
    mode = forms.ChoiceField(label=_("Mode"), choices=TransitLeg.Mode.choices)
    carrier = forms.CharField(label=_("Carrier"), max_length=100, required=False)
    flight_number = forms.CharField(label=_("Flight number"), max_length=20, required=False)
    scheduled_departure = _datetime_field(_("Scheduled departure"))
    scheduled_arrival = _datetime_field(_("Scheduled arrival"))
    arrives_home = forms.BooleanField(label=_("Arrives at the home airport"), required=False)
    escorts = forms.ModelMultipleChoiceField(
        label=_("Escort staff"),
        required=False,
        queryset=User.objects.filter(
            is_active=True, groups__name__in=[Role.CASEWORKER.value, Role.MEDICAL_OFFICER.value]
        )
        .distinct()
        .order_by("last_name", "username"),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )


class ManifestAddForm(forms.Form):
    case_numbers = forms.CharField(
        label=_("Case numbers"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20000,
        help_text=_("One or more, separated by spaces, commas or new lines."),
    )
    split_reason = forms.CharField(
        label=_("Reason the family travels apart"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only when some of a household stay behind."),
    )

    def clean_case_numbers(self):
        import re

        numbers = re.findall(r"[A-Za-z]{2}-\d{4}-\d{6}", self.cleaned_data["case_numbers"])
        if not numbers:
            raise forms.ValidationError(_("No case number found (they look like KZ-2026-000123)."))
        return sorted({n.upper() for n in numbers})


class BoardingForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    status = forms.ChoiceField(label=_("Boarding"), choices=Boarding.Status.choices)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300)


class DepartureForm(forms.Form):
    at = _datetime_field(_("Time"))


class HandoverForm(forms.Form):
    handed_over_by = forms.CharField(label=_("Handed over by"), max_length=200)
    received_by = forms.CharField(label=_("Received by"), max_length=200)
    occurred_at = _datetime_field(_("Time"))
    people_count = forms.IntegerField(label=_("People handed over"), min_value=0, max_value=5000)
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Manifest (CSV or XLSX, at most 5 MB)"))


class AdmissionForm(forms.Form):
    centre = forms.ModelChoiceField(label=_("Adaptation facility"), queryset=Centre.objects.all())
    admitted_on = forms.DateField(label=_("Admitted on"), widget=DateInput)
