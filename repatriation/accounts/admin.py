import ipaddress

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from repatriation.admin_site import AuditedModelAdmin
from repatriation.audit.models import AuditKind
from repatriation.audit.services import audit_record

from .models import ApiClient, DataSharingAgreement, Organisation, User
from .roles import FieldGroup
from .services import api_client_create, api_client_revoke, two_factor_reset


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

    actions = ["reset_two_factor"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Reset two-factor authentication of the selected users"))
    def reset_two_factor(self, request, queryset):
        """For a user who lost their authenticator: they are signed out everywhere and set
        up a new one at their next sign-in."""
        for user in queryset:
            try:
                removed = two_factor_reset(actor=request.user, user=user, request=request)
            except ValidationError as refused:  # one's own
                messages.error(request, refused.messages[0])
                continue
            message = (
                _(
                    "Two-factor authentication of %(user)s is reset: they set up a new "
                    "authenticator at their next sign-in."
                )
                if removed
                else _(
                    "No authenticator was set up for %(user)s; they are signed out and set "
                    "one up at their next sign-in."
                )
            )
            messages.success(request, message % {"user": user.get_username()})

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
# Authenticator devices are set up by their owner (the two-factor page) and reset by an
# administrator's audited action above; django-otp's own pages would show a device's secret
# key and QR code, and change devices unaudited.
for _device in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device):
        admin.site.unregister(_device)


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


class ApiClientAddForm(forms.ModelForm):
    days = forms.IntegerField(
        label=_("Days until the token expires"), min_value=1, max_value=3 * 365, initial=365
    )

    full_scope = forms.BooleanField(
        label=_("Full scope (ministry integration)"),
        required=False,
        help_text=_(
            "Every person, with no agreement (not the medical, psychosocial or legal groups). "
            "Leave the agreement empty."
        ),
    )
    addresses = forms.CharField(
        label=_("Allowed client addresses (full scope only)"),
        required=False,
        help_text=_("IP addresses or CIDR networks, separated by commas; empty allows any."),
    )

    class Meta:
        model = ApiClient
        fields = ["name", "organisation", "agreement"]

    def clean(self):
        data = super().clean()
        agreement, organisation = data.get("agreement"), data.get("organisation")
        if agreement and organisation and agreement.organisation_id != organisation.pk:
            self.add_error("agreement", _("The agreement belongs to another organisation."))
        if data.get("full_scope") and agreement:
            self.add_error("agreement", _("A full-scope client has no agreement."))
        if not data.get("full_scope") and not agreement:
            self.add_error("agreement", _("Choose the agreement, or tick full scope."))
        data["allowed_addresses"] = [
            a.strip() for a in data.get("addresses", "").split(",") if a.strip()
        ]
        if data["allowed_addresses"] and not data.get("full_scope"):
            self.add_error("addresses", _("A partner's client follows its agreement's list."))
        for entry in data["allowed_addresses"]:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                self.add_error(
                    "addresses", _("%(entry)s is not an IP address or network.") % {"entry": entry}
                )
        return data

    def _post_clean(self):
        """The service makes the row (account, hash); the form only checks the input."""


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    """Administrators issue and revoke API tokens here; a token is shown once, on creation."""

    list_display = ["name", "organisation", "agreement", "token_prefix", "expires_at", "revoked_at"]
    list_select_related = ["organisation", "agreement"]
    readonly_fields = [
        "name",
        "organisation",
        "agreement",
        "allowed_addresses",
        "token_prefix",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
    ]
    actions = ["revoke"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ApiClientAddForm
            kwargs["fields"] = [
                "name",
                "organisation",
                "agreement",
                "full_scope",
                "addresses",
                "days",
            ]
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:
            return
        client, token = api_client_create(
            actor=request.user,
            organisation=form.cleaned_data["organisation"],
            agreement=form.cleaned_data["agreement"],
            name=form.cleaned_data["name"],
            days=form.cleaned_data["days"],
            allowed_addresses=form.cleaned_data["allowed_addresses"],
        )
        # The admin goes on with its own object (logging, redirect): make it the saved row.
        for field in ApiClient._meta.concrete_fields:
            setattr(obj, field.attname, getattr(client, field.attname))
        obj._state.adding, obj._state.db = False, client._state.db
        messages.warning(
            request,
            _("Copy this token now; it is not shown again: %(token)s") % {"token": token},
        )

    def save_related(self, request, form, formsets, change):
        """Nothing related to save: the service made the account and its grant."""

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for client in queryset:
            api_client_revoke(actor=request.user, client=client)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
