"""Writes for repatriation operations: manifests, boarding, departure, arrival, admission.

Boarding, departure and arrival move people through the case workflow (`returnees.workflow`)
with the transitions registered in apps.py; every write is audited in its transaction.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from rehabilitation.models import Centre, Placement
from repatriation.audit.models import AuditKind
from repatriation.audit.services import audit_record
from returnees.models import CaseStatus, Returnee
from returnees.workflow import StaleEdit, case_transition, cases_transition

from .models import Boarding, CustodyHandover, Location, ManifestEntry, Operation, TransitLeg

FINAL_BOARDING = {
    Boarding.Status.BOARDED,
    Boarding.Status.NO_SHOW,
    Boarding.Status.WITHDRAWN,
    Boarding.Status.LEFT_BEHIND,
}
NEEDS_REASON = {Boarding.Status.WITHDRAWN, Boarding.Status.LEFT_BEHIND}


@transaction.atomic
def operation_create(
    *,
    actor,
    code: str,
    name: str,
    origin_country: str,
    planned_departure: date | None = None,
    planned_return: date | None = None,
    lead_organisation=None,
    partner_organisations=(),
    camps=(),
    request=None,
) -> Operation:
    if planned_departure and planned_return and planned_return < planned_departure:
        raise ValidationError({"planned_return": _("The return is before the departure.")})
    operation = Operation(
        code=code.strip().upper(),
        name=name.strip(),
        origin_country=origin_country.upper(),
        planned_departure=planned_departure,
        planned_return=planned_return,
        lead_organisation=lead_organisation,
    )
    operation.full_clean()
    operation.save()
    operation.camps.set(camps)
    operation.partner_organisations.set(partner_organisations)
    audit_record(
        actor=actor,
        kind=AuditKind.CREATE,
        record=operation,
        request=request,
        changes={"code": [None, operation.code], "name": [None, operation.name]},
    )
    return operation


@transaction.atomic
def leg_add(
    *,
    actor,
    operation: Operation,
    origin: Location,
    destination: Location,
    mode: str,
    scheduled_departure: datetime,
    scheduled_arrival: datetime,
    carrier: str = "",
    flight_number: str = "",
    arrives_home: bool = False,
    escorts=(),
) -> TransitLeg:
    """Add the next leg; everyone already on the manifest is expected on it."""
    # The operation row serialises leg and manifest changes: numbering and boarding rows stay
    # complete when two officers work on the same wave.
    operation = Operation.objects.select_for_update().get(pk=operation.pk)
    errors = {}
    if scheduled_arrival <= scheduled_departure:
        errors["scheduled_arrival"] = _("The arrival is not after the departure.")
    if origin.pk == destination.pk:
        errors["destination"] = _("A leg goes somewhere else than where it starts.")
    if operation.status not in Operation.ACTIVE_STATUSES:
        errors["__all__"] = _("The operation is %(status)s; it takes no new legs.") % {
            "status": operation.get_status_display()
        }
    if errors:
        raise ValidationError(errors)
    last = operation.legs.order_by("-sequence").first()
    leg = TransitLeg.objects.create(
        operation=operation,
        sequence=(last.sequence + 1) if last else 1,
        origin=origin,
        destination=destination,
        mode=mode,
        carrier=carrier.strip(),
        flight_number=flight_number.strip().upper(),
        scheduled_departure=scheduled_departure,
        scheduled_arrival=scheduled_arrival,
        arrives_home=arrives_home,
    )
    leg.escorts.set(escorts)
    Boarding.objects.bulk_create(
        Boarding(entry=entry, leg=leg) for entry in operation.manifest.all()
    )
    audit_record(
        actor=actor,
        kind=AuditKind.CREATE,
        record=leg,
        changes={"route": [None, f"{origin} → {destination}"]},
    )
    return leg


def _on_other_active_operation(returnee_ids, operation) -> dict[int, str]:
    return dict(
        ManifestEntry.objects.filter(
            returnee_id__in=returnee_ids,
            operation__status__in=Operation.ACTIVE_STATUSES,
        )
        .exclude(operation=operation)
        .values_list("returnee_id", "operation__code")
    )


@transaction.atomic
def manifest_add(
    *, actor, operation: Operation, returnees: list[Returnee], split_reason: str = "", request=None
) -> list[ManifestEntry]:
    """Put people on the manifest: only cleared people, families together unless a recorded
    decision splits them, nobody on two active operations. All or nothing."""
    operation = Operation.objects.select_for_update().get(pk=operation.pk)
    if operation.status not in Operation.ACTIVE_STATUSES:
        raise ValidationError(
            _("The operation is %(status)s; its manifest is closed.")
            % {"status": operation.get_status_display()}
        )
    if operation.legs.filter(actual_departure__isnull=False).exists():
        raise ValidationError(_("The operation has departed; put these people on the next one."))
    ids = sorted({r.pk for r in returnees})
    # Lock the people (in a fixed order) so two officers cannot put one person on two waves.
    people = list(Returnee.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    errors = []
    already = set(
        operation.manifest.filter(returnee_id__in=ids).values_list("returnee_id", flat=True)
    )
    elsewhere = _on_other_active_operation(ids, operation)
    for person in people:
        if person.status != CaseStatus.CLEARED:
            errors.append(
                _("%(case)s is %(status)s, not cleared for return.")
                % {"case": person.case_number, "status": person.get_status_display()}
            )
        if person.pk in already:
            errors.append(_("%(case)s is already on this manifest.") % {"case": person.case_number})
        if person.pk in elsewhere:
            errors.append(
                _("%(case)s is already on operation %(code)s.")
                % {"case": person.case_number, "code": elsewhere[person.pk]}
            )
    household_ids = {p.household_id for p in people if p.household_id}
    left_out = list(
        Returnee.objects.filter(household_id__in=household_ids)
        .exclude(pk__in=ids)
        .exclude(pk__in=operation.manifest.values("returnee"))
        .exclude(status__in=[CaseStatus.CLOSED, CaseStatus.NOT_ELIGIBLE])
        .order_by("case_number")
    )
    if left_out and not split_reason.strip():
        errors.append(
            _(
                "The family would be split: %(people)s would stay behind. Add them, or "
                "record why the family travels apart."
            )
            % {"people": ", ".join(p.case_number for p in left_out)}
        )
    if errors:
        raise ValidationError(errors)
    entries = ManifestEntry.objects.bulk_create(
        ManifestEntry(
            operation=operation,
            returnee=person,
            added_by=actor,
            split_reason=split_reason.strip() if left_out else "",
        )
        for person in people
    )
    legs = list(operation.legs.all())
    Boarding.objects.bulk_create(Boarding(entry=e, leg=leg) for e in entries for leg in legs)
    for entry in entries:
        audit_record(
            actor=actor,
            kind=AuditKind.CREATE,
            record=entry,
            request=request,
            changes={
                "operation": [None, operation.code],
                "returnee": [None, entry.returnee.case_number],
            },
            detail=entry.split_reason[:200],
        )
    return entries


@transaction.atomic
def boarding_record(
    *, actor, boarding_id: int, version: int, status: str, reason: str = "", request=None
) -> Boarding:
    """One officer's entry for one person on one leg. Row-locked and versioned: two officers
    recording at once each keep their own person's entry, and a stale page is refused."""
    boarding = (
        Boarding.objects.select_for_update()
        .select_related("leg", "entry__returnee")
        .get(pk=boarding_id)
    )
    if boarding.version != version:
        raise StaleEdit(boarding)
    errors = {}
    if status not in Boarding.Status.values:
        errors["status"] = _("Choose a boarding status.")
    if status in NEEDS_REASON and not reason.strip():
        errors["reason"] = _("Say why the person is withdrawn or left behind.")
    if boarding.leg.actual_departure is not None:
        errors["__all__"] = _("This leg has departed; its boarding list is closed.")
    person = boarding.entry.returnee
    may_board = CaseStatus.CLEARED if boarding.leg.sequence == 1 else CaseStatus.IN_TRANSIT
    if status == Boarding.Status.BOARDED and person.status != may_board:
        errors["status"] = _("%(case)s is %(status)s and cannot board this leg.") % {
            "case": person.case_number,
            "status": person.get_status_display(),
        }
    if errors:
        raise ValidationError(errors)
    before = boarding.status
    boarding.status = status
    boarding.reason = reason.strip()
    boarding.recorded_by = actor
    boarding.recorded_at = timezone.now()
    boarding.version += 1
    boarding.save()
    audit_record(
        actor=actor,
        kind=AuditKind.UPDATE,
        record=boarding,
        request=request,
        changes={"status": [before, status]},
        detail=boarding.entry.returnee.case_number,
    )
    return boarding


