"""Writing audit events. Call inside the transaction of the change being recorded."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models

from .models import AuditEvent, AuditKind

# Field names whose values never enter the audit trail.
SECRET_FIELDS = frozenset({"password", "token", "token_hash", "key", "secret", "otp_secret"})


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, (list, tuple, set, frozenset)) or hasattr(value, "model"):
        return sorted(str(_plain(item)) for item in value)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def audit_changes(
    *, before: Mapping[str, Any], after: Mapping[str, Any], fields: Iterable[str] | None = None
) -> dict[str, list]:
    """The fields whose values differ, as {field: [old, new]}, with secrets masked."""
    names = fields if fields is not None else sorted(set(before) | set(after))
    changes: dict[str, list] = {}
    for name in names:
        old, new = _plain(before.get(name)), _plain(after.get(name))
        if old == new:
            continue
        if name in SECRET_FIELDS or "password" in name:
            changes[name] = ["***", "***"]
        else:
            changes[name] = [old, new]
    return changes


def request_ip(request) -> str | None:
    """The client address, resolved as for the login lockout (honours PROXY_COUNT)."""
    if request is None:
        return None
    from repatriation.accounts.client_ip import client_ip

    return client_ip(request)


def audit_record(
    *,
    actor,
    kind: AuditKind,
    record: models.Model | None = None,
    record_type: str = "",
    record_id: str = "",
    changes: Mapping[str, list] | None = None,
    detail: str = "",
    request=None,
    username: str = "",
) -> AuditEvent:
    """Append one event. If this write fails, the surrounding transaction fails with it."""
    if record is not None:
        record_type = record._meta.label_lower
        record_id = str(record.pk)
    return AuditEvent.objects.create(
        **_event_fields(
            actor, kind, record_type, record_id, changes, detail, request_ip(request), username
        )
    )


def _event_fields(actor, kind, record_type, record_id, changes, detail, address, username=""):
    """An event's fields: who (a signed-in user, else the name given), what, from where."""
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return {
        "actor": actor if authenticated else None,
        "actor_username": (actor.get_username() if authenticated else username)[:150],
        "kind": kind,
        "record_type": record_type,
        "record_id": record_id,
        "changes": dict(changes or {}),
        "detail": detail[:500],
        "ip_address": address,
    }


def audit_records(
    *,
    actor,
    kind: AuditKind,
    record_type: str,
    changes_by_id: Mapping[int, Mapping[str, list]],
    detail: str = "",
    request=None,
) -> None:
    """One event per record, written in one insert (a step taken for a whole leg)."""
    address = request_ip(request)
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(**_event_fields(actor, kind, record_type, str(pk), changes, detail, address))
            for pk, changes in changes_by_id.items()
        ]
    )
