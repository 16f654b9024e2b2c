"""Writes for rehabilitation: placements and transfers. Each is audited in its transaction."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from repatriation import policy
from repatriation.audit.models import AuditKind
from repatriation.audit.services import audit_record
from repatriation.policy import Action
from returnees.models import CaseStatus, Relationship, Returnee
from returnees.workflow import StaleEdit, case_transition

from ..models import (
    Centre,
    Enrolment,
    MonthlyAttendance,
    Placement,
    PlanDomain,
    PlanEvent,
    PlanGoal,
    RehabilitationPlan,
)
from .versioned import masked, refuse_unknown_fields, versioned_save

PLACEABLE = {CaseStatus.ADAPTATION, CaseStatus.PLACED}


def mothers_and_children(people: list[Returnee]) -> set[int]:
    """Ids of the mothers and children of `people` (relationship rows both ways)."""
    ids = [p.pk for p in people]
    return set(
        Relationship.objects.filter(
            Q(person_id__in=ids, kind=Relationship.Kind.MOTHER)
            | Q(person_id__in=ids, kind=Relationship.Kind.CHILD)
        ).values_list("relative_id", flat=True)
    ) - set(ids)


@transaction.atomic
def placement_transfer(
    *,
    actor,
    people: list[Returnee],
    centre: Centre,
    kind: str,
    started_on: date,
    reason: str,
    capacity_override_reason: str = "",
    family_split_reason: str = "",
    request=None,
) -> list[Placement]:
    """Move people (a family together, as a rule) to a centre: their current placements end,
    new ones start. From adaptation this is the person's placement: status Placed, which needs
    an arrival medical assessment. Beyond capacity only with a programme manager's reason;
    a mother apart from her children only with a recorded reason."""
    errors: dict[str, str] = {}
    if kind not in Placement.Kind.values or kind == Placement.Kind.ADAPTATION:
        errors["kind"] = _("Choose a residential placement or a day programme.")
    if started_on > timezone.localdate():
        errors["started_on"] = _("The start date is in the future.")
    if not reason.strip():
        errors["reason"] = _("Say why the placement changes.")
    if errors:
        raise ValidationError(errors)
    centre = Centre.objects.select_for_update().get(pk=centre.pk)
    people = list(
        Returnee.objects.select_for_update().filter(pk__in=[p.pk for p in people]).order_by("pk")
    )
    problems = []
    for person in people:
        if person.status not in PLACEABLE:
            problems.append(
                _(
                    "%(case)s is %(status)s; only people in adaptation or placed move "
                    "between centres."
                )
                % {"case": person.case_number, "status": person.get_status_display()}
            )
    current = {
        p.returnee_id: p
        for p in Placement.objects.select_for_update()
        .filter(returnee__in=people, ended_on__isnull=True)
        .select_related("centre")
    }
    for person in people:
        placement = current.get(person.pk)
        if placement is not None and placement.centre_id == centre.pk and placement.kind == kind:
            problems.append(_("%(case)s is already placed there.") % {"case": person.case_number})
        if placement is not None and started_on < placement.started_on:
            problems.append(
                _(
                    "%(case)s's current placement began on %(day)s; the new one cannot "
                    "start earlier."
                )
                % {"case": person.case_number, "day": placement.started_on.isoformat()}
            )
    moving_in = sum(
        1 for p in people if current.get(p.pk) is None or current[p.pk].centre_id != centre.pk
    )
    occupied = Placement.objects.filter(centre=centre, ended_on__isnull=True).count()
    if occupied + moving_in > centre.capacity:
        if not capacity_override_reason.strip():
            problems.append(
                _(
                    "%(centre)s has %(free)d free places for %(n)d people. A programme "
                    "manager may place beyond capacity, with a reason."
                )
                % {
                    "centre": centre.name,
                    "free": max(centre.capacity - occupied, 0),
                    "n": moving_in,
                }
            )
        elif not policy.can(actor, Action.OVERRIDE_CAPACITY):
            problems.append(_("Only a programme manager may place beyond capacity."))
    left_behind = mothers_and_children(people)
    apart = (
        Placement.objects.filter(returnee_id__in=left_behind, ended_on__isnull=True)
        .exclude(centre=centre)
        .select_related("returnee")
    )
    if apart and not family_split_reason.strip():
        problems.append(
            _("The family would be apart: %(people)s stay elsewhere. Move them too, or record why.")
            % {"people": ", ".join(p.returnee.case_number for p in apart)}
        )
    if problems:
        raise ValidationError(problems)
    created = []
    for person in people:
        placement = current.get(person.pk)
        if placement is not None:
            placement.ended_on = started_on
            placement.end_reason = reason.strip()[:300]
            placement.save(update_fields=["ended_on", "end_reason"])
        if person.status == CaseStatus.ADAPTATION:
            case_transition(
                actor=actor,
                returnee_id=person.pk,
                name="place",
                version=person.version,
                reason=reason,
                request=request,
            )
        new = Placement.objects.create(
            returnee=person,
            centre=centre,
            kind=kind,
            started_on=started_on,
            placed_by=actor,
            capacity_override_reason=capacity_override_reason.strip()[:300]
            if occupied + moving_in > centre.capacity
            else "",
            family_split_reason=family_split_reason.strip()[:300] if apart else "",
        )
        audit_record(
            actor=actor,
            kind=AuditKind.CREATE,
            record=new,
            request=request,
            changes={
                "centre": [placement.centre.name if placement else None, centre.name],
                "kind": [None, kind],
            },
            detail=reason.strip()[:200],
        )
        created.append(new)
    return created


REVIEW_EVERY_DAYS = 30


def _plan_for(returnee: Returnee) -> RehabilitationPlan:
    plan, _created = RehabilitationPlan.objects.get_or_create(returnee=returnee)
    return RehabilitationPlan.objects.select_for_update().get(pk=plan.pk)


@transaction.atomic
def plan_goal_add(
    *,
    actor,
    returnee: Returnee,
    domain: str,
    description: str,
    owner=None,
    target_date: date | None = None,
    request=None,
) -> PlanGoal:
    errors = {}
    if domain not in PlanDomain.values:
        errors["domain"] = _("Choose a domain.")
    if not description.strip():
        errors["description"] = _("Describe the goal.")
    if target_date and target_date < timezone.localdate():
        errors["target_date"] = _("The target date has passed.")
    if errors:
        raise ValidationError(errors)
    plan = _plan_for(returnee)
    goal = PlanGoal.objects.create(
        plan=plan,
        domain=domain,
        description=description.strip(),
        owner=owner,
        target_date=target_date,
        status=PlanGoal.Status.ACTIVE,
    )
    PlanEvent.objects.create(
        plan=plan,
        goal=goal,
        kind=PlanEvent.Kind.GOAL_ADDED,
        actor=actor,
        changes={"domain": [None, domain]},
    )
    audit_record(
        actor=actor,
        kind=AuditKind.CREATE,
        record=goal,
        request=request,
        changes={"domain": [None, domain]},
    )
    return goal


GOAL_FIELDS = ("status", "target_date", "owner", "description")


@transaction.atomic
def plan_goal_update(
    *, actor, goal_id: int, version: int, values: dict, note: str = "", request=None
) -> PlanGoal:
    """Change a goal; a stale version is refused; the history keeps old and new values."""
    goal = PlanGoal.objects.select_for_update().select_related("plan").get(pk=goal_id)
    if goal.version != version:
        raise StaleEdit(goal)
    refuse_unknown_fields(values, GOAL_FIELDS)
    if values.get("status") is not None and values["status"] not in PlanGoal.Status.values:
        raise ValidationError({"status": _("Choose a status.")})
    changes = versioned_save(goal, values)
    if not changes:
        return goal
    PlanEvent.objects.create(
        plan=goal.plan,
        goal=goal,
        kind=PlanEvent.Kind.GOAL_CHANGED,
        actor=actor,
        changes=changes,
        note=note.strip(),
    )
    audit_record(actor=actor, kind=AuditKind.UPDATE, record=goal, request=request, changes=changes)
    return goal


@transaction.atomic
def plan_review_record(*, actor, returnee: Returnee, note: str, request=None) -> RehabilitationPlan:
    """The monthly review: what was found, and the next review a month on."""
    if not note.strip():
        raise ValidationError({"note": _("Say what the review found.")})
    plan = _plan_for(returnee)
    today = timezone.localdate()
    plan.last_reviewed_on = today
    plan.next_review_on = today + timedelta(days=REVIEW_EVERY_DAYS)
    plan.version += 1
    plan.save()
    PlanEvent.objects.create(
        plan=plan, kind=PlanEvent.Kind.REVIEWED, actor=actor, note=note.strip()
    )
    audit_record(
        actor=actor,
        kind=AuditKind.UPDATE,
        record=plan,
        request=request,
        changes={"last_reviewed_on": [None, today.isoformat()]},
    )
    return plan


@transaction.atomic
def enrolment_add(
    *,
    actor,
    returnee: Returnee,
    level: str,
    institution: str,
    grade: str = "",
    started_on: date,
    request=None,
) -> Enrolment:
    errors = {}
    if level not in Enrolment.Level.values:
        errors["level"] = _("Choose a level.")
    if not institution.strip():
        errors["institution"] = _("Name the school or institution.")
    if started_on > timezone.localdate():
        errors["started_on"] = _("The start date is in the future.")
    if errors:
        raise ValidationError(errors)
    enrolment = Enrolment.objects.create(
        returnee=returnee,
        level=level,
        institution=institution.strip(),
        grade=grade.strip(),
        started_on=started_on,
    )
    audit_record(
        actor=actor,
        kind=AuditKind.CREATE,
        record=enrolment,
        request=request,
        changes={"level": [None, level], "institution": [None, enrolment.institution]},
    )
    return enrolment


@transaction.atomic
def attendance_record_class(
    *, actor, month: date, rows: list[tuple[int, int, int]], allowed: set[int], request=None
) -> int:
    """A month's attendance for a whole class in one go: (enrolment id, school days, days
    present) per pupil, all saved or none. `allowed` are the enrolments the user may record."""
    if month.day != 1 or month > timezone.localdate():
        raise ValidationError({"month": _("Choose a month that has begun.")})
    problems = []
    for enrolment_id, expected, present in rows:
        if enrolment_id not in allowed:
            problems.append(_("A pupil on this list is not in your class."))
        elif not 0 <= present <= expected <= 31:
            problems.append(_("Days present must be between 0 and the school days (at most 31)."))
    if problems:
        raise ValidationError(sorted(set(problems)))
    # One statement for the class (insert, or update the month already recorded).
    MonthlyAttendance.objects.bulk_create(
        [
            MonthlyAttendance(
                enrolment_id=enrolment_id,
                month=month,
                days_expected=expected,
                days_present=present,
                recorded_by=actor,
            )
            for enrolment_id, expected, present in rows
        ],
        update_conflicts=True,
        unique_fields=["enrolment", "month"],
        update_fields=["days_expected", "days_present", "recorded_by", "recorded_at"],
    )
    audit_record(
        actor=actor,
        kind=AuditKind.UPDATE,
        record_type="rehabilitation.monthlyattendance",
        record_id=month.isoformat(),
        request=request,
        changes={"pupils": [None, len(rows)]},
    )
    return len(rows)


ENROLMENT_FIELDS = ("grade", "ended_on", "teacher_notes")


@transaction.atomic
def enrolment_update(
    *, actor, enrolment_id: int, version: int, values: dict, request=None
) -> Enrolment:
    """The teacher's notes, a change of grade, or the end of an enrolment; a stale version is
    refused."""
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment_id)
    if enrolment.version != version:
        raise StaleEdit(enrolment)
    refuse_unknown_fields(values, ENROLMENT_FIELDS)
    ended = values.get("ended_on")
    if ended is not None and ended < enrolment.started_on:
        raise ValidationError({"ended_on": _("An enrolment cannot end before it began.")})
    if ended is not None and ended > timezone.localdate():
        raise ValidationError({"ended_on": _("The end date is in the future.")})
    values = {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}
    changes = versioned_save(enrolment, values)
    if not changes:
        return enrolment
    audit_record(
        actor=actor,
        kind=AuditKind.UPDATE,
        record=enrolment,
        request=request,
        changes=masked(changes, {"teacher_notes"}),
    )
    return enrolment