@transaction.atomic
def departure_record(*, actor, leg_id: int, departed_at: datetime, request=None) -> TransitLeg:
    """Record the leg's departure. Refused while anyone on it is unaccounted for. On the
    first leg, everyone who boarded moves to In transit."""
    leg = TransitLeg.objects.select_for_update().select_related("operation").get(pk=leg_id)
    if leg.actual_departure is not None:
        raise ValidationError(_("This leg's departure is already recorded."))
    if departed_at > timezone.now() + timezone.timedelta(minutes=5):
        raise ValidationError({"departed_at": _("The departure time is in the future.")})
    earlier = leg.operation.legs.filter(sequence__lt=leg.sequence, actual_arrival__isnull=True)
    if earlier.exists():
        raise ValidationError(_("An earlier leg has not arrived yet."))
    unaccounted = leg.boardings.filter(status=Boarding.Status.EXPECTED).select_related(
        "entry__returnee"
    )
    if unaccounted:
        raise ValidationError(
            _(
                "Not everyone is accounted for: %(people)s. Record each as "
                "boarded, no-show, withdrawn or left behind."
            )
            % {"people": ", ".join(b.entry.returnee.case_number for b in unaccounted)}
        )
    leg.actual_departure = departed_at
    leg.version += 1
    leg.save()
    operation = leg.operation
    if operation.status == Operation.Status.PLANNING:
        operation.status = Operation.Status.ACTIVE
        operation.started_on = departed_at.date()
        operation.save(update_fields=["status", "started_on"])
    boarded = leg.boardings.filter(status=Boarding.Status.BOARDED)
    later = Boarding.objects.filter(
        leg__operation=operation, leg__sequence__gt=leg.sequence, status=Boarding.Status.EXPECTED
    )
    # Whoever did not board this leg cannot board the next ones.
    later.exclude(entry__in=boarded.values("entry")).update(
        status=Boarding.Status.LEFT_BEHIND,
        reason=_("Did not board leg %(n)d.") % {"n": leg.sequence},
    )
    # Whoever was on an earlier leg but does not travel on this one stays behind at the
    # transit point: back to Cleared, with the reason recorded, ready for another wave.
    stayed = leg.boardings.exclude(status=Boarding.Status.BOARDED).select_related("entry__returnee")
    by_reason: dict[str, list] = {}
    for boarding in stayed:
        if boarding.entry.returnee.status == CaseStatus.IN_TRANSIT:
            reason = boarding.reason or boarding.get_status_display()
            by_reason.setdefault(reason, []).append(boarding.entry.returnee)
    for reason, people in by_reason.items():
        cases_transition(
            actor=actor, people=people, name="stay_behind", reason=reason, request=request
        )
    departing = [
        boarding.entry.returnee
        for boarding in boarded.select_related("entry__returnee")
        if boarding.entry.returnee.status == CaseStatus.CLEARED
    ]
    if departing:
        cases_transition(
            actor=actor, people=departing, name="depart", reason=str(leg), request=request
        )
    audit_record(
        actor=actor,
        kind=AuditKind.UPDATE,
        record=leg,
        request=request,
        changes={"actual_departure": [None, departed_at.isoformat()]},
    )
    return leg


