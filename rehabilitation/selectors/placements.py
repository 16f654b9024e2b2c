"""Reads for rehabilitation."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from returnees.models import IntakeAssessment, Relationship, RelativeAtHome, Returnee

from ..models import Centre, Placement, PlanDomain, PlanGoal, Service
from .progress import (
    _session_queries,
    _session_rows_from,
    assessments_due_from,
    assessments_due_query,
    caregiver_unavailable_query,
    sessions_today_query,
)

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
    # Where the person is now (the adaptation facility, or the centre being left) is no
    # suggestion.
    current = Placement.objects.filter(returnee=people[0], ended_on__isnull=True).values(
        "centre_id"
    )
    centres = Centre.objects.exclude(pk__in=current).annotate(
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


ADAPTATION_DAYS = 30


@dataclass(frozen=True)
class AdaptationStatus:
    """Where one person stands in the adaptation month."""

    returnee: Returnee
    started_on: date
    due_on: date
    day: int
    items: tuple[tuple[str, bool], ...]  # (label, done)

    @property
    def missing(self) -> list[str]:
        return [label for label, done in self.items if not done]

    @property
    def overdue(self) -> bool:
        return self.day > ADAPTATION_DAYS and bool(self.missing)


def adaptation_status(*, people) -> list[AdaptationStatus]:
    """The 30-day checklist of everyone in `people` with an adaptation placement, in one
    query whatever their number: arrival medical, psychological screening, needs assessment
    (intake, with the education level), family tracing started (a relative at home or a
    relationship)."""
    return adaptation_status_from(adaptation_query(people=people))


def adaptation_query(*, people) -> QuerySet[Returnee]:
    """The rows `adaptation_status_from` reads."""
    from repatriation.medical.models import MedicalAssessment, Stage

    mine = {"returnee": OuterRef("pk")}
    if not isinstance(people, QuerySet):
        people = [person.pk for person in people]
    adapting = (
        Returnee.objects.only(*LISTED)
        .filter(
            pk__in=people,
            placements__ended_on__isnull=True,
            placements__kind=Placement.Kind.ADAPTATION,
        )
        .annotate(
            adaptation_started=F("placements__started_on"),
            arrival_done=Exists(MedicalAssessment.objects.filter(**mine, stage=Stage.ARRIVAL)),
            screening_done=Exists(
                MedicalAssessment.objects.filter(**mine, mental_health_score__isnull=False)
            ),
            intake_done=Exists(IntakeAssessment.objects.filter(**mine)),
            tracing_done=Exists(RelativeAtHome.objects.filter(**mine))
            | Exists(Relationship.objects.filter(person=OuterRef("pk"))),
        )
        .order_by("pk")
    )
    return adapting


def adaptation_status_from(adapting) -> list[AdaptationStatus]:
    today = timezone.localdate()
    # Translated once for all the people (up to 200 on a centre's page).
    arrival, screening, needs, tracing = (
        _("Arrival medical assessment"),
        _("Psychological screening"),
        _("Needs assessment and education level"),
        _("Family tracing started"),
    )
    result = []
    for person in adapting:
        started = person.adaptation_started
        result.append(
            AdaptationStatus(
                returnee=person,
                started_on=started,
                due_on=started + timedelta(days=ADAPTATION_DAYS),
                day=(today - started).days + 1,
                items=(
                    (arrival, person.arrival_done),
                    (screening, person.screening_done),
                    (needs, person.intake_done),
                    (tracing, person.tracing_done),
                ),
            )
        )
    return result


def adaptation_overdue(*, user, limit: int = 20) -> list[AdaptationStatus]:
    """People past day 30 of adaptation with checklist items still open, for the dashboard."""
    late = _in_adaptation_past_its_month(user).order_by("pk")[:200]
    return [s for s in adaptation_status(people=late) if s.overdue][:limit]


def _in_adaptation_past_its_month(user, centre: Centre | None = None):
    """People the user sees whose current placement (at `centre`, when given) is an
    adaptation begun more than 30 days ago."""
    from repatriation import policy

    past_its_month = {
        "kind": Placement.Kind.ADAPTATION,
        "started_on__lt": timezone.localdate() - timedelta(days=ADAPTATION_DAYS),
    }
    if centre is not None:
        return policy.residents_visible_to(user, centre, **past_its_month)
    return policy.returnees_visible_to(user).filter(
        placements__ended_on__isnull=True,
        **{f"placements__{key}": value for key, value in past_its_month.items()},
    )


# What My centre's lists show of each person: the rest of the record stays in the database.
LISTED = ("id", "case_number", "primary_name", "status")
RESIDENTS_PAGE = 50  # residents shown at a time, by name; "More" goes on from the last
DUE_LIMIT = 50  # most overdue first: a long list is a backlog, not a to-do list


@dataclass(frozen=True)
class CentreView:
    centre: Centre
    residents: list[Returnee]
    occupied: int
    reviews_due: list[Returnee]
    adaptation_overdue: list[AdaptationStatus]
    sessions_today: list
    assessments_due: list
    caregiver_unavailable: set[int]
    more_after: int | None = None  # the last resident shown, when there are more


def my_centres(*, user, review_horizon_days: int = 7, after: str = "") -> list[CentreView]:
    """For centre staff: each of their centres with a page of its residents (by name, from
    the resident `after`), occupancy, plans due for review within a week (or never
    reviewed), adaptation checklists overdue, today's sessions and progress assessments
    due. The due lists look at every resident and show the most overdue first; every list
    is bounded, so the page costs the same at a centre of fifty or of five thousand."""
    from repatriation import policy
    from repatriation.one_trip import fetch_together

    today = timezone.localdate()
    due_by = today + timedelta(days=review_horizon_days)
    views = []
    for centre in policy.centres_of(user):
        here = policy.residents_visible_to(user, centre).only(*LISTED)
        residents = residents_page_query(here, after)
        late = _in_adaptation_past_its_month(user, centre).order_by("placements__started_on", "pk")[
            :200
        ]
        rows = fetch_together(
            {
                "residents": residents,
                "reviews_due": here.filter(
                    Q(plan__isnull=True)
                    | Q(plan__next_review_on__isnull=True)
                    | Q(plan__next_review_on__lte=due_by)
                ).order_by(F("plan__next_review_on").asc(nulls_first=True), "primary_name", "pk")[
                    :DUE_LIMIT
                ],
                "occupied": Placement.objects.filter(centre=centre, ended_on__isnull=True)
                .order_by()
                .values("centre")
                .annotate(n=Count("pk"))
                .values_list("n", flat=True),
                "adaptation": adaptation_query(people=late.values("pk")),
                **_session_queries(user, sessions_today_query(user=user, centre=centre)),
                "assessments_due": assessments_due_query(people=here, limit=DUE_LIMIT),
            }
        )
        page, more = residents_page_from(rows["residents"])
        # Asked of the page's own ids, once they are known: as a subquery of the page, the
        # page would be read twice (16 ms at a centre of 2,800 residents).
        caregiver = set(caregiver_unavailable_query(children=[person.pk for person in page]))
        views.append(
            CentreView(
                centre=centre,
                residents=page,
                occupied=next(iter(rows["occupied"]), 0),
                reviews_due=rows["reviews_due"],
                adaptation_overdue=[
                    s for s in adaptation_status_from(rows["adaptation"]) if s.overdue
                ][:DUE_LIMIT],
                sessions_today=_session_rows_from(user, rows),
                assessments_due=assessments_due_from(rows["assessments_due"]),
                caregiver_unavailable=caregiver,
                more_after=more,
            )
        )
    return views


def residents_page(people, after: str = "", size: int = RESIDENTS_PAGE):
    """A page of `people` by name, from the resident `after` (a "More residents" link's
    id); with the last one shown when there are more, else None."""
    return residents_page_from(list(residents_page_query(people, after, size)), size)


def residents_page_query(people, after: str = "", size: int = RESIDENTS_PAGE) -> QuerySet:
    """The rows `residents_page_from` reads: one more than a page, to know if there are more."""
    page = people.order_by("primary_name", "pk")
    last = _resident_after(people, after)
    if last is not None:
        page = page.filter(
            Q(primary_name__gt=last.primary_name)
            | Q(primary_name=last.primary_name, pk__gt=last.pk)
        )
    return page[: size + 1]


def residents_page_from(rows: list, size: int = RESIDENTS_PAGE):
    more = rows[size - 1].pk if len(rows) > size else None
    return rows[:size], more


def _resident_after(here, after: str):
    """The resident a "More" link points after; anything else starts from the first."""
    if not after.isascii() or not after.isdigit() or len(after) > 18:
        return None
    return here.filter(pk=int(after)).only("pk", "primary_name").first()


def _residents_of_my_centres(user):
    """People the user may see who live now at one of the user's centres: the pupils whose
    classes the attendance sheet offers and lists. By their ids, read first (a subquery
    had the planner read every current placement: 47 ms a query at a million people)."""
    from repatriation import policy
    from repatriation.lookups import Ids

    return policy.returnees_visible_to(user).filter(pk__one_of=Ids(policy.resident_ids(user)))


def class_choices(*, user) -> list[tuple[str, str]]:
    """The classes (institution and grade) of the residents of the user's centres."""
    from ..models import Enrolment

    pairs = (
        Enrolment.objects.filter(
            ended_on__isnull=True,
            returnee__in=_residents_of_my_centres(user),
        )
        .values_list("institution", "grade")
        .distinct()
        .order_by("institution", "grade")
    )
    return [
        (f"{institution}|{grade}", f"{institution} — {grade}" if grade else institution)
        for institution, grade in pairs
    ]


def class_roster(*, user, institution: str, grade: str, month: date):
    """Pupils of one class at the user's centres, with the month's attendance if recorded."""
    from ..models import Enrolment, MonthlyAttendance

    enrolments = list(
        Enrolment.objects.filter(
            institution=institution,
            grade=grade,
            ended_on__isnull=True,
            started_on__lte=month.replace(day=28),
            returnee__in=_residents_of_my_centres(user),
        )
        .select_related("returnee")
        .order_by("returnee__primary_name", "pk")
    )
    # By the roster's ids: as a subquery, the residents' ids would be sent twice.
    recorded = {
        a.enrolment_id: a
        for a in MonthlyAttendance.objects.filter(
            enrolment__in=[e.pk for e in enrolments], month=month
        )
    }
    return [(e, recorded.get(e.pk)) for e in enrolments]
