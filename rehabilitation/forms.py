from django import forms
from django.utils.translation import gettext_lazy as _

from repatriation.widgets import DateInput

from .models import Centre, Placement


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
