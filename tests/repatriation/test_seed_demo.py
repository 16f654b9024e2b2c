"""seed_demo: deterministic, realistic, every status, families and orphans, idempotent."""

import re
from datetime import date

import pytest
from django.core.management import call_command
from django.utils import timezone

from rehabilitation.models import Centre, Placement
from repatriation.accounts.models import User
from repatriation.accounts.roles import Role
from repatriation.demo import DEMO_PASSWORD, DEMO_USERS
from returnees.models import CaseStatus, Relationship, Returnee

CYRILLIC = re.compile(r"[\u0400-\u04FF]")
KAZAKH_LETTERS = re.compile(r"[әғқңөұүһіӘҒҚҢӨҰҮҺІ]")
ARABIC = re.compile(r"[\u0600-\u06FF]")


def _record_counts() -> dict[str, int]:
    from rehabilitation import models as rehab

    return {
        model.__name__: model.objects.count()
        for model in (
            User,
            Placement,
            rehab.RehabilitationPlan,
            rehab.PlanGoal,
            rehab.PlanEvent,
            rehab.Enrolment,
            rehab.MonthlyAttendance,
            rehab.Activity,
            rehab.ActivityParticipation,
            rehab.Session,
            rehab.Session.participants.through,
            rehab.ProgressRating,
            rehab.LegalProceeding,
            rehab.CustodyPeriod,
            rehab.ReintegrationPlan,
            rehab.FollowUpVisit,
        )
    }


def _snapshot():
    return list(
        Returnee.objects.order_by("case_number").values_list(
            "case_number", "primary_name", "sex", "date_of_birth", "status"
        )
    )


@pytest.fixture
def seeded(db):
    call_command("seed_demo", returnees=400, seed=7, stdout=open("/dev/null", "w"))  # noqa: SIM115
    return _snapshot()


def test_every_status_and_realistic_people(seeded):
    assert len(seeded) == 400
    assert {row[4] for row in seeded} == set(CaseStatus.values)
    names = [row[1] for row in seeded]
    assert any(CYRILLIC.search(n) for n in names)
    assert any(KAZAKH_LETTERS.search(n) for n in names)
    assert any(ARABIC.search(n) for n in names)
    assert Returnee.objects.filter(is_orphan=True, is_unaccompanied=True).exists()
    assert len({row[0] for row in seeded}) == 400
    assert all(re.fullmatch(r"KZ-20\d\d-\d{6}", row[0]) for row in seeded)


def test_mothers_with_several_children(seeded):
    from django.db.models import Count

    mothers = (
        Relationship.objects.filter(kind=Relationship.Kind.CHILD)
        .values("person")
        .annotate(children=Count("id"))
        .filter(children__gte=3)
    )
    assert mothers.exists()
    for link in Relationship.objects.filter(kind=Relationship.Kind.MOTHER).select_related(
        "person", "relative"
    )[:200]:
        assert link.relative.sex == "F"
        assert link.relative.date_of_birth < link.person.date_of_birth
        assert link.person.household_id == link.relative.household_id


def test_waves_with_legs_boarding_and_medical_checks(seeded):
    from repatriation.medical.models import MedicalAssessment
    from repatriation.operations.models import Boarding, Operation

    assert Operation.objects.filter(status="completed").count() >= 4
    active = Operation.objects.get(status="active")
    assert active.legs.count() == 2
    assert active.legs.filter(actual_departure__isnull=False, actual_arrival__isnull=True).exists()
    in_transit = Returnee.objects.filter(status="in_transit")
    assert in_transit.exists()
    assert all(p.manifest_entries.filter(operation=active).exists() for p in in_transit)
    assert Boarding.objects.filter(status="boarded").exists()
    arrived = Returnee.objects.filter(status__in=["arrived", "adaptation", "placed"])
    assert MedicalAssessment.objects.filter(returnee__in=arrived, stage="arrival").exists()
    assert MedicalAssessment.objects.filter(triage="red").exists()


def test_placed_people_have_one_active_placement(seeded):
    placed = Returnee.objects.filter(status__in=["placed", "adaptation"])
    assert placed.exists()
    assert Placement.objects.filter(ended_on__isnull=True).count() == placed.count()


