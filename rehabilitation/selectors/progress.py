"""Reads for progress records, legal proceedings and reintegration. Each starts from what the
policy lets the user see; each case-page section is a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from repatriation import policy
from repatriation.accounts.roles import FieldGroup
from repatriation.one_trip import fetch_together
from returnees.models import Relationship, Returnee

from ..models import (
    Activity,
    ActivityParticipation,
    AssessmentInstrument,
    CustodyPeriod,
    DisengagementStage,
    Enrolment,
    LegalProceeding,
    ProgressRating,
    Session,
)


def month_start(day: date) -> date:
    return day.replace(day=1)


def months_back(day: date, n: int) -> date:
    """The first day of the month `n` months before `day`'s month."""
    index = day.year * 12 + day.month - 1 - n
    return date(index // 12, index % 12 + 1, 1)


def _education_queries(*, returnee: Returnee) -> dict:
    """Enrolments, and their last six months of attendance (newest first)."""
    from ..models import MonthlyAttendance

    since = months_back(timezone.localdate(), 5)
    return {
        "enrolments": Enrolment.objects.filter(returnee=returnee),
        "enrolment_attendance": MonthlyAttendance.objects.filter(
            enrolment__returnee=returnee, month__gte=since
        ).order_by("-month"),
    }


def _education_from(rows: dict) -> list[Enrolment]:
    attendance = defaultdict(list)
    for month in rows["enrolment_attendance"]:
        attendance[month.enrolment_id].append(month)
    for enrolment in rows["enrolments"]:
        enrolment.recent_attendance = attendance[enrolment.pk]
    return rows["enrolments"]


def _activities_query(*, returnee: Returnee, months: int = 6):
    since = months_back(timezone.localdate(), months - 1)
    return (
        ActivityParticipation.objects.filter(returnee=returnee, month__gte=since)
        .select_related("activity")
        .order_by("-month", "activity__name")
    )


@dataclass
class SessionRow:
    session: Session
    participants: list[Returnee]
    notes_visible: bool


def _session_queries(user, sessions) -> dict:
    """The sessions, to be read with a page's other lists; `_session_rows_from` then reads
    their participants the user may see."""
    return {"sessions": sessions.select_related("facilitator", "centre")}


def _session_rows_from(user, rows: dict) -> list[SessionRow]:
    sessions = rows["sessions"]
    people: dict[int, list[Returnee]] = defaultdict(list)
    if sessions:
        # By the sessions' ids, once known: as a subquery of the sessions' own query, the
        # planner hashed every person in scope (66 ms at 100,000 people for 17 sessions).
        for row in Session.participants.through.objects.filter(
            session__in=[s.pk for s in sessions],
            returnee__in=policy.returnees_visible_to(user, FieldGroup.PSYCHOSOCIAL),
        ).select_related("returnee"):
            people[row.session_id].append(row.returnee)
    return [SessionRow(s, people[s.pk], policy.may_read_session_notes(user, s)) for s in sessions]


def _session_rows(user, sessions) -> list[SessionRow]:
    return _session_rows_from(user, fetch_together(_session_queries(user, sessions)))


def _sessions_of_query(*, user, returnee: Returnee, limit: int):
    """The person's newest sessions the user may see."""
    return (
        policy.sessions_visible_to(user)
        .filter(participants=returnee)
        .order_by("-starts_at")[:limit]
    )


def session_get_for_user(*, user, pk) -> SessionRow:
    from django.http import Http404

    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    rows = _session_rows(user, policy.sessions_visible_to(user).filter(pk=pk))
    if not rows:
        raise Http404
    return rows[0]


def sessions_today_query(*, user, centre):
    today = timezone.localdate()
    start = timezone.make_aware(timezone.datetime.combine(today, timezone.datetime.min.time()))
    return (
        policy.sessions_visible_to(user)
        .filter(centre=centre, starts_at__gte=start, starts_at__lt=start + timedelta(days=1))
        .order_by("starts_at")
    )


def sessions_today(*, user, centre) -> list[SessionRow]:
    return _session_rows(user, sessions_today_query(user=user, centre=centre))


@dataclass
class AssessmentPoint:
    """One assessment date on one instrument: each domain's mean over the raters, the raters,
    and the combined stage of disengagement (the most worrying any rater gave)."""

    instrument: AssessmentInstrument
    assessed_on: date
    means: dict[str, float]
    ratings: list[ProgressRating] = field(default_factory=list)

    @property
    def stage(self) -> str:
        order = list(DisengagementStage.values)
        return min((r.disengagement for r in self.ratings), key=order.index)

    @property
    def stage_label(self) -> str:
        return DisengagementStage(self.stage).label


def _ratings_query(*, returnee: Returnee):
    return (
        ProgressRating.objects.filter(returnee=returnee)
        .select_related("instrument", "rater")
        .order_by("assessed_on", "instrument_id", "id")
    )


def trajectory(*, returnee: Returnee) -> list[AssessmentPoint]:
    """Every assessment of the person, oldest first, one point per instrument and date."""
    return _trajectory_from(_ratings_query(returnee=returnee))


def _trajectory_from(ratings) -> list[AssessmentPoint]:
    grouped: dict[tuple[int, date], list[ProgressRating]] = defaultdict(list)
    for rating in ratings:
        grouped[(rating.instrument_id, rating.assessed_on)].append(rating)
    points = []
    for (_instrument, day), rows in grouped.items():
        instrument = rows[0].instrument
        means = {
            code: round(sum(r.scores.get(code, 0) for r in rows) / len(rows), 2)
            for code in instrument.domain_codes()
        }
        points.append(AssessmentPoint(instrument, day, means, rows))
    return points


# Progress (and disengagement) is rated from adolescence; younger children are followed
# through their plan, school and sessions instead.
RATED_FROM_AGE = 12


def _due_rule() -> tuple[date, list[AssessmentInstrument], date]:
    """Who is due an assessment: born on or before the first date, not rated on one of the
    active instruments since the last date (the shortest interval among them)."""
    today = timezone.localdate()
    born_by = today.replace(year=today.year - RATED_FROM_AGE, day=min(today.day, 28))
    instruments = list(AssessmentInstrument.objects.filter(is_active=True))
    cutoff = today - timedelta(days=min((i.interval_days for i in instruments), default=0))
    return born_by, instruments, cutoff


def assessments_due(*, people, limit: int) -> list[tuple[Returnee, date | None]]:
    """Among `people` (a queryset of any size), those aged 12 or more with no rating on an
    active instrument within its interval: (person, last assessment date or None), never
    rated first, then the longest ago; `limit` of them, in one query."""
    return assessments_due_from(assessments_due_query(people=people, limit=limit))


def assessments_due_query(*, people, limit: int) -> QuerySet[Returnee]:
    """The rows `assessments_due_from` reads (none when no instrument is active)."""
    born_by, instruments, cutoff = _due_rule()
    if not instruments:
        return Returnee.objects.none()
    last = (
        ProgressRating.objects.filter(returnee=OuterRef("pk"), instrument__in=instruments)
        .order_by("-assessed_on")
        .values("assessed_on")[:1]
    )
    # "Never rated, or last rated by the cutoff" asked as "no rating since": one probe of
    # the ratings' index per resident, where a filter on the annotation repeats its
    # subquery at each use (three per resident of a centre of 2,800 at a million people).
    rated_since = ProgressRating.objects.filter(
        returnee=OuterRef("pk"), instrument__in=instruments, assessed_on__gt=cutoff
    )
    return (
        people.filter(~Exists(rated_since), date_of_birth__lte=born_by)
        .annotate(last_rated=Subquery(last))
        .order_by(F("last_rated").asc(nulls_first=True), "primary_name", "pk")[:limit]
    )


def assessments_due_from(due) -> list[tuple[Returnee, date | None]]:
    return [(person, person.last_rated) for person in due]


def legal_of(*, returnee: Returnee) -> list[LegalProceeding]:
    return list(
        returnee.legal_proceedings.prefetch_related("custody_periods").select_related("created_by")
    )


def _custody_running(day: date | None) -> Q:
    """Custody periods running on `day` (today when None)."""
    day = day or timezone.localdate()
    return Q(started_on__lte=day) & (Q(ended_on__isnull=True) | Q(ended_on__gte=day))


def in_custody(*, people_ids, day: date | None = None) -> set[int]:
    """Ids of those among `people_ids` who are in custody on `day`."""
    return set(
        CustodyPeriod.objects.filter(
            _custody_running(day), proceeding__returnee_id__in=people_ids
        ).values_list("proceeding__returnee_id", flat=True)
    )


def caregiver_unavailable_query(*, children, day: date | None = None) -> QuerySet:
    """Ids of those among `children` (ids, or a query of them) whose mother or father is in
    custody on `day`: the rows `caregiver_unavailable` reads."""
    held = CustodyPeriod.objects.filter(
        _custody_running(day), proceeding__returnee=OuterRef("relative")
    )
    return (
        Relationship.objects.filter(
            person__in=children, kind__in=[Relationship.Kind.MOTHER, Relationship.Kind.FATHER]
        )
        .filter(Exists(held))
        .order_by()
        .values_list("person_id", flat=True)
    )


def caregiver_unavailable(*, children_ids) -> set[int]:
    """Children whose mother or father is in custody today. Says nothing of why: the legal
    details stay with legal officers; the children's carers need only know the parent
    cannot care for them."""
    return set(caregiver_unavailable_query(children=children_ids))


def activity_sheet(*, user, activity: Activity, month: date, after: str = ""):
    """A page of the residents of the activity's centre the user may record for, by name
    from the resident `after`, each with the month's figure; and the last resident shown
    when there are more (every resident is reached, a page at a time)."""
    from ..services.progress import residents_for_records
    from .placements import residents_page

    # One active placement per person (a constraint), so the join repeats nobody.
    people, more = residents_page(
        residents_for_records(actor=user, centre=activity.centre).only(
            "id", "case_number", "primary_name"
        ),
        after,
    )
    recorded = {
        row.returnee_id: row
        for row in ActivityParticipation.objects.filter(
            activity=activity, month=month, returnee__in=people
        )
    }
    return [(person, recorded.get(person.pk)) for person in people], more


def activities_for(*, user) -> list[Activity]:
    """Activities at the user's centres, running now or recently."""
    return list(
        Activity.objects.filter(centre__in=policy.user_centres(user))
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=months_back(timezone.localdate(), 3)))
        .select_related("centre")
        .order_by("centre__name", "name")
    )


