"""Reads for operations. People on a manifest are shown only as far as the policy allows."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from repatriation import policy
from repatriation.medical.selectors import TriageSummary, triage_of
from repatriation.policy import Action
from returnees.models import CaseStatus

from .models import Boarding, ManifestEntry, Operation, TransitLeg

ARRIVED_OR_LATER = [
    CaseStatus.ARRIVED,
    CaseStatus.ADAPTATION,
    CaseStatus.PLACED,
    CaseStatus.REINTEGRATION,
    CaseStatus.CLOSED,
]


def operation_get_for_user(user, pk, action: Action = Action.VIEW_OPERATIONS) -> Operation:
    if not policy.can(user, action):
        raise Http404
    operation = Operation.objects.filter(pk=pk).first()
    if operation is None:
        raise Http404
    return operation


def operation_list(*, user) -> list[Operation]:
    if not policy.can(user, Action.VIEW_OPERATIONS):
        return []
    return list(
        Operation.objects.annotate(
            planned=Count("manifest", distinct=True),
            arrived=Count(
                "manifest", filter=Q(manifest__returnee__status__in=ARRIVED_OR_LATER), distinct=True
            ),
        ).order_by("-planned_departure", "code")[:200]
    )


@dataclass
class ManifestRow:
    entry: ManifestEntry
    boardings: dict[int, Boarding]  # by leg id
    triage: TriageSummary | None


@dataclass
class OperationView:
    operation: Operation
    legs: list[TransitLeg]
    rows: list[ManifestRow]
    counts: dict[str, int]
    triage_counts: dict[str, int]


def operation_detail(*, user, operation: Operation) -> OperationView:
    """The manifest by leg, in a fixed number of queries whatever its length."""
    visible = policy.returnees_visible_to(user)
    legs = list(operation.legs.select_related("origin", "destination"))
    entries = list(
        operation.manifest.filter(returnee__in=visible)
        .select_related("returnee", "returnee__household")
        .prefetch_related(Prefetch("boardings", queryset=Boarding.objects.all()))
        .order_by("returnee__household_id", "returnee__date_of_birth")
    )
    legs_by_id = {leg.pk: leg for leg in legs}
    for entry in entries:
        for boarding in entry.boardings.all():
            boarding.leg = legs_by_id[boarding.leg_id]  # already loaded: no query per cell
    triage = triage_of([e.returnee for e in entries])
    rows = [
        ManifestRow(e, {b.leg_id: b for b in e.boardings.all()}, triage.get(e.returnee_id))
        for e in entries
    ]
    first = legs[0].pk if legs else None
    counts = {
        "planned": len(rows),
        "boarded": sum(
            1
            for r in rows
            if first
            and r.boardings.get(first)
            and r.boardings[first].status == Boarding.Status.BOARDED
        ),
        "arrived": sum(1 for r in rows if r.entry.returnee.status in ARRIVED_OR_LATER),
    }
    triage_counts = {"green": 0, "yellow": 0, "red": 0, "none": 0}
    for row in rows:
        triage_counts[row.triage.triage if row.triage else "none"] += 1
    return OperationView(operation, legs, rows, counts, triage_counts)


def manifest_for_leg(*, user, leg: TransitLeg) -> QuerySet[Boarding]:
    """The people on one leg, grouped by family, for the printable manifest."""
    return (
        leg.boardings.filter(entry__returnee__in=policy.returnees_visible_to(user))
        .select_related("entry__returnee", "entry__returnee__household")
        .prefetch_related("entry__returnee__names")
        .order_by("entry__returnee__household_id", "entry__returnee__date_of_birth")
    )
