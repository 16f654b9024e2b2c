from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CaseStatus


class ReturneeFilterForm(forms.Form):
    q = forms.CharField(label=_("Case number or name"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any")), *CaseStatus.choices]
    )
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