def test_no_centre_is_over_capacity(seeded):
    """Every centre has room for its residents, the demo staff's busy one too (it once
    showed "105 of 40 places taken")."""
    from django.db.models import Count, Q

    centres = Centre.objects.annotate(
        residents=Count("placements", filter=Q(placements__ended_on__isnull=True))
    )
    assert centres.exists()
    for centre in centres:
        assert centre.residents <= centre.capacity * 0.85 + 1, (centre.name, centre.residents)
    busiest = max(centres, key=lambda c: c.residents)
    assert busiest.residents > 40  # the sizing was needed: the first centre takes a fifth


def test_deterministic_and_idempotent(seeded, django_db_blocker):
    from repatriation.audit.models import AuditEvent

    records = _record_counts()
    events = AuditEvent.objects.count()
    call_command("seed_demo", returnees=400, seed=7, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _snapshot() == seeded
    assert User.objects.filter(username__in=[u for u, *_ in DEMO_USERS]).count() == len(DEMO_USERS)
    # A second run adds nothing at all: no records, no users, no audit events.
    assert _record_counts() == records
    assert AuditEvent.objects.count() == events
    # The same seed into an empty registry gives the same people.
    from django.db import connection

    with connection.cursor() as cursor:
        for table in (
            "rehabilitation_session_participants",
            "rehabilitation_session",
            "rehabilitation_activityparticipation",
            "rehabilitation_monthlyattendance",
            "rehabilitation_enrolment",
            "rehabilitation_progressrating",
            "rehabilitation_custodyperiod",
            "rehabilitation_legalproceeding",
            "rehabilitation_followupvisit",
            "rehabilitation_reintegrationplan",
            "rehabilitation_planevent",
            "operations_boarding",
            "medical_medicalassessment",
            "operations_manifestentry",
            "rehabilitation_placement",
            "rehabilitation_plangoal",
            "rehabilitation_rehabilitationplan",
            "returnees_guardianshipvisit",
            "returnees_guardianship",
            "returnees_relativeathome",
            "returnees_evidenceitem",
            "returnees_nationalityverification",
            "returnees_caseevent",
            "returnees_intakeassessment",
            "returnees_returneename",
            "returnees_relationship",
            "returnees_duplicatedecision",
            "returnees_document",
            "returnees_returnee",
            "returnees_household",
        ):
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608
    call_command("seed_demo", returnees=400, seed=7, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _snapshot() == seeded
    assert _record_counts() == records


def test_one_demo_user_per_role_can_sign_in(seeded, client):
    roles = {role for _, role, *_ in DEMO_USERS}
    # The integration role belongs to API clients' service accounts, never to a person.
    assert roles == set(Role) - {Role.INTEGRATION}
    for username, role, *_ in DEMO_USERS:
        user = User.objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD)
        assert list(user.groups.values_list("name", flat=True)) == [role.value]


def test_every_centre_has_a_team_and_the_demo_staff_share_one(seeded):
    from rehabilitation.models import Centre, CentreUserGrant
    from repatriation import policy
    from repatriation.accounts.roles import Discipline

    demo_staff = {u: d for u, role, _f, _l, d in DEMO_USERS if role == Role.CENTRE_STAFF}
    assert {Discipline.PSYCHOLOGIST, Discipline.THEOLOGIAN, Discipline.TEACHER} <= set(
        demo_staff.values()
    )
    first = Centre.objects.order_by("pk").first()
    for username, discipline in demo_staff.items():
        user = User.objects.get(username=username)
        assert user.discipline == discipline
        assert list(policy.user_centres(user)) == [first]
    for centre in Centre.objects.all():
        staff = CentreUserGrant.objects.filter(
            content_object=centre, permission__codename="work_at_centre"
        ).values_list("user__discipline", flat=True)
        assert set(staff) == set(Discipline.values)
    generated = User.objects.filter(discipline__gt="").exclude(username__in=demo_staff)
    assert generated.exists()
    assert not any(u.has_usable_password() for u in generated)


def test_plans_school_and_activities(seeded):
    from django.db.models import Count

    from rehabilitation.models import (
        Activity,
        ActivityParticipation,
        Enrolment,
        MonthlyAttendance,
        PlanDomain,
        PlanGoal,
    )

    assert set(PlanGoal.objects.values_list("domain", flat=True)) == set(PlanDomain.values)
    statuses = set(PlanGoal.objects.values_list("status", flat=True))
    assert {"achieved", "active", "draft"} <= statuses
    assert not PlanGoal.objects.filter(
        status="active", target_date__lt=timezone.localdate()
    ).exists()
    # School-age children living at a centre go to school, with months of attendance.
    children = Returnee.objects.filter(
        status="placed",
        placements__ended_on__isnull=True,
        placements__started_on__lt=date(2026, 9, 1),
        date_of_birth__range=(date(2011, 1, 1), date(2018, 12, 31)),
    )
    assert children.count() >= 20
    enrolled = children.filter(enrolments__ended_on__isnull=True).distinct().count()
    assert enrolled >= 0.8 * children.count()
    assert Enrolment.objects.filter(level="primary").exists()
    assert Enrolment.objects.filter(level="secondary").exists()
    assert Enrolment.objects.filter(level="preschool").exists()
    months = MonthlyAttendance.objects.values("enrolment").annotate(n=Count("id"))
    assert months.filter(n__gte=4).exists()
    for row in MonthlyAttendance.objects.all():
        assert 0 < row.days_expected <= 23
        assert row.days_present <= row.days_expected
        assert row.month.day == 1
    per_centre = Activity.objects.values("centre").annotate(n=Count("id"))
    assert {row["n"] for row in per_centre} <= {2, 3}
    assert ActivityParticipation.objects.values("activity").distinct().count() >= 10
    assert ActivityParticipation.objects.values("month").distinct().count() >= 4


def test_sessions_of_every_kind_and_some_today(seeded):
    from rehabilitation.models import Session
    from rehabilitation.selectors.placements import my_centres
    from repatriation.demo_rehabilitation import SESSION_FACILITATORS

    sessions = Session.objects.prefetch_related("participants").select_related("facilitator")
    assert {(s.kind, s.format) for s in sessions} >= {
        (kind, "individual") for kind in Session.Kind.values
    }
    assert {s.kind for s in sessions if s.format == "group"} >= {
        "psychological",
        "theological",
        "social_work",
    }
    assert {s.status for s in sessions} == set(Session.Status.values)
    for session in sessions:
        assert session.facilitator.discipline == SESSION_FACILITATORS[session.kind]
        people = list(session.participants.all())
        assert len(people) == 1 if session.format == "individual" else len(people) >= 2
        for person in people:
            assert person.placements.filter(
                centre=session.centre_id, ended_on__isnull=True
            ).exists()
        if session.status == "held":
            assert session.notes
        if session.status == "planned":
            assert not session.notes
    clinical = sessions.filter(
        status="held", format="individual", kind__in=["psychological", "psychiatric"]
    )
    assert {s.kind for s in clinical} == {"psychological", "psychiatric"}
    # The demo psychologist's My centre lists today's sessions.
    psychologist = User.objects.get(username="psychologist")
    [centre] = my_centres(user=psychologist)
    assert len(centre.sessions_today) >= 3
    assert all(row.session.centre_id == centre.centre.pk for row in centre.sessions_today)


def test_progress_ratings_show_a_trajectory(seeded):
    from collections import Counter

    from django.db.models import Count

    from rehabilitation.models import ProgressRating
    from rehabilitation.selectors.progress import trajectory

    ratings = ProgressRating.objects.select_related("instrument", "rater")
    assert ratings.count() >= 200
    for rating in ratings[:500]:
        instrument = rating.instrument
        assert set(rating.scores) == set(instrument.domain_codes())
        assert all(
            instrument.score_min <= v <= instrument.score_max for v in rating.scores.values()
        )
        assert rating.discipline == rating.rater.discipline
        assert (rating.assessed_on - rating.returnee.date_of_birth).days >= 18 * 365
    # Each assessment date gathers two or three raters.
    raters = ProgressRating.objects.values("returnee", "assessed_on").annotate(n=Count("rater"))
    assert {row["n"] for row in raters} == {2, 3}
    # Most of those assessed several times move towards renouncing; not all get there.
    often = (
        ProgressRating.objects.values("returnee")
        .annotate(dates=Count("assessed_on", distinct=True))
        .filter(dates__gte=3)
        .values_list("returnee", flat=True)
    )
    journeys = Counter()
    for person in Returnee.objects.filter(pk__in=list(often)):
        points = trajectory(returnee=person)
        journeys[(points[0].stage, points[-1].stage)] += 1
    moved = sum(n for (first, last), n in journeys.items() if first != last == "renounced")
    stuck = sum(n for (_first, last), n in journeys.items() if last != "renounced")
    assert moved > stuck > 0
    assert ("adheres", "renounced") in journeys


def test_legal_proceedings_custody_and_children_without_a_carer(seeded):
    from itertools import pairwise

    from rehabilitation.models import Centre, CustodyPeriod, LegalProceeding
    from rehabilitation.selectors.progress import caregiver_unavailable
    from rehabilitation.services.legal import CLOSING_STATUSES

    proceedings = LegalProceeding.objects.select_related("returnee")
    assert {p.status for p in proceedings} == set(LegalProceeding.Status.values)
    for proceeding in proceedings:
        assert (proceeding.closed_on is not None) == (proceeding.status in CLOSING_STATUSES)
        assert proceeding.opened_on <= timezone.localdate()
        assert (proceeding.opened_on - proceeding.returnee.date_of_birth).days >= 18 * 365
    assert proceedings.filter(returnee__sex="F").count() > proceedings.count() / 2
    periods: dict[int, list] = {}
    for period in CustodyPeriod.objects.select_related("proceeding"):
        periods.setdefault(period.proceeding.returnee_id, []).append(
            (period.started_on, period.ended_on or date.max)
        )
    for spans in periods.values():
        spans.sort()
        assert all(a[1] < b[0] for a, b in pairwise(spans))
    assert CustodyPeriod.objects.filter(ended_on__isnull=True).exists()
    first = Centre.objects.order_by("pk").first()
    residents = Returnee.objects.filter(
        placements__centre=first, placements__ended_on__isnull=True
    ).values_list("pk", flat=True)
    assert caregiver_unavailable(children_ids=list(residents))


def test_reintegration_closure_and_sealing(seeded):
    from datetime import timedelta

    from django.conf import settings

    from rehabilitation.models import FollowUpVisit, ReintegrationPlan
    from rehabilitation.services import cases_seal_due
    from returnees.workflow import age_on

    reintegrating = Returnee.objects.filter(status="reintegration")
    assert reintegrating.exists()
    for person in reintegrating:
        assert ReintegrationPlan.objects.filter(returnee=person).exists()
        assert person.follow_up_visits.exists()
        assert not person.placements.filter(ended_on__isnull=True).exists()
    assert FollowUpVisit.objects.filter(visited_on__gt=timezone.localdate()).count() == 0
    assert set(FollowUpVisit.objects.values_list("risk_level", flat=True)) >= {"low", "medium"}
    closed = Returnee.objects.filter(status="closed")
    assert not closed.filter(closed_on__isnull=True).exists()
    assert not closed.filter(closure_reason="").exists()
    cutoff = timezone.localdate() - timedelta(days=settings.CASE_SEAL_AFTER_DAYS)
    sealed = Returnee.objects.filter(sealed_at__isnull=False)
    assert sealed.exists()
    assert not sealed.exclude(status="closed").exists()
    assert not sealed.filter(closed_on__gt=cutoff).exists()
    assert closed.filter(sealed_at__isnull=True, closed_on__gt=cutoff).exists()
    assert cases_seal_due() == 0  # nothing left for the nightly task
    for person in closed:
        if age_on(person) < 18:
            assert person.guardianships.filter(ended_on__isnull=True).exists()
