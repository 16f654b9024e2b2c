"""Writes for legal proceedings: recorded by legal officers, audited, never deleted."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from repatriation.audit.models import AuditKind
from repatriation.audit.services import audit_record
from returnees.models import Returnee
from returnees.workflow import StaleEdit

from ..models import CustodyPeriod, LegalProceeding
from .versioned import masked, refuse_unknown_fields, versioned_save

CLOSING_STATUSES = {
    LegalProceeding.Status.ACQUITTED,
    LegalProceeding.Status.SENTENCE_SERVED,
    LegalProceeding.Status.NO_CHARGES,
}
PROCEEDING_FIELDS = (
    "status",
    "court",
    "reference",
    "opened_on",
    "next_hearing_on",
    "closed_on",
    "charges",
    "lawyer",
    "sentence",
)


def _check_proceeding(values: dict) -> dict:
    """Validated and normalised values; a closing status closes the proceeding today."""
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if values.get("status") not in LegalProceeding.Status.values:
        errors["status"] = _("Choose a status.")
    if not (values.get("court") or "").strip():
        errors["court"] = _("Name the court or investigating body.")
    opened = values.get("opened_on")
    if opened is None:
        errors["opened_on"] = _("Enter the date the proceeding opened.")
    elif opened > today:
        errors["opened_on"] = _("The opening date is in the future.")
    closed = values.get("closed_on")
    if values.get("status") in CLOSING_STATUSES and closed is None:
        closed = values["closed_on"] = today
    if closed is not None and values.get("status") not in CLOSING_STATUSES:
        errors["closed_on"] = _(
            "Only an acquittal, a served sentence or no charges closes a proceeding."
        )
    if closed and opened and closed < opened:
        errors["closed_on"] = _("A proceeding cannot close before it opened.")
    hearing = values.get("next_hearing_on")
    if hearing and opened and hearing < opened:
        errors["next_hearing_on"] = _("The next hearing cannot be before the opening.")
    if errors:
        raise ValidationError(errors)
    return {
        k: v.strip() if isinstance(v, str) and k not in ("status",) else v
        for k, v in values.items()
    }


@transaction.atomic
def legal_proceeding_add(*, actor, returnee: Returnee, values: dict, request=None):
    refuse_unknown_fields(values, PROCEEDING_FIELDS)
    values = _check_proceeding(dict(values))
    proceeding = LegalProceeding.objects.create(returnee=returnee, created_by=actor, **values)
    audit_record(
        actor=actor,
        kind=AuditKind.CREATE,
        record=proceeding,
        request=request,
        changes={"status": [None, proceeding.status]},
    )
    return proceeding


@transaction.atomic
def legal_proceeding_update(
    *, actor, proceeding_id: int, version: int, values: dict, request=None
) -> LegalProceeding:
    proceeding = LegalProceeding.objects.select_for_update().get(pk=proceeding_id)
    if proceeding.version != version:
        raise StaleEdit(proceeding)
    refuse_unknown_fields(values, PROCEEDING_FIELDS)
    current = {name: getattr(proceeding, name) for name in PROCEEDING_FIELDS}
    changes = versioned_save(proceeding, _check_proceeding({**current, **values}))
    if not changes:
        return proceeding
    audit_record(
        actor=actor,
        kind=AuditKind.UPDATE,
        record=proceeding,
        request=request,
        # The audit trail names what changed; the legal details stay with legal officers.
        changes=masked(changes, set(changes) - {"status"}),
    )
    return proceeding


@transaction.atomic
def custody_period_add(
    *,
    actor,
    proceeding: LegalProceeding,
    kind: str,
    started_on: date,
    ended_on: date | None = None,
    request=None,
) -> CustodyPeriod:
    errors: dict[str, str] = {}
    if kind not in CustodyPeriod.Kind.values:
        errors["kind"] = _("Choose the kind of custody.")
    if started_on > timezone.localdate():
        errors["started_on"] = _("The start date is in the future.")
    if ended_on is not None and ended_on < started_on:
        errors["ended_on"] = _("Custody cannot end before it began.")
    if started_on < proceeding.opened_on:
        errors["started_on"] = _("Custody cannot begin before the proceeding opened.")
    if errors:
        raise ValidationError(errors)
    # One person's custody additions queue here, so two cannot both pass the overlap check.
    Returnee.objects.select_for_update().get(pk=proceeding.returnee_id)
    overlapping = CustodyPeriod.objects.filter(
        proceeding__returnee_id=proceeding.returnee_id, started_on__lte=ended_on or date.max
    ).exclude(ended_on__lt=started_on)
    if overlapping.exists():
        raise ValidationError(
            {"started_on": _("This overlaps another custody period of the same person.")}
        )
    period = CustodyPeriod.objects.create(
        proceeding=proceeding, kind=kind, started_on=started_on, ended_on=ended_on
    )
    audit_record(
        actor=actor,
        kind=AuditKind.CREATE,
        record=period,
        request=request,
        changes={"kind": [None, kind], "started_on": [None, started_on.isoformat()]},
    )
    return period


@transaction.atomic
def custody_period_end(*, actor, period_id: int, ended_on: date, request=None) -> CustodyPeriod:
    period = CustodyPeriod.objects.select_for_update().get(pk=period_id)
    if period.ended_on is not None:
        raise ValidationError({"ended_on": _("This custody period has already ended.")})
    if ended_on < period.started_on:
        raise ValidationError({"ended_on": _("Custody cannot end before it began.")})
    if ended_on > timezone.localdate():
        raise ValidationError({"ended_on": _("The end date is in the future.")})
    period.ended_on = ended_on
    period.save(update_fields=["ended_on"])
    audit_record(
        actor=actor,
        kind=AuditKind.UPDATE,
        record=period,
        request=request,
        changes={"ended_on": [None, ended_on.isoformat()]},
    )
    return period