@transaction.atomic
def arrival_record(*, actor, leg_id: int, arrived_at: datetime, request=None) -> TransitLeg:
    """Record the leg's arrival; at the home airport everyone on board moves to Arrived."""
    leg = TransitLeg.objects.select_for_update().select_related("operation").get(pk=leg_id)
    if leg.actual_departure is None:
        raise ValidationError(_("Record the departure first."))
    if leg.actual_arrival is not None:
        raise ValidationError(_("This leg's arrival is already recorded."))
    if arrived_at <= leg.actual_departure:
        raise ValidationError({"arrived_at": _("The arrival is before the departure.")})
    if arrived_at > timezone.now() + timezone.timedelta(minutes=5):
        raise ValidationError({"arrived_at": _("The arrival time is in the future.")})
    leg.actual_arrival = arrived_at
    leg.version += 1
    leg.save()
    if leg.arrives_home:
        arriving = [
            boarding.entry.returnee
            for boarding in leg.boardings.filter(status=Boarding.Status.BOARDED).select_related(
                "entry__returnee"
            )
            if boarding.entry.returnee.status == CaseStatus.IN_TRANSIT
        ]
        if arriving:
            cases_transition(
                actor=actor, people=arriving, name="arrive", reason=str(leg), request=request
            )
        operation = leg.operation
        if not operation.legs.filter(actual_arrival__isnull=True).exists():
            operation.status = Operation.Status.COMPLETED
            operation.ended_on = arrived_at.date()
            operation.save(update_fields=["status", "ended_on"])
    audit_record(
        actor=actor,
        kind=AuditKind.UPDATE,
        record=leg,
        request=request,
        changes={"actual_arrival": [None, arrived_at.isoformat()]},
    )
    return leg


