"""The case workflow: named transitions between statuses, each with its preconditions.

A status changes only here. A refused transition names every precondition that failed; an
allowed one records a timeline event and an audit event in the same transaction.
Transitions that depend on later records (transit, arrival medical, placement) are added by
the apps that own those records through `register`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from repatriation import policy
from repatriation.audit.models import AuditKind
from repatriation.audit.services import audit_record, audit_records
from repatriation.policy import Action

from .models import CaseEvent, CaseStatus, ClosureReason, Returnee, VerificationDecision

S = CaseStatus
Precondition = Callable[[Returnee], str | None]  # returns the failure message, or None


class TransitionRefused(Exception):
    def __init__(self, transition: str, reasons: list[str]):
        self.transition = transition
        self.reasons = reasons
        super().__init__("; ".join(str(r) for r in reasons))


class StaleEdit(Exception):
    """The record changed since the user loaded it."""

    def __init__(self, current):
        self.current = current
        super().__init__("stale version")


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset[str]
    target: str
    preconditions: tuple[Precondition, ...] = ()
    needs_reason: bool = False
    action: Action = Action.CHANGE_STATUS
    button: str = "primary"
    # False for steps that follow from records kept elsewhere (boarding, arrival, admission):
    # they are taken by those services, never offered as a button on the case page.
    manual: bool = True
    extra: dict = field(default_factory=dict)


def age_on(returnee: Returnee, day: date | None = None) -> int:
    day = day or timezone.localdate()
    dob = returnee.date_of_birth
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def _verified(returnee: Returnee) -> str | None:
    if returnee.verification_status != VerificationDecision.VERIFIED:
        return str(_("Nationality has not been verified (a verification officer decides)."))
    return None


def _rejected(returnee: Returnee) -> str | None:
    if returnee.verification_status != VerificationDecision.REJECTED:
        return str(_("Only a rejected nationality claim makes a person not eligible."))
    return None


def _child_has_guardian(returnee: Returnee) -> str | None:
    if age_on(returnee) >= 18:
        return None
    # From the case page's prefetched guardianships when there are, else one query.
    if "guardianships" in getattr(returnee, "_prefetched_objects_cache", {}):
        current = any(g.ended_on is None for g in returnee.guardianships.all())
    else:
        current = returnee.guardianships.filter(ended_on__isnull=True).exists()
    if current:
        return None
    return str(_("A child's case cannot be closed without a guardian on record."))


TRANSITIONS: dict[str, Transition] = {}


def register(transition: Transition) -> None:
    TRANSITIONS[transition.name] = transition


for _t in (
    Transition(
        "start_verification", _("Start verification"), frozenset({S.IDENTIFIED}), S.VERIFYING
    ),
    Transition("clear", _("Clear for return"), frozenset({S.VERIFYING}), S.CLEARED, (_verified,)),
    Transition(
        "not_eligible",
        _("Not eligible"),
        frozenset({S.VERIFYING}),
        S.NOT_ELIGIBLE,
        (_rejected,),
        needs_reason=True,
        button="outline-danger",
    ),
    Transition(
        "reopen_verification",
        _("Reopen verification"),
        frozenset({S.CLEARED, S.NOT_ELIGIBLE}),
        S.VERIFYING,
        needs_reason=True,
        button="outline-secondary",
    ),
    Transition(
        "start_reintegration", _("Start reintegration"), frozenset({S.PLACED}), S.REINTEGRATION
    ),
    Transition(
        "close",
        _("Close the case"),
        frozenset(set(S.values) - {S.CLOSED, S.NOT_ELIGIBLE}),
        S.CLOSED,
        (_child_has_guardian,),
        needs_reason=True,
        button="outline-danger",
    ),
):
    register(_t)


def transitions_available(returnee: Returnee, user) -> list[Transition]:
    """The transitions this user may try from the person's current status."""
    return [
        t
        for t in TRANSITIONS.values()
        if t.manual
        and returnee.status in t.sources
        and policy.can(user, t.action)
        and not returnee.sealed_at
    ]


def preconditions_failing(transition: Transition, returnee: Returnee) -> list[str]:
    return [msg for check in transition.preconditions if (msg := check(returnee))]


