import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from repatriation.audit.models import AuditKind
from repatriation.audit.services import audit_record

from .forms import TokenForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_changed")

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            audit_record(
                actor=self.request.user,
                kind=AuditKind.UPDATE,
                record=self.request.user,
                changes={"password": ["***", "***"]},
                request=self.request,
            )
        return response


def login_locked_out(request, original_response=None, credentials=None):
    """The same answer for every username, existing or not: no hint either way."""
    from django.contrib.auth.forms import AuthenticationForm

    context = {
        "form": AuthenticationForm(request),
        "locked_out": _("Too many failed sign-in attempts. Try again in 30 minutes."),
    }
    return render(request, "accounts/login.html", context, status=429)


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return settings.LOGIN_REDIRECT_URL


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request):
    """Set up TOTP on first use (scan, confirm with a code), then verify at each login."""
    if request.user.is_verified():
        return redirect(_safe_next(request))
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    setting_up = device is None
    if setting_up:
        device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(user=request.user, name="default", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _why = device.verify_is_allowed()
        if not allowed:
            form.add_error("token", _("Too many wrong codes. Wait a few seconds and try again."))
        elif device.verify_token(form.cleaned_data["token"]):
            if setting_up:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                audit_record(
                    actor=request.user,
                    kind=AuditKind.GRANT,
                    record=request.user,
                    request=request,
                    detail="two-factor device enrolled",
                )
            otp_login(request, device)
            audit_record(
                actor=request.user,
                kind=AuditKind.LOGIN,
                request=request,
                detail="two-factor passed",
            )
            messages.success(request, _("Two-factor authentication passed."))
            return redirect(_safe_next(request))
        else:
            audit_record(
                actor=None,
                kind=AuditKind.LOGIN_FAILED,
                request=request,
                username=request.user.get_username(),
                detail="wrong two-factor code",
            )
            form.add_error(
                "token", _("That code is not valid. Check your device's clock and try again.")
            )
    context = {"form": form, "setting_up": setting_up, "next": _safe_next(request)}
    if setting_up:
        context["qr_data_uri"] = segno.make(device.config_url, error="m").svg_data_uri(scale=5)
        context["secret"] = _base32(device.bin_key)
    return render(request, "accounts/two_factor.html", context)


def _base32(key: bytes) -> str:
    import base64

    return base64.b32encode(key).decode().rstrip("=")
