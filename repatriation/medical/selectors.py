"""Reads of medical data. Everyone with access to a person gets `triage_of`; details only
through `assessment_for_medical_officer`, which writes the read to the audit trail."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone

from repatriation import policy
from repatriation.accounts.roles import FieldGroup
from repatriation.audit.models import AuditKind
from repatriation.audit.services import audit_record
from repatriation.policy import Action
from returnees.models import CaseStatus, Returnee

from .models import MedicalAssessment, Stage, Triage


@dataclass(frozen=True)
class TriageSummary:
    """What a non-medical user may know: the latest triage level and whether follow-up is due."""

    triage: str
    follow_up_due: bool


def triage_query(people_ids) -> QuerySet:
    """The rows `triage_from` reads: every assessment's triage, newest first per person."""
    return (
        MedicalAssessment.objects.filter(returnee__in=people_ids)
        .order_by("returnee_id", "-assessed_on", "-id")
        .values_list("returnee_id", "triage", "follow_up_due")
    )


def triage_from(rows) -> dict[int, TriageSummary]:
    today = timezone.localdate()
    latest: dict[int, TriageSummary] = {}
    for returnee_id, triage, due in rows:
        if returnee_id not in latest:
            latest[returnee_id] = TriageSummary(triage, bool(due and due <= today))
    return latest


def triage_of(returnees: list[Returnee]) -> dict[int, TriageSummary]:
    """The latest triage per person, in one query for any number of people."""
    return triage_from(triage_query([r.pk for r in returnees]))


def assessments_for(*, user, returnee: Returnee) -> QuerySet[MedicalAssessment]:
    """The person's assessments, for those allowed to see medical details."""
    if not policy.can(user, Action.VIEW_MEDICAL, returnee):
        return MedicalAssessment.objects.none()
    return returnee.medical_assessments.select_related("assessor")


def assessment_for_medical_officer(
    *, user, returnee: Returnee, pk, request=None
) -> MedicalAssessment:
    """One assessment in full: only medical officers, and the read is audited."""
    if not policy.can(user, Action.VIEW_MEDICAL, returnee):
        raise Http404
    assessment = returnee.medical_assessments.select_related("assessor").filter(pk=pk).first()
    if assessment is None:
        raise Http404
    audit_record(actor=user, kind=AuditKind.READ, record=assessment, request=request)
    return assessment


def medical_queue(*, user, horizon_days: int = 7, limit: int = 100) -> dict[str, list]:
    """Assessments due, by stage: arrivals without an arrival assessment, cleared people on an
    operation without a pre-departure check, follow-ups due within `horizon_days`."""
    people = policy.returnees_visible_to(user, field_group=FieldGroup.MEDICAL)
    has = {
        stage: Exists(MedicalAssessment.objects.filter(returnee=OuterRef("pk"), stage=stage))
        for stage in Stage.values
    }
    from repatriation.operations.models import ManifestEntry, Operation

    on_operation = Exists(
        ManifestEntry.objects.filter(
            returnee=OuterRef("pk"), operation__status__in=Operation.ACTIVE_STATUSES
        )
    )
    due_by = timezone.localdate() + timedelta(days=horizon_days)
    return {
        "pre_departure": list(
            people.filter(on_operation, status=CaseStatus.CLEARED)
            .exclude(has[Stage.PRE_DEPARTURE])
            .order_by("pk")[:limit]
        ),
        "arrival": list(
            people.filter(status__in=[CaseStatus.ARRIVED, CaseStatus.ADAPTATION])
            .exclude(has[Stage.ARRIVAL])
            .order_by("pk")[:limit]
        ),
        "follow_up": _follow_ups_due(people, due_by, limit),
    }


def _follow_ups_due(people, due_by: date, limit: int) -> list[MedicalAssessment]:
    """Latest assessment per person whose follow-up falls due by `due_by`."""
    newer = MedicalAssessment.objects.filter(
        returnee=OuterRef("returnee"), assessed_on__gt=OuterRef("assessed_on")
    )
    return list(
        MedicalAssessment.objects.filter(returnee__in=people, follow_up_due__lte=due_by)
        .exclude(Exists(newer))
        .select_related("returnee")
        .order_by("follow_up_due")[:limit]
    )


def arrival_checklist(*, operation, user) -> dict[str, list[Returnee]]:
    """For an operation: who arrived without an arrival assessment, and who is red."""
    from repatriation.operations.models import Boarding

    arrived = (
        policy.returnees_visible_to(user)
        .filter(
            manifest_entries__operation=operation,
            manifest_entries__boardings__status=Boarding.Status.BOARDED,
            manifest_entries__boardings__leg__arrives_home=True,
            manifest_entries__boardings__leg__actual_arrival__isnull=False,
        )
        .distinct()
    )
    assessed = MedicalAssessment.objects.filter(returnee=OuterRef("pk"), stage=Stage.ARRIVAL)
    people = list(
        policy.returnees_visible_to(user)
        .filter(manifest_entries__operation=operation)
        .distinct()
        .order_by("pk")
    )
    latest = triage_of(people)
    return {
        "without_arrival_assessment": list(arrived.exclude(Exists(assessed)).order_by("pk")),
        # Red now: the latest triage, as in the counts; someone since re-triaged is not listed.
        "red": [p for p in people if p.pk in latest and latest[p.pk].triage == Triage.RED],
    }
