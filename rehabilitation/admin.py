from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from repatriation.accounts.models import User
from repatriation.accounts.roles import Role
from repatriation.accounts.services import centre_staff_set
from repatriation.admin_site import AuditedModelAdmin

from .models import Centre, CentreUserGrant


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
