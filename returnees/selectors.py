"""Reads of the registry. Each starts from the policy-scoped queryset."""

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from rehabilitation.models import Placement
from repatriation import policy

from .models import CaseStatus, Relationship, Returnee


@dataclass(frozen=True)
class ReturneeFilters:
    status: str = ""
    query: str = ""


@dataclass(frozen=True)
class ReturneePage:
    people: list[Returnee]
    next_before: int | None


def returnee_list(
    *, user, filters: ReturneeFilters, before: int | None = None, size: int = 50
) -> ReturneePage:
    """Newest first, keyset-paginated by id so a page costs the same at any depth."""
    people: QuerySet[Returnee] = policy.returnees_visible_to(user)
    if filters.status:
        people = people.filter(status=filters.status)
    if filters.query:
        q = filters.query.strip()
        if q.upper().startswith("KZ-"):
            # Case numbers are stored upper-case, so the unique index answers this.
            people = people.filter(case_number=q.upper())
        else:
            people = people.filter(primary_name__icontains=q) | people.filter(
                name_latin__icontains=q
            )
    if before is not None:
        people = people.filter(pk__lt=before)
    rows = list(people.order_by("-pk")[: size + 1])
    next_before = rows[size - 1].pk if len(rows) > size else None
    return ReturneePage(rows[:size], next_before)


def returnee_detail(*, returnee: Returnee) -> Returnee:
    """The person with what the case page shows, in a fixed number of queries."""
    return (
        Returnee.objects.select_related("household", "assigned_caseworker")
        .prefetch_related(
            Prefetch("placements", queryset=Placement.objects.select_related("centre")),
            Prefetch("relationships", queryset=Relationship.objects.select_related("relative")),
        )
        .get(pk=returnee.pk)
    )


def status_counts() -> dict[str, int]:
    """People in each status; an aggregate that carries no personal data."""
    from django.db.models import Count

    counts = dict(
        Returnee.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in CaseStatus.values}
