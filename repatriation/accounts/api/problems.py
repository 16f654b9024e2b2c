"""Errors in one shape: RFC 9457 problem details, with the field errors inside."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

TITLES = {
    400: "Invalid request",
    401: "Not authenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    412: "Precondition failed",
    415: "Unsupported media type",
    422: "Unprocessable content",
    428: "Precondition required",
    429: "Too many requests",
}


def problem_response(status_code: int, detail: str, errors=None, headers=None) -> Response:
    body = {
        "type": "about:blank",
        "title": TITLES.get(status_code, "Error"),
        "status": status_code,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    return Response(
        body, status=status_code, headers=headers, content_type="application/problem+json"
    )


def problem_exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None  # a server error: Django's 500 handling and logging take over
    data = response.data
    errors = None
    if isinstance(exc, exceptions.ValidationError):
        errors = data if isinstance(data, dict) else {"non_field_errors": data}
        detail = "The request has errors; see `errors` for each field."
    else:
        detail = str(data.get("detail", "")) if isinstance(data, dict) else str(data)
        errors = getattr(exc, "errors", None)  # e.g. the possible duplicates of a 409
    headers = {k: v for k, v in response.items() if k in ("Retry-After", "WWW-Authenticate")}
    if response.status_code == status.HTTP_429_TOO_MANY_REQUESTS and "Retry-After" not in headers:
        headers["Retry-After"] = str(getattr(exc, "wait", None) or 1)
    return problem_response(response.status_code, detail, errors, headers)