@transaction.atomic
def admission_record(
    *, actor, returnee: Returnee, centre: Centre, admitted_on: date, request=None
) -> Placement:
    """Admission to the adaptation facility: status Adaptation and the adaptation placement.

    Not before the person arrived, not beyond the facility's capacity, and a mother and her
    children in the same facility."""
    if admitted_on > timezone.localdate():
        raise ValidationError({"admitted_on": _("The admission date is in the future.")})
    centre = Centre.objects.select_for_update().get(pk=centre.pk)  # capacity, one at a time
    person = Returnee.objects.select_for_update().get(pk=returnee.pk)
    if Placement.objects.filter(returnee=person, ended_on__isnull=True).exists():
        raise ValidationError(
            _("%(case)s already has an active placement.") % {"case": person.case_number}
        )
    arrived = (
        Boarding.objects.filter(
            entry__returnee=person,
            status=Boarding.Status.BOARDED,
            leg__arrives_home=True,
            leg__actual_arrival__isnull=False,
        )
        .order_by("-leg__actual_arrival")
        .values_list("leg__actual_arrival", flat=True)
        .first()
    )
    if arrived is not None and admitted_on < timezone.localdate(arrived):
        raise ValidationError(
            {
                "admitted_on": _("The admission is before the arrival (%(day)s).")
                % {"day": timezone.localdate(arrived).isoformat()}
            }
        )
    if Placement.objects.filter(centre=centre, ended_on__isnull=True).count() >= centre.capacity:
        raise ValidationError(
            _("%(centre)s is full (%(capacity)d places).")
            % {"centre": centre.name, "capacity": centre.capacity}
        )
    family = (
        Placement.objects.filter(
            ended_on__isnull=True,
            kind=Placement.Kind.ADAPTATION,
            returnee__in=Returnee.objects.filter(
                Q(relationships__relative=person, relationships__kind__in=["mother", "child"])
            ),
        )
        .exclude(centre=centre)
        .select_related("centre", "returnee")
        .first()
    )
    if family is not None:
        raise ValidationError(
            _(
                "%(case)s of the same family is at %(centre)s; mothers and "
                "children are admitted together."
            )
            % {"case": family.returnee.case_number, "centre": family.centre.name}
        )
    case_transition(
        actor=actor,
        returnee_id=person.pk,
        name="admit",
        version=person.version,
        reason=centre.name,
        request=request,
    )
    placement = Placement.objects.create(
        returnee=person, centre=centre, kind=Placement.Kind.ADAPTATION, started_on=admitted_on
    )
    audit_record(
        actor=actor,
        kind=AuditKind.CREATE,
        record=placement,
        request=request,
        changes={"centre": [None, centre.name], "kind": [None, "adaptation"]},
    )
    return placement


