"""Helpers the registry's views share."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect


def apply_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError beside the matching fields of the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for item in errors:
                form.add_error(target, item)
    else:
        for message in error.messages:
            form.add_error(None, message)


def back_to_case(request, returnee, message: str = "", anchor: str = ""):
    if message:
        messages.success(request, message)
    url = f"/people/{returnee.pk}/"
    return redirect(url + (f"#{anchor}" if anchor else ""))
