"""Reads of the audit trail: keyset pages, newest first, never a COUNT over the whole table."""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import QuerySet
from django.utils import timezone

from repatriation import policy
from repatriation.policy import Action

from .models import AuditEvent


@dataclass(frozen=True)
class AuditFilters:
    username: str = ""
    kind: str = ""
    record_type: str = ""
    record_id: str = ""
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True)
class AuditPage:
    events: list[AuditEvent]
    next_before: int | None


def audit_event_page(*, user, filters: AuditFilters, before: int | None, size: int) -> AuditPage:
    """One page of events older than `before`; `next_before` is None on the last page."""
    if not policy.can(user, Action.VIEW_AUDIT):
        return AuditPage([], None)
    events: QuerySet[AuditEvent] = AuditEvent.objects.all()
    if filters.username:
        events = events.filter(actor_username=filters.username)
    if filters.kind:
        events = events.filter(kind=filters.kind)
    if filters.record_type:
        events = events.filter(record_type=filters.record_type)
    if filters.record_id:
        events = events.filter(record_id=filters.record_id)
    tz = timezone.get_current_timezone()
    if filters.date_from:
        events = events.filter(occurred_at__gte=datetime.combine(filters.date_from, time.min, tz))
    if filters.date_to:
        events = events.filter(occurred_at__lte=datetime.combine(filters.date_to, time.max, tz))
    if before is not None:
        events = events.filter(pk__lt=before)
    rows = list(events.order_by("-pk")[: size + 1])
    next_before = rows[size - 1].pk if len(rows) > size else None
    return AuditPage(rows[:size], next_before)
