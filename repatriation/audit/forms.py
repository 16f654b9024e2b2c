from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AuditKind


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
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data
