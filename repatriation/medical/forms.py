from django import forms
from django.utils.translation import gettext_lazy as _

from repatriation.widgets import DateInput

from .models import Condition, MedicalAssessment
from .services import FIELDS


class AssessmentForm(forms.ModelForm):
    conditions = forms.MultipleChoiceField(
        label=_("Conditions"),
        required=False,
        choices=Condition.choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    class Meta:
        model = MedicalAssessment
        fields = [name for name in FIELDS if name != "operation"]
        widgets = {
            "assessed_on": DateInput,
            "follow_up_due": DateInput,
            "referrals": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
