"""Reads of the audit trail: keyset pages, newest first, never a COUNT over the whole table."""

from collections.abc import Iterator
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
    events = _filtered(filters)
    if before is not None:
        events = events.filter(pk__lt=before)
    rows = list(events.order_by("-pk")[: size + 1])
    next_before = rows[size - 1].pk if len(rows) > size else None
    return AuditPage(rows[:size], next_before)


def _filtered(filters: AuditFilters) -> QuerySet[AuditEvent]:
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
    return events


EXPORT_COLUMNS = (
    "id",
    "occurred_at",
    "actor_username",
    "kind",
    "record_type",
    "record_id",
    "detail",
    "ip_address",
    "changes",
)


EXPORT_LIMIT = 1_048_575  # a spreadsheet's rows, less the header: narrow the dates for more


def audit_event_rows(
    *, user, filters: AuditFilters, batch: int = 2000, limit: int = EXPORT_LIMIT
) -> Iterator[tuple]:
    """The newest `limit` matching events, newest first, as tuples of EXPORT_COLUMNS: read
    in keyset batches of `batch` rows, so that memory stays the same for ten rows or ten
    million."""
    if not policy.can(user, Action.VIEW_AUDIT):
        return
    events = _filtered(filters).order_by("-pk").values_list(*EXPORT_COLUMNS)
    before, sent = None, 0
    while sent < limit:
        rows = list(
            (events.filter(pk__lt=before) if before else events)[: min(batch, limit - sent)]
        )
        yield from rows
        sent += len(rows)
        if len(rows) < batch:
            return
        before = rows[-1][0]
