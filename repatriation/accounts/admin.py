from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from repatriation.admin_site import AuditedModelAdmin
from repatriation.audit.models import AuditKind
from repatriation.audit.services import audit_record

from .models import DataSharingAgreement, Organisation, User
from .roles import FieldGroup


@admin.register(Organisation)
class OrganisationAdmin(AuditedModelAdmin):
    list_display = ["name", "kind", "country"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(User)
class UserAdmin(AuditedModelAdmin, BaseUserAdmin):
    """Users are deactivated, never deleted: their audit events refer to them."""

    list_display = ["username", "first_name", "last_name", "organisation", "is_active"]
    list_filter = ["is_active", "groups", "organisation"]
    list_select_related = ["organisation"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("Person"),
            {"fields": ("first_name", "last_name", "email", "organisation", "discipline")},
        ),
        (_("Roles"), {"fields": ("is_active", "groups")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"fields": ("username", "organisation", "password1", "password2")}),)
    readonly_fields = ["last_login", "date_joined"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_readonly_fields(self, request, obj=None):
        """Nobody changes their own roles or switches themselves off."""
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk == request.user.pk:
            fields += ["groups", "is_active"]
        return fields

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            audit_record(
                actor=request.user,
                kind=AuditKind.UPDATE,
                record=User.objects.get(pk=id),
                changes={"password": ["***", "***"]},
                request=request,
                detail="admin",
            )
        return response


# Roles are declared in code (roles.py) and synced; they are not edited in the admin.
admin.site.unregister(Group)


class AgreementForm(forms.ModelForm):
    read_field_groups = forms.MultipleChoiceField(
        label=_("field groups readable"),
        choices=FieldGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    write_field_groups = forms.MultipleChoiceField(
        label=_("field groups writable"),
        choices=FieldGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = DataSharingAgreement
        fields = [
            "organisation",
            "title",
            "centres",
            "operations",
            "read_field_groups",
            "write_field_groups",
            "valid_from",
            "valid_until",
            "allowed_addresses",
        ]


@admin.register(DataSharingAgreement)
class DataSharingAgreementAdmin(AuditedModelAdmin):
    form = AgreementForm
    list_display = ["title", "organisation", "valid_from", "valid_until"]
    list_select_related = ["organisation"]
    filter_horizontal = ["centres", "operations"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
