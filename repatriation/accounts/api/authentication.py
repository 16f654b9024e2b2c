"""Bearer tokens for API clients, throttling per client, and one shape for every error."""

from __future__ import annotations

import hmac
import ipaddress

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.throttling import SimpleRateThrottle

from repatriation.accounts.client_ip import client_ip
from repatriation.accounts.models import ApiClient
from repatriation.accounts.services import API_TOKEN_PREFIX, api_token_hash


def _address_allowed(address: str | None, allowed: list[str]) -> bool:
    if not allowed:
        return True
    if address is None:
        return False
    ip = ipaddress.ip_address(address)
    for entry in allowed:
        try:
            if ip in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue  # a malformed entry allows nothing
    return False


class BearerTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer rpk_<prefix>_<secret>`: the client acts as its service account.

    Unknown, revoked and expired tokens, and calls from outside the agreement's allowed
    addresses, all get the same 401: the answer does not tell which."""

    keyword = b"bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Send one token after Bearer."))
        try:
            token = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("The token is not valid.")) from None
        pieces = token.split("_", 2)  # the secret itself may contain "_"
        if len(pieces) != 3 or pieces[0] != API_TOKEN_PREFIX:
            raise exceptions.AuthenticationFailed(_("The token is not valid."))
        client = (
            ApiClient.objects.select_related("account", "agreement")
            .filter(token_prefix=pieces[1])
            .first()
        )
        if (
            client is None
            or not hmac.compare_digest(client.token_hash, api_token_hash(token))
            or not client.is_usable
            or not client.account.is_active
            or not _address_allowed(client_ip(request), client.addresses)
        ):
            raise exceptions.AuthenticationFailed(_("The token is not valid."))
        now = timezone.now()
        if client.last_used_at is None or (now - client.last_used_at).total_seconds() > 60:
            ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        return client.account, client

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class ClientRateThrottle(SimpleRateThrottle):
    """Requests per API client (or per signed-in user on the browsable pages)."""

    scope = "api_client"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiClient):
            ident = f"client-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """Documents the bearer token in the OpenAPI schema."""

    target_class = "repatriation.accounts.api.authentication.BearerTokenAuthentication"
    name = "bearerToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A token from `manage.py api_client create`: rpk_<prefix>_<secret>.",
        }
