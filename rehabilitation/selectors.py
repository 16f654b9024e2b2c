"""Reads for rehabilitation."""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from returnees.models import Returnee

from .models import Centre, PlanDomain, PlanGoal, Service

# What each domain of a plan needs a centre to offer.
DOMAIN_SERVICES = {
    PlanDomain.PSYCHOSOCIAL: {Service.PSYCHOLOGY},
    PlanDomain.RELIGIOUS_COUNSELLING: {Service.THEOLOGY},
    PlanDomain.LEGAL: {Service.LEGAL_AID},
    PlanDomain.LIVELIHOOD: {Service.VOCATIONAL},
    PlanDomain.FAMILY: {Service.SOCIAL_WORK},
}


@dataclass(frozen=True)
class Suggestion:
    centre: Centre
    score: int
    free: int
    reasons: tuple[str, ...]


def services_needed(*, people: list[Returnee]) -> set[str]:
    """Services the people's plans call for, and schooling for the children among them."""
    needed: set[str] = set()
    for domain in (
        PlanGoal.objects.filter(plan__returnee__in=people)
        .exclude(status=PlanGoal.Status.DROPPED)
        .values_list("domain", flat=True)
    ):
        needed |= DOMAIN_SERVICES.get(domain, set())
    today = timezone.localdate()
    for person in people:
        age = (today - person.date_of_birth).days / 365.25
        if age < 6:
            needed.add(Service.PRESCHOOL)
        elif age < 18:
            needed.add(Service.SCHOOL_LIAISON)
    return needed


def placement_suggestions(*, people: list[Returnee], limit: int = 5) -> list[Suggestion]:
    """Centres ranked for a family leaving adaptation: near relatives at home, room for all of
    them, the services their plans need. The caseworker picks; the reasons are shown."""
    regions = set(
        Returnee.objects.filter(pk__in=[p.pk for p in people]).values_list(
            "relatives_at_home__region", flat=True
        )
    ) - {None}
    needed = services_needed(people=people)
    centres = Centre.objects.annotate(
        occupied=Count("placements", filter=Q(placements__ended_on__isnull=True))
    )
    ranked = []
    for centre in centres:
        free = centre.capacity - centre.occupied
        reasons, score = [], 0
        if centre.region in regions:
            score += 50
            reasons.append(_("relatives at home in %(region)s") % {"region": centre.region})
        if free >= len(people):
            score += 30
            reasons.append(_("%(n)d free places") % {"n": free})
        else:
            reasons.append(_("only %(n)d free places") % {"n": max(free, 0)})
        offered = needed & set(centre.services or [])
        if needed:
            score += round(20 * len(offered) / len(needed))
            missing = needed - offered
            reasons.append(
                _("offers %(offered)d of %(needed)d services needed")
                % {"offered": len(offered), "needed": len(needed)}
                + (
                    " (" + ", ".join(str(Service(m).label) for m in sorted(missing)) + ")"
                    if missing
                    else ""
                )
            )
        ranked.append(Suggestion(centre, score, free, tuple(reasons)))
    ranked.sort(key=lambda s: (-s.score, -s.free, s.centre.name))
    return ranked[:limit]
