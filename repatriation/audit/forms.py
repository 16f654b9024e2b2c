from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from repatriation.widgets import DateInput

from .models import AuditKind


def _bounded(value):
    if value and not (date(1900, 1, 1) <= value <= date(2100, 12, 31)):
        raise forms.ValidationError(_("Enter a date between 1900 and 2100."))
    return value


class AuditFilterForm(forms.Form):
    username = forms.CharField(label=_("User"), required=False, max_length=150)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any")), *AuditKind.choices]
    )
    record_type = forms.CharField(
        label=_("Record type"),
        required=False,
        max_length=100,
        help_text=_("For example returnees.returnee"),
    )
    record_id = forms.CharField(label=_("Record"), required=False, max_length=64)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput)
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def clean_date_from(self):
        return _bounded(self.cleaned_data["date_from"])

    def clean_date_to(self):
        return _bounded(self.cleaned_data["date_to"])

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data