@transaction.atomic
def custody_handover_add(
    *,
    actor,
    leg: TransitLeg,
    handed_over_by: str,
    received_by: str,
    occurred_at: datetime,
    people_count: int,
    notes: str = "",
) -> CustodyHandover:
    if occurred_at > timezone.now() + timezone.timedelta(minutes=5):
        raise ValidationError({"occurred_at": _("The time is in the future.")})
    handover = CustodyHandover.objects.create(
        leg=leg,
        handed_over_by=handed_over_by.strip(),
        received_by=received_by.strip(),
        occurred_at=occurred_at,
        people_count=people_count,
        notes=notes.strip(),
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        kind=AuditKind.CREATE,
        record=handover,
        changes={"from": [None, handover.handed_over_by], "to": [None, handover.received_by]},
    )
    return handover


@transaction.atomic
def manifest_import_check(*, actor, operation: Operation, upload, request=None):
    """Check an uploaded manifest and keep the result; nothing is put on the manifest yet."""
    from . import manifest_import
    from .models import ManifestImport

    result = manifest_import.check(upload=upload, operation=operation, user=actor)
    record = ManifestImport.objects.create(
        operation=operation,
        filename=upload.name[:200],
        sha256=manifest_import.digest(upload),
        rows=manifest_import.serialise(result),
        errors=result.errors,
        uploaded_by=actor,
    )
    audit_record(
        actor=actor,
        kind=AuditKind.CREATE,
        record=record,
        request=request,
        changes={"rows": [None, len(result.rows)], "errors": [None, len(result.errors)]},
        detail=record.filename,
    )
    return record, result


@transaction.atomic
def manifest_import_apply(
    *, actor, manifest_import_id: int, choices: dict[int, int], split_reason: str = "", request=None
) -> list[ManifestEntry]:
    """Put the checked file's people on the manifest, all or none. `choices` confirms the
    person for each ambiguous row (row number → returnee id among that row's candidates)."""
    from .models import ManifestImport

    record = ManifestImport.objects.select_for_update().get(pk=manifest_import_id)
    if record.status != ManifestImport.Status.CHECKED:
        raise ValidationError(_("This file has already been imported."))
    if record.errors:
        raise ValidationError(_("The file has errors; correct it and upload it again."))
    ids, problems = [], []
    for row in record.rows:
        if row["returnee_id"]:
            ids.append(row["returnee_id"])
            continue
        allowed = {c["id"] for c in row["candidates"]}
        chosen = choices.get(row["row"])
        if chosen not in allowed:
            problems.append(_("Row %(row)d: choose which person is meant.") % {"row": row["row"]})
        else:
            ids.append(chosen)
    if problems:
        raise ValidationError(problems)
    if len(set(ids)) != len(ids):
        raise ValidationError(_("Two rows now name the same person."))
    people = list(Returnee.objects.filter(pk__in=ids))
    entries = manifest_add(
        actor=actor,
        operation=record.operation,
        returnees=people,
        split_reason=split_reason,
        request=request,
    )
    record.status = ManifestImport.Status.APPLIED
    record.save(update_fields=["status"])
    return entries
