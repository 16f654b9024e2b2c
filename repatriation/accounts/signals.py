"""Logins, failed logins, lockouts and logouts go to the audit trail."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from repatriation.audit.models import AuditKind
from repatriation.audit.services import audit_record


@receiver(user_logged_in, dispatch_uid="audit-login")
def _logged_in(sender, request, user, **kwargs):
    audit_record(actor=user, kind=AuditKind.LOGIN, request=request)


@receiver(user_login_failed, dispatch_uid="audit-login-failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str((credentials or {}).get("username", ""))
    audit_record(actor=None, kind=AuditKind.LOGIN_FAILED, request=request, username=username)


@receiver(user_locked_out, dispatch_uid="audit-locked-out")
def _locked_out(sender, request, username, ip_address, **kwargs):
    audit_record(
        actor=None,
        kind=AuditKind.LOGIN_FAILED,
        request=request,
        username=username or "",
        detail="locked out",
    )


@receiver(user_logged_out, dispatch_uid="audit-logout")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(actor=user, kind=AuditKind.LOGOUT, request=request)
