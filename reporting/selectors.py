"""Aggregate figures. One function per figure, shared by the dashboard, the API and the monthly
PDF report, so the three always agree. Each takes the month (its first day) and the people the
audience may count; none returns anything that names a person."""

from __future__ import annotations

import calendar
import statistics
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial

from django.conf import settings
from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.utils import timezone

from rehabilitation.models import (
    Centre,
    DisengagementStage,
    Enrolment,
    FollowUpVisit,
    LegalProceeding,
    MonthlyAttendance,
    Placement,
    ProgressRating,
    Session,
)
from repatriation.concurrent_reads import read_concurrently
from repatriation.medical.models import MedicalAssessment
from returnees.models import CaseEvent, CaseStatus, NationalityVerification, Returnee, Sex
from returnees.selectors import status_counts

__all__ = [
    "Month",
    "arrivals_by_operation",
    "centre_occupancy",
    "disengagement_trend",
    "education_figures",
    "health_figures",
    "legal_by_status",
    "monthly_figures",
    "people_and_statuses",
    "people_by_sex_and_age",
    "placements_in_month",
    "psychosocial_activity",
    "psychosocial_figures",
    "reintegration_figures",
    "status_counts",
    "status_movements",
    "verification_figures",
]

IN_PROGRAMME = [
    s for s in CaseStatus.values if s not in (CaseStatus.NOT_ELIGIBLE, CaseStatus.CLOSED)
]
AGE_GROUPS = (("under_5", 0, 5), ("5_11", 5, 12), ("12_17", 12, 18), ("adults", 18, 200))


