"""Writes for reintegration and closure: the plan, follow-up visits, sealing closed cases and
"breaking the glass" to open a sealed one."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from repatriation import policy
from repatriation.audit.models import AuditKind
from repatriation.audit.services import audit_changes, audit_record
from repatriation.policy import Action
from returnees.models import CaseStatus, Returnee
from returnees.workflow import StaleEdit

from ..models import FollowUpVisit, ReintegrationPlan, SealedRecordAccess
from .versioned import refuse_unknown_fields, versioned_save

PLAN_FIELDS = (
    "destination_region",
    "destination_community",
    "housing",
    "livelihood",
    "school_transfer",
    "id_card_restored",
    "iin_restored",
    "birth_certificate_restored",
    "passport_restored",
)
# A reintegration plan is drawn up while placed and followed through reintegration.
PLANNABLE = {CaseStatus.PLACED, CaseStatus.REINTEGRATION}


@transaction.atomic
def reintegration_plan_save(
    *, actor, returnee: Returnee, version: int | None, values: dict, request=None
) -> ReintegrationPlan:
    """Create the plan (version None) or change it (a stale version is refused)."""
    refuse_unknown_fields(values, PLAN_FIELDS)
    if returnee.status not in PLANNABLE:
        raise ValidationError(
            _("A reintegration plan is made for people who are placed or reintegrating.")
        )
    errors: dict[str, str] = {}
    for name in ("destination_region", "destination_community"):
        if name in values and not (values[name] or "").strip():
            errors[name] = _("This field is required.")
    if "housing" in values and values["housing"] not in ReintegrationPlan.Housing.values:
        errors["housing"] = _("Choose the housing.")
    if errors:
        raise ValidationError(errors)
    values = {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}
    # Lock the person: two first saves of a plan queue here instead of colliding.
    Returnee.objects.select_for_update().get(pk=returnee.pk)
    plan = ReintegrationPlan.objects.select_for_update().filter(returnee=returnee).first()
    if plan is None:
        if version is not None:
            raise StaleEdit(returnee)
        missing = {"destination_region", "destination_community", "housing"} - set(values)
        if missing:
            raise ValidationError({name: _("This field is required.") for name in missing})
        plan = ReintegrationPlan.objects.create(returnee=returnee, **values)
        audit_record(
            actor=actor,
            kind=AuditKind.CREATE,
            record=plan,
            request=request,
            changes=audit_changes(before={}, after=values),
        )
        return plan
    if version != plan.version:
        raise StaleEdit(plan)
    changes = versioned_save(plan, values)
    if not changes:
        return plan
    audit_record(actor=actor, kind=AuditKind.UPDATE, record=plan, request=request, changes=changes)
    return plan


@transaction.atomic
def follow_up_visit_add(
    *,
    actor,
    returnee: Returnee,
    visited_on: date,
    findings: str,
    risk_level: str,
    next_visit_on: date | None = None,
    request=None,
) -> FollowUpVisit:
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if returnee.status not in (CaseStatus.REINTEGRATION, CaseStatus.CLOSED):
        errors["visited_on"] = _("Follow-up visits start when reintegration starts.")
    elif visited_on > today:
        errors["visited_on"] = _("The visit date is in the future.")
    if not findings.strip():
        errors["findings"] = _("Write down what the visit found.")
    if risk_level not in FollowUpVisit.Risk.values:
        errors["risk_level"] = _("Choose a risk level.")
    if next_visit_on is not None and next_visit_on <= visited_on:
        errors["next_visit_on"] = _("The next visit comes after this one.")
    if errors:
        raise ValidationError(errors)
    visit = FollowUpVisit.objects.create(
        returnee=returnee,
        visited_on=visited_on,
        visitor=actor,
        findings=findings.strip(),
        risk_level=risk_level,
        next_visit_on=next_visit_on,
    )
    audit_record(
        actor=actor,
        kind=AuditKind.CREATE,
        record=visit,
        request=request,
        changes={"risk_level": [None, risk_level]},
    )
    return visit


@transaction.atomic
def cases_seal_due(*, today: date | None = None, after_days: int | None = None) -> int:
    """Seal every case closed at least `after_days` ago. Idempotent: sealed cases are left."""
    today = today or timezone.localdate()
    after_days = settings.CASE_SEAL_AFTER_DAYS if after_days is None else after_days
    due = list(
        Returnee.objects.select_for_update(skip_locked=True)
        .filter(
            status=CaseStatus.CLOSED,
            sealed_at__isnull=True,
            closed_on__lte=today - timedelta(days=after_days),
        )
        .values_list("pk", flat=True)[:5000]
    )
    now = timezone.now()
    # updated_at moves too: partners synchronising with updated_since learn of the change.
    Returnee.objects.filter(pk__in=due).update(sealed_at=now, updated_at=now)
    for pk in due:
        audit_record(
            actor=None,
            kind=AuditKind.SEAL,
            record_type="returnees.returnee",
            record_id=str(pk),
            username="system",
            detail=f"closed for {after_days} days or more",
        )
    return len(due)


@transaction.atomic
def sealed_record_open(
    *, actor, case_number: str, justification: str, request=None
) -> Returnee | None:
    """Break the glass: a justified, audited, time-limited opening of one sealed record.

    Returns None alike for "no such case", "not sealed" and "outside your scope", so that
    the form does not reveal who is in the registry; the refusal is audited."""
    if len(justification.strip()) < 20:
        raise ValidationError(
            {"justification": _("Explain in at least 20 characters why the record must be opened.")}
        )
    wanted = case_number.strip().upper()[:20]
    returnee = (
        policy.returnees_visible_to(actor, sealed="all")
        .filter(case_number=wanted, sealed_at__isnull=False)
        .first()
        if policy.can(actor, Action.OPEN_SEALED)
        else None
    )
    if returnee is None:
        # A refused attempt is kept too: trying numbers is itself worth an auditor's look.
        audit_record(
            actor=actor,
            kind=AuditKind.BREAK_GLASS,
            record_type="returnees.returnee",
            request=request,
            detail=f"refused: {wanted}",
        )
        return None
    minutes = settings.SEALED_OPENING_MINUTES
    SealedRecordAccess.objects.create(
        returnee=returnee,
        user=actor,
        justification=justification.strip(),
        expires_at=timezone.now() + timedelta(minutes=minutes),
    )
    audit_record(
        actor=actor,
        kind=AuditKind.BREAK_GLASS,
        record=returnee,
        request=request,
        detail=justification.strip(),
    )
    return returnee
