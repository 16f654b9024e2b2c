"""The client's address, for the login lockout and the audit trail alike.

Behind `PROXY_COUNT` trusted reverse proxies, the client is the address that many entries from
the right of X-Forwarded-For (each proxy appends the address it received from); otherwise it is
the socket's peer. A value that is not an IP address is ignored.
"""

import ipaddress

from django.conf import settings


def _valid(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    proxies = getattr(settings, "PROXY_COUNT", 0)
    if proxies > 0:
        forwarded = [
            part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
        ]
        if len(forwarded) >= proxies:
            return _valid(forwarded[-proxies])
    return _valid(request.META.get("REMOTE_ADDR", ""))
