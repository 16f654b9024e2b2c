"""What every versioned edit shares: only the editable fields, and a save that moves the
version on only when something changed."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from repatriation.audit.services import audit_changes


def refuse_unknown_fields(values: dict, allowed) -> None:
    unknown = set(values) - set(allowed)
    if unknown:
        raise ValidationError({name: _("This field cannot be edited here.") for name in unknown})


def versioned_save(record, values: dict) -> dict[str, list]:
    """Apply `values` to a locked, version-checked record. Returns the changes as
    {field: [old, new]}; with none, nothing is saved and the version stays."""
    changes = audit_changes(before={name: getattr(record, name) for name in values}, after=values)
    if changes:
        for name, value in values.items():
            setattr(record, name, value)
        record.version += 1
        record.save()
    return changes


def masked(changes: dict[str, list], fields) -> dict[str, list]:
    """The changes with the values of `fields` hidden: the audit trail says what changed,
    not what a confidential field now holds."""
    return {k: ["***", "***"] if k in fields else v for k, v in changes.items()}