def case_section_queries(*, user, person: Returnee, groups: frozenset[FieldGroup]):
    """What the case page shows of rehabilitation, cut by the policy: education, activities,
    sessions and progress (psychosocial), legal (legal group: a count and a link; details on
    their own audited page), reintegration, and whether a parent is in custody. Returns
    what the user sees and the queries to read together; `case_sections_from` builds the
    sections from their rows."""
    from repatriation.policy import Action

    from ..models import FollowUpVisit, ReintegrationPlan, SealedRecordAccess

    sees = {
        "education": policy.can(user, Action.VIEW_EDUCATION, person),
        "psychosocial": policy.can(user, Action.VIEW_PSYCHOSOCIAL, person),
        "legal": policy.can(user, Action.VIEW_LEGAL, person),
        "reintegration": policy.can(user, Action.VIEW_REINTEGRATION, person),
    }
    queries: dict = {}
    if sees["education"]:
        queries.update(_education_queries(returnee=person))
    if sees["psychosocial"]:
        queries["activity_rows"] = _activities_query(returnee=person)
        queries.update(
            _session_queries(user, _sessions_of_query(user=user, returnee=person, limit=10))
        )
        queries["ratings"] = _ratings_query(returnee=person)
    if sees["legal"]:
        queries["legal"] = LegalProceeding.objects.filter(returnee=person).values_list(
            "pk", flat=True
        )
    if sees["reintegration"]:
        queries["reintegration_plan"] = ReintegrationPlan.objects.filter(returnee=person).order_by(
            "pk"
        )[:1]
        queries["last_visit"] = FollowUpVisit.objects.filter(returnee=person)[:1]
    # Only for those who look after the child (family or psychosocial groups), and only for
    # children: others learn nothing of a parent's custody. `groups`: the user's field
    # groups for this person, which the case page has already asked the policy for.
    if (
        groups & {FieldGroup.FAMILY, FieldGroup.PSYCHOSOCIAL}
        and (timezone.localdate() - person.date_of_birth).days < 18 * 365.25
    ):
        queries["parents_in_custody"] = caregiver_unavailable_query(children=[person.pk])[:1]
    if person.sealed_at:
        queries["seal_opening"] = SealedRecordAccess.objects.filter(
            returnee=person, user=user, expires_at__gt=timezone.now()
        ).order_by("-expires_at")[:1]
    return sees, queries