@transaction.atomic
def case_transition(
    *,
    actor,
    returnee_id: int,
    name: str,
    version: int,
    reason: str = "",
    closure_reason: str = "",
    request=None,
) -> Returnee:
    """Move one case along the named transition, or raise TransitionRefused / StaleEdit."""
    transition = TRANSITIONS.get(name)
    returnee = Returnee.objects.select_for_update().get(pk=returnee_id)
    if transition is None:
        raise TransitionRefused(name, [str(_("There is no such step in the case workflow."))])
    if returnee.version != version:
        raise StaleEdit(returnee)
    _check(actor, transition, returnee, reason, closure_reason)
    before = returnee.status
    returnee.status = transition.target
    returnee.closure_reason = closure_reason if transition.target == S.CLOSED else ""
    # The day of closing starts the sealing clock.
    returnee.closed_on = timezone.localdate() if transition.target == S.CLOSED else None
    returnee.version += 1
    returnee.save(update_fields=["status", "closure_reason", "closed_on", "version", "updated_at"])
    _transition_event(returnee.pk, before, transition, reason, actor).save()
    audit_record(
        actor=actor,
        kind=AuditKind.TRANSITION,
        record=returnee,
        request=request,
        changes={"status": [before, transition.target]},
        detail=name,
    )
    return returnee


@transaction.atomic
def cases_transition(
    *, actor, people: list[Returnee], name: str, reason: str = "", request=None
) -> list[Returnee]:
    """The same step for many cases at once (everyone on a leg departs, a family is placed):
    the rows locked in one query and checked one by one as in case_transition, then saved
    with one update and one insert of case events and of audit events; all or none. A case
    changed since `people` were read is a StaleEdit."""
    transition = TRANSITIONS.get(name)
    if transition is None or transition.target == S.CLOSED:
        raise TransitionRefused(name, [str(_("There is no such step in the case workflow."))])
    versions = {person.pk: person.version for person in people}
    locked = list(Returnee.objects.select_for_update().filter(pk__in=versions).order_by("pk"))
    for returnee in locked:
        if returnee.version != versions[returnee.pk]:
            raise StaleEdit(returnee)
        _check(actor, transition, returnee, reason, "")
    before = {returnee.pk: returnee.status for returnee in locked}
    Returnee.objects.filter(pk__in=before).update(
        status=transition.target,
        closure_reason="",
        closed_on=None,
        version=F("version") + 1,
        updated_at=timezone.now(),
    )
    CaseEvent.objects.bulk_create(
        [_transition_event(pk, status, transition, reason, actor) for pk, status in before.items()]
    )
    audit_records(
        actor=actor,
        kind=AuditKind.TRANSITION,
        record_type=Returnee._meta.label_lower,
        changes_by_id={
            pk: {"status": [status, transition.target]} for pk, status in before.items()
        },
        detail=name,
        request=request,
    )
    return list(Returnee.objects.filter(pk__in=before).order_by("pk"))


def _transition_event(returnee_id, before: str, transition, reason: str, actor) -> CaseEvent:
    """The timeline's record of one case taking this step (unsaved)."""
    return CaseEvent(
        returnee_id=returnee_id,
        kind=CaseEvent.Kind.TRANSITION,
        from_status=before,
        to_status=transition.target,
        transition=transition.name,
        reason=reason.strip(),
        actor=actor,
    )


def _check(actor, transition: Transition, returnee: Returnee, reason: str, closure_reason: str):
    """Raise TransitionRefused with every reason this step may not be taken for this case."""
    name = transition.name
    if not policy.can(actor, transition.action, returnee):
        raise TransitionRefused(name, [str(_("Your role may not take this step."))])
    reasons = []
    if returnee.status not in transition.sources:
        reasons.append(
            str(_("The case is %(status)s; this step starts from elsewhere."))
            % {"status": returnee.get_status_display()}
        )
    reasons += preconditions_failing(transition, returnee)
    if transition.needs_reason and not reason.strip():
        reasons.append(str(_("A reason is required for this step.")))
    if transition.target == S.CLOSED and closure_reason not in ClosureReason.values:
        reasons.append(str(_("Choose why the case is closed.")))
    if closure_reason == ClosureReason.NOT_ELIGIBLE and (msg := _rejected(returnee)):
        reasons.append(msg)
    if reasons:
        raise TransitionRefused(name, reasons)
