import re

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from repatriation.accounts.models import User
from repatriation.accounts.roles import Role
from repatriation.accounts.services import centre_staff_set
from repatriation.admin_site import AuditedModelAdmin

from .models import AssessmentInstrument, Centre, CentreUserGrant


class CentreForm(forms.ModelForm):
    staff = forms.ModelMultipleChoiceField(
        label=_("staff roster"),
        required=False,
        queryset=User.objects.filter(groups__name=Role.CENTRE_STAFF.value, is_active=True),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Centre
        fields = ["name", "region", "operator", "capacity"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["staff"] = list(
                CentreUserGrant.objects.filter(content_object=self.instance).values_list(
                    "user_id", flat=True
                )
            )


@admin.register(Centre)
class CentreAdmin(AuditedModelAdmin):
    form = CentreForm
    list_display = ["name", "region", "operator", "capacity"]
    list_select_related = ["operator"]
    search_fields = ["name", "region"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        centre_staff_set(
            actor=request.user, centre=form.instance, users=list(form.cleaned_data["staff"])
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class InstrumentForm(forms.ModelForm):
    class Meta:
        model = AssessmentInstrument
        fields = ["code", "name", "domains", "score_min", "score_max", "interval_days", "is_active"]

    def clean_domains(self):
        """A list of {"code", "label"} with unique slug codes: ratings store scores by code."""
        domains = self.cleaned_data["domains"]
        if not isinstance(domains, list) or not domains:
            raise forms.ValidationError(_("Give a list of at least one domain."))
        codes = []
        for item in domains:
            if (
                not isinstance(item, dict)
                or set(item) != {"code", "label"}
                or not isinstance(item["code"], str)
                or not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", item["code"])
                or not isinstance(item["label"], str)
                or not item["label"].strip()
            ):
                raise forms.ValidationError(
                    _('Each domain is {"code": "lower_case", "label": "Label"}.')
                )
            codes.append(item["code"])
        if len(set(codes)) != len(codes):
            raise forms.ValidationError(_("Domain codes must be unique."))
        if self.instance.pk and self.instance.ratings.exists():
            old = set(self.instance.domain_codes())
            if old - set(codes):
                raise forms.ValidationError(
                    _("Domains already rated cannot be removed; retire the instrument instead.")
                )
        return domains


@admin.register(AssessmentInstrument)
class InstrumentAdmin(AuditedModelAdmin):
    form = InstrumentForm
    list_display = ["name", "code", "score_min", "score_max", "interval_days", "is_active"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