def case_sections_from(*, user, person: Returnee, sees: dict, rows: dict) -> dict:
    """The case page's rehabilitation sections from the rows of `case_section_queries`."""
    from repatriation.policy import Action

    from ..services.progress import RATER_DISCIPLINES

    context: dict = {"rehab_sees": sees}
    if sees["education"]:
        context["enrolments"] = _education_from(rows)
    if sees["psychosocial"]:
        context["activity_rows"] = rows["activity_rows"]
        context["session_rows"] = _session_rows_from(user, rows)
        points = _trajectory_from(rows["ratings"])
        context["latest_assessment"] = points[-1] if points else None
        context["assessment_count"] = len(points)
        context["can_rate"] = policy.can(user, Action.RECORD_PROGRESS, person) and (
            getattr(user, "discipline", "") in RATER_DISCIPLINES
        )
    if sees["legal"]:
        context["legal_count"] = len(rows["legal"])
    if sees["reintegration"]:
        # The section belongs to people placed, reintegrating or closed.
        context["reintegration_stage"] = person.status in {"placed", "reintegration", "closed"}
        context["reintegration_plan"] = next(iter(rows["reintegration_plan"]), None)
        context["last_visit"] = next(iter(rows["last_visit"]), None)
        context["can_edit_reintegration"] = policy.can(user, Action.EDIT_REINTEGRATION, person)
    context["caregiver_unavailable"] = bool(rows.get("parents_in_custody"))
    if person.sealed_at:
        context["seal_opening"] = next(iter(rows["seal_opening"]), None)
    return context