@dataclass(frozen=True)
class Month:
    first: date

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.replace(day=1))

    @property
    def last(self) -> date:
        return self.first.replace(day=calendar.monthrange(self.first.year, self.first.month)[1])

    @property
    def start(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.first, time.min))

    @property
    def end(self) -> datetime:
        """The first instant after the month."""
        return timezone.make_aware(datetime.combine(self.last + timedelta(days=1), time.min))

    def minus(self, months: int) -> Month:
        index = self.first.year * 12 + self.first.month - 1 - months
        return Month(date(index // 12, index % 12 + 1, 1))


def _about(people: QuerySet[Returnee], path: str = "returnee") -> Q:
    """Records about `people`. Everyone (the ministry's report) needs no condition: at a
    million people the semi-join to the whole registry cost more than the count itself."""
    if not people.query.has_filters():
        return Q()
    return Q(**{f"{path}__in": people})


def _born_between(on: date, low: int, high: int) -> Q:
    """Aged at least `low` and under `high` years on `on`."""

    def years_ago(n: int) -> date:
        try:
            return on.replace(year=on.year - n)
        except ValueError:  # 29 February
            return on.replace(year=on.year - n, day=28)

    return Q(date_of_birth__lte=years_ago(low), date_of_birth__gt=years_ago(high))


def _open_at_end(month: Month) -> Q:
    """A placement or enrolment begun by the month's last day and not ended by then."""
    return Q(started_on__lte=month.last) & (Q(ended_on__isnull=True) | Q(ended_on__gt=month.last))


def people_by_sex_and_age(month: Month, people: QuerySet[Returnee]) -> dict:
    """People in the programme at the month's end: women, men, girls, boys, by age group;
    orphans and unaccompanied children. One query."""
    return people_and_statuses(month, people)[0]


def people_and_statuses(month: Month, people: QuerySet[Returnee]) -> tuple[dict, dict[str, int]]:
    """What people_by_sex_and_age and status_counts give, from one pass over the registry
    (at a million people, each pass reads the whole table): the counts by status, of which
    the statuses in the programme are added up."""
    on = month.last
    adult = _born_between(on, 18, 200)
    child = ~adult
    aggregates = {
        "women": Count("pk", filter=adult & Q(sex=Sex.FEMALE)),
        "men": Count("pk", filter=adult & Q(sex=Sex.MALE)),
        "girls": Count("pk", filter=child & Q(sex=Sex.FEMALE)),
        "boys": Count("pk", filter=child & Q(sex=Sex.MALE)),
        "orphans": Count("pk", filter=child & Q(is_orphan=True)),
        "unaccompanied": Count("pk", filter=child & Q(is_unaccompanied=True)),
        "total": Count("pk"),
    }
    for name, low, high in AGE_GROUPS:
        aggregates[f"age_{name}"] = Count("pk", filter=_born_between(on, low, high))
    in_programme = dict.fromkeys(aggregates, 0)
    statuses = dict.fromkeys(CaseStatus.values, 0)
    for row in people.order_by().values("status").annotate(**aggregates):
        if row["status"] in statuses:
            statuses[row["status"]] = row["total"]
        if row["status"] in IN_PROGRAMME:
            for name in aggregates:
                in_programme[name] += row[name]
    return in_programme, statuses


def arrivals_by_operation(month: Month, people: QuerySet[Returnee]) -> dict:
    """Arrivals home (the case's step to Arrived) during the month, by operation code, and
    since the programme began."""
    arrived = CaseEvent.objects.filter(_about(people), to_status=CaseStatus.ARRIVED)
    this_month = (
        arrived.filter(occurred_at__gte=month.start, occurred_at__lt=month.end)
        .values("returnee__manifest_entries__operation__code")
        .annotate(n=Count("returnee", distinct=True))
        .order_by("returnee__manifest_entries__operation__code")
    )
    rows = [
        (row["returnee__manifest_entries__operation__code"] or "—", row["n"]) for row in this_month
    ]
    cumulative = arrived.filter(occurred_at__lt=month.end).aggregate(
        n=Count("returnee", distinct=True)
    )["n"]
    return {"rows": rows, "month": sum(n for _c, n in rows), "cumulative": cumulative}


def status_movements(month: Month, people: QuerySet[Returnee]) -> list[tuple[str, str, int]]:
    """Moves between statuses during the month: (from, to, how many)."""
    return [
        (row["from_status"], row["to_status"], row["n"])
        for row in CaseEvent.objects.filter(
            _about(people),
            kind=CaseEvent.Kind.TRANSITION,
            occurred_at__gte=month.start,
            occurred_at__lt=month.end,
        )
        .values("from_status", "to_status")
        .annotate(n=Count("pk"))
        .order_by("-n", "from_status", "to_status")
    ]


def verification_figures(month: Month, people: QuerySet[Returnee]) -> dict:
    """Pending, verified, rejected, inconclusive now; decisions in the month and the median
    days from opening to decision among them."""
    verifications = NationalityVerification.objects.filter(_about(people))
    counts = dict(
        verifications.values_list("decision").annotate(n=Count("pk")).values_list("decision", "n")
    )
    decided = verifications.filter(decided_at__gte=month.start, decided_at__lt=month.end)
    days = [(d - o).days for o, d in decided.values_list("opened_at", "decided_at")]
    return {
        "pending": counts.get("pending", 0),
        "verified": counts.get("verified", 0),
        "rejected": counts.get("rejected", 0),
        "inconclusive": counts.get("inconclusive", 0),
        "decided_in_month": len(days),
        "median_days": statistics.median(days) if days else None,
    }


def health_figures(month: Month, people: QuerySet[Returnee]) -> dict:
    """Assessments in the month by stage and by triage level; follow-ups due in the month
    and overdue at its end (counts only)."""
    assessments = MedicalAssessment.objects.filter(_about(people))
    in_month = assessments.filter(assessed_on__gte=month.first, assessed_on__lte=month.last)
    by_stage: dict[str, int] = {}
    by_triage: dict[str, int] = {}
    # Stage and triage from one read of the month's assessments.
    for stage, triage, n in in_month.values_list("stage", "triage").annotate(n=Count("*")):
        by_stage[stage] = by_stage.get(stage, 0) + n
        by_triage[triage] = by_triage.get(triage, 0) + n
    # Both counts are of follow-ups due by the month's end, counted by their due date (set in
    # every row found): the index alone answers, where counting ids read 25,000 table pages
    # at a million people.
    due = assessments.filter(follow_up_due__lte=month.last).aggregate(
        due=Count(
            "follow_up_due",
            filter=Q(follow_up_due__gte=month.first, follow_up_due__lte=month.last),
        ),
        overdue=Count(
            "follow_up_due", filter=Q(follow_up_due__lt=min(month.last, timezone.localdate()))
        ),
    )
    return {"by_stage": by_stage, "by_triage": by_triage, "total": sum(by_stage.values()), **due}


def centre_occupancy(month: Month, centres: QuerySet[Centre]) -> list[dict]:
    """Each centre: capacity, residents at the month's end, placements begun in the month.
    Placements are counted by centre id, then named: grouped by every column of the
    centre, the same count took twice as long at 680 centres."""
    began = Q(started_on__gte=month.first, started_on__lte=month.last)
    placements = Placement.objects.order_by()
    if centres.query.has_filters():
        placements = placements.filter(centre__in=centres)
    counts = {
        row["centre_id"]: row
        for row in placements.values("centre_id").annotate(
            residents=Count("pk", filter=_open_at_end(month)), placed=Count("pk", filter=began)
        )
    }
    rows = []
    for c in centres.order_by("name"):
        counted = counts.get(c.pk, {"residents": 0, "placed": 0})
        residents = counted["residents"]
        rows.append(
            {
                "name": c.name,
                "region": c.region,
                "capacity": c.capacity,
                "residents": residents,
                "placed": counted["placed"],
                "rate": round(100 * residents / c.capacity) if c.capacity else None,
            }
        )
    return rows


def education_figures(month: Month, people: QuerySet[Returnee]) -> dict:
    """Enrolled at the month's end by level; the month's attendance rate; people taking part
    in activities during the month."""
    by_level = dict(
        Enrolment.objects.filter(_open_at_end(month), _about(people))
        .values_list("level")
        .annotate(n=Count("returnee", distinct=True))
    )
    attendance = MonthlyAttendance.objects.filter(
        _about(people, "enrolment__returnee"), month=month.first
    ).aggregate(
        expected=Sum("days_expected"),
        present=Sum("days_present"),
        pupils=Count("*"),  # one row per enrolment and month (a unique constraint)
    )
    rate = (
        round(100 * attendance["present"] / attendance["expected"])
        if attendance["expected"]
        else None
    )
    from rehabilitation.models import ActivityParticipation

    active = (
        ActivityParticipation.objects.filter(_about(people), month=month.first, times__gt=0)
        .values("activity__kind")
        .annotate(n=Count("returnee", distinct=True))
    )
    return {
        "by_level": by_level,
        "attendance_rate": rate,
        "attendance_pupils": attendance["pupils"],
        "activities": {row["activity__kind"]: row["n"] for row in active},
    }


def stages_at(people: QuerySet[Returnee], points: list[date]) -> list[dict[int, str]]:
    """Each person's stage of disengagement at each of `points` (ascending dates): from their
    last assessment date up to then, the most worrying stage any rater gave that day (as the
    trajectory page combines them). The day's combination is done by the database; one walk
    over each person's days serves every point."""
    stages = list(DisengagementStage.values)  # most worrying first
    rank = Case(
        *(When(disengagement=stage, then=Value(i)) for i, stage in enumerate(stages)),
        output_field=IntegerField(),
    )
    days = (
        ProgressRating.objects.filter(_about(people), assessed_on__lte=points[-1])
        .values("returnee_id", "assessed_on")
        .annotate(worst=Min(rank))
        .order_by("returnee_id", "assessed_on")
        .values_list("returnee_id", "assessed_on", "worst")
    )
    result: list[dict[int, str]] = [{} for _ in points]
    current_person, current_stage, point_index = None, None, 0

    def close(person, stage, index):
        """The person's stage stands at every point from `index` on."""
        for later in range(index, len(points)):
            result[later][person] = stages[stage]

    for person, day, worst in days.iterator(chunk_size=10000):
        if person != current_person:
            if current_person is not None:
                close(current_person, current_stage, point_index)
            current_person, current_stage, point_index = person, None, 0
        while point_index < len(points) and points[point_index] < day:
            if current_stage is not None:
                result[point_index][person] = stages[current_stage]
            point_index += 1
        current_stage = worst
    if current_person is not None:
        close(current_person, current_stage, point_index)
    return result


def psychosocial_figures(month: Month, people: QuerySet[Returnee], trend_months: int = 12) -> dict:
    """Sessions held in the month by kind; assessments done; women and men by stage of
    disengagement at the month's end, with the trend over the last `trend_months` months."""
    return {
        **psychosocial_activity(month, people),
        **disengagement_trend(month, people, trend_months),
    }


def psychosocial_activity(month: Month, people: QuerySet[Returnee]) -> dict:
    """Sessions held in the month by kind, and the assessments done (a person's day)."""
    held = dict(
        Session.objects.filter(
            status=Session.Status.HELD,
            starts_at__gte=month.start,
            starts_at__lt=month.end,
            participants__in=people,
        )
        .values_list("kind")
        .annotate(n=Count("pk", distinct=True))
    )
    assessed = (
        ProgressRating.objects.filter(
            _about(people), assessed_on__gte=month.first, assessed_on__lte=month.last
        )
        .values("returnee", "assessed_on")
        .distinct()
        .count()
    )
    return {"sessions": held, "assessed": assessed}


def disengagement_trend(month: Month, people: QuerySet[Returnee], trend_months: int = 12) -> dict:
    """Adult women and men by stage of disengagement at the month's end, and at the end of
    each of the `trend_months` months up to it."""
    adults = people.filter(_born_between(month.last, 18, 200))
    months = [month.minus(back) for back in range(trend_months - 1, -1, -1)]
    counted = stage_counts_at(adults, [m.last for m in months])
    trend = [(point.first, counts) for point, counts in zip(months, counted, strict=True)]
    return {"stages": trend[-1][1], "trend": trend}


def stage_counts_at(people: QuerySet[Returnee], points: list[date]) -> list[dict]:
    """Women and men by stage of disengagement at each of `points`: what stages_at gives,
    counted. On PostgreSQL in one query over each person's assessment days, which the
    database keeps with each day's most worrying stage and the next day (rehabilitation
    migration 0011): at a million people, combining the ratings into days on every report
    was half of the report's work."""
    empty = [
        {sex: dict.fromkeys(DisengagementStage.values, 0) for sex in (Sex.FEMALE, Sex.MALE)}
        for _ in points
    ]
    if connection.vendor != "postgresql":
        sex_of = dict(people.values_list("pk", "sex"))
        for counts, stages in zip(empty, stages_at(people, points), strict=True):
            for person, stage in stages.items():
                if sex_of.get(person) in counts:
                    counts[sex_of[person]][stage] += 1
        return empty
    stages = list(DisengagementStage.values)  # most worrying first: `worst` is a position
    who, who_params = people.order_by().values("pk", "sex").query.sql_with_params()
    # Each day's span, from it to the person's next assessment day, covers the points from
    # the first on or after its start to the last before its end: those two positions
    # (width_bucket over the sorted points) are counted, not every span against every point.
    # Spans over before the first point count nowhere.
    sql = f"""
        SELECT w.sex, d.worst,
               width_bucket(d.assessed_on - 1, %s::date[]),
               coalesce(width_bucket(d.until - 1, %s::date[]), %s),
               count(*)
        FROM rehabilitation_ratingday d
        JOIN ({who}) AS w(id, sex) ON w.id = d.returnee_id
        WHERE d.worst IS NOT NULL AND d.assessed_on <= %s
          AND (d.until IS NULL OR d.until > %s)
        GROUP BY 1, 2, 3, 4
    """  # noqa: S608 - the subquery is the ORM's, every value a parameter
    order = sorted(range(len(points)), key=lambda i: points[i])
    ascending = [points[i] for i in order]
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [ascending, ascending, len(ascending), *who_params, ascending[-1], ascending[0]],
        )
        for sex, worst, first, stop, n in cursor.fetchall():
            for position in range(first, stop):
                counts = empty[order[position]]
                if sex in counts:
                    counts[sex][stages[worst]] += n
    return empty


def legal_by_status(people: QuerySet[Returnee]) -> dict[str, int]:
    """Proceedings by status now. For the ministry's report only."""
    return dict(
        LegalProceeding.objects.filter(_about(people)).values_list("status").annotate(n=Count("pk"))
    )


def reintegration_figures(month: Month, people: QuerySet[Returnee]) -> dict:
    """Moved to reintegration in the month, follow-up visits made, cases closed by reason."""
    events = CaseEvent.objects.filter(
        _about(people),
        kind=CaseEvent.Kind.TRANSITION,
        occurred_at__gte=month.start,
        occurred_at__lt=month.end,
    )
    closed = dict(
        people.filter(closed_on__gte=month.first, closed_on__lte=month.last)
        .values_list("closure_reason")
        .annotate(n=Count("pk"))
    )
    return {
        "reintegrated": events.filter(to_status=CaseStatus.REINTEGRATION).count(),
        "visits": FollowUpVisit.objects.filter(
            _about(people), visited_on__gte=month.first, visited_on__lte=month.last
        ).count(),
        "closed": closed,
    }


def placements_in_month(month: Month, people: QuerySet[Returnee]) -> dict:
    """Placements begun in the month: first placements and transfers between centres."""
    began = Placement.objects.filter(
        _about(people), started_on__gte=month.first, started_on__lte=month.last
    ).exclude(kind=Placement.Kind.ADAPTATION)
    earlier = (
        Placement.objects.filter(returnee=OuterRef("returnee"), ended_on=OuterRef("started_on"))
        .exclude(pk=OuterRef("pk"))
        .exclude(kind=Placement.Kind.ADAPTATION)
    )
    counts = began.aggregate(placed=Count("pk"), transfers=Count("pk", filter=Exists(earlier)))
    return {"placed": counts["placed"], "transfers": counts["transfers"]}


# The parts of the report an audience may be given beyond who is in the programme, where
# and how they move: each needs its field group (the ministry has them all).
OPTIONAL_SECTIONS = {
    "verification": verification_figures,
    "health": health_figures,
    "education": education_figures,
    "psychosocial": psychosocial_figures,
    "reintegration": reintegration_figures,
}


def monthly_figures(
    month: Month,
    *,
    people: QuerySet[Returnee],
    centres: QuerySet[Centre],
    sections=tuple(OPTIONAL_SECTIONS),
    include_legal: bool = False,
) -> dict:
    """Every figure of the monthly progress report, for the people and centres an audience
    may count, and the `sections` it may see. Legal proceedings only where `include_legal`
    (the ministry's report)."""
    jobs = {}
    if "psychosocial" in sections:  # the longest first: the trend reads every rating
        jobs["trend"] = partial(disengagement_trend, month, people)
        jobs["psychosocial"] = partial(psychosocial_activity, month, people)
    jobs |= {
        name: partial(OPTIONAL_SECTIONS[name], month, people)
        for name in ("education", "health", "reintegration", "verification")
        if name in sections
    }
    jobs |= {
        "centres": partial(centre_occupancy, month, centres),
        "population": partial(people_and_statuses, month, people),
        "arrivals": partial(arrivals_by_operation, month, people),
        "placements": partial(placements_in_month, month, people),
        "movements": partial(status_movements, month, people),
    }
    if include_legal:
        jobs["legal"] = partial(legal_by_status, people)
    figures = read_concurrently(jobs, connections=settings.REPORT_FIGURE_CONNECTIONS)
    if "trend" in figures:
        figures["psychosocial"] |= figures.pop("trend")
    figures["people"], figures["statuses"] = figures.pop("population")
    order = ["people", "arrivals", "statuses", "movements", "centres", "placements"]
    return {name: figures[name] for name in [*order, *sections, "legal"] if name in figures}


def placed_at_month_end(month: Month, centres) -> Exists:
    """People with a placement at one of `centres` on the month's last day."""
    return Exists(
        Placement.objects.filter(_open_at_end(month), returnee=OuterRef("pk"), centre__in=centres)
    )
