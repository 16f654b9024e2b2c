import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.shortcuts import redirect
from django.urls import reverse

from repatriation import policy

# Paths a signed-in user may reach before the second factor.
_OPEN_PREFIXES = (
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/two-factor/",
    "/static/",
    "/healthz",
    "/i18n/",
)


class RequireTwoFactorMiddleware:
    """When REQUIRE_2FA is on, anyone who can see personal data must pass TOTP first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.REQUIRE_2FA
            and user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not request.path_info.startswith(_OPEN_PREFIXES)
            and policy.sees_personal_data(user)
        ):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('accounts:two_factor')}?{query}")
        return self.get_response(request)


class IdleTimeoutMiddleware:
    """Push a signed-in session's expiry ahead at most once a minute, instead of writing the
    session on every request (three database statements per page). The idle timeout
    (SESSION_COOKIE_AGE) keeps working to within SESSION_TOUCH_SECONDS."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Only a signed-in session (a made-up or expired cookie is not one: touching it would
        # save a new anonymous session for every such request).
        if session is not None and session.get(SESSION_KEY) and session.session_key:
            now = int(time.time())
            if now - session.get("_touched", 0) >= settings.SESSION_TOUCH_SECONDS:
                session["_touched"] = now  # modified: SessionMiddleware saves it, new expiry
        return response
