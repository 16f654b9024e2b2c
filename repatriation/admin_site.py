"""The Django admin: configuration only, for administrators, every change audited."""

from django.contrib import admin
from django.db import transaction

from repatriation.audit.models import AuditKind
from repatriation.audit.services import audit_changes, audit_record


class RepatriationAdminSite(admin.AdminSite):
    """Passwords change on the application's own audited page, not here."""

    site_header = "Repatriation — configuration"
    site_title = "Configuration"
    index_title = "Organisations, users, centres and locations"

    def has_permission(self, request) -> bool:
        from repatriation import policy
        from repatriation.accounts.roles import Role

        user = request.user
        # Superusers bypass every permission inside the admin, so they are kept out of it:
        # administrators act through their role alone (create one with create_administrator).
        if user.is_superuser or not (user.is_active and policy.has_role(user, Role.ADMINISTRATOR)):
            return False
        from django.conf import settings

        return not settings.REQUIRE_2FA or user.is_verified()

    def password_change(self, request, extra_context=None):
        from django.shortcuts import redirect

        return redirect("accounts:password_change")


class AuditedModelAdmin(admin.ModelAdmin):
    """Writes an audit event with old and new values for every change made in the admin."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        changes = audit_changes(
            before={name: form.initial.get(name) for name in form.changed_data} if change else {},
            after={name: form.cleaned_data.get(name) for name in form.changed_data},
            fields=form.changed_data,
        )
        audit_record(
            actor=request.user,
            kind=AuditKind.UPDATE if change else AuditKind.CREATE,
            record=form.instance,
            changes=changes,
            request=request,
            detail="admin",
        )

    def delete_model(self, request, obj):
        with transaction.atomic():
            audit_record(
                actor=request.user,
                kind=AuditKind.DELETE,
                record=obj,
                request=request,
                detail="admin",
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                audit_record(
                    actor=request.user,
                    kind=AuditKind.DELETE,
                    record=obj,
                    request=request,
                    detail="admin",
                )
            super().delete_queryset(request, queryset)
