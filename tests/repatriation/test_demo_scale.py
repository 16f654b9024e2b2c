"""Demo data at bench scale: the generated world copied in SQL keeps every invariant."""

import re
from datetime import timedelta

import pytest
from django.db import ProgrammingError, connection
from django.db.models import Count, F
from zeal import zeal_ignore

from rehabilitation.models import Centre, Placement, Session
from repatriation import demo_scale
from repatriation.demo import demo_seed
from returnees.models import CaseNumberCounter, Household, Relationship, Returnee, ReturneeName
from tests.rehabilitation.rating_days import rating_days_kept, rating_days_worked_out

pytestmark = pytest.mark.django_db


def test_copies_for_sizes():
    assert demo_scale.copies_for(600) == (1, 600)
    assert demo_scale.copies_for(100_000) == (4, 25_000)
    assert demo_scale.copies_for(1_000_000) == (40, 25_000)
    copies, each = demo_scale.copies_for(123_457)
    assert copies * each >= 123_457 and copies * (each - 1) < 123_457


def test_world_copy_keeps_families_numbers_and_centres_apart():
    with zeal_ignore():  # the generator is a one-off batch; the copy is what is tested
        demo_seed(returnees=80, seed=7)
    people, centres = Returnee.objects.count(), Centre.objects.count()
    households, sessions = Household.objects.count(), Session.objects.count()
    placements = Placement.objects.count()
    first_session = Session.objects.order_by("starts_at").first().starts_at
    # Ids of the generated world (sequences are not reset between tests).
    last_person = Returnee.objects.order_by("-pk").values_list("pk", flat=True)[0]
    last_session = Session.objects.order_by("-pk").values_list("pk", flat=True)[0]
    base_centres = set(Centre.objects.values_list("pk", flat=True))

    demo_scale.world_copy(3)

    assert Returnee.objects.count() == 3 * people
    assert Household.objects.count() == 3 * households
    assert Centre.objects.count() == 3 * centres
    assert Placement.objects.count() == 3 * placements
    numbers = list(Returnee.objects.values_list("case_number", flat=True))
    assert len(set(numbers)) == len(numbers)
    assert all(re.fullmatch(r"KZ-\d{4}-\d{6}", n) for n in numbers)
    # The next case number of every year is free.
    for counter in CaseNumberCounter.objects.all():
        taken = f"KZ-{counter.year}-{counter.last_value:06d}"
        assert taken in numbers
        assert f"KZ-{counter.year}-{counter.last_value + 1:06d}" not in numbers
    # Relatives are in the same household copy, and a copy's families live at its centres.
    for link in Relationship.objects.select_related("person", "relative"):
        assert link.person.household_id == link.relative.household_id
    copied_people = Returnee.objects.filter(pk__gt=last_person)
    assert copied_people.count() == 2 * people
    assert not Placement.objects.filter(returnee__in=copied_people, centre__in=base_centres)
    # Every person keeps exactly one primary name, and the copies are found by name.
    assert (
        not ReturneeName.objects.filter(is_primary=True)
        .values("returnee")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    # A name carries its person's sex and date of birth, moved back with the person's.
    assert ReturneeName.objects.filter(returnee__in=copied_people).count() > 0
    assert not ReturneeName.objects.exclude(
        sex=F("returnee__sex"), date_of_birth=F("returnee__date_of_birth")
    ).exists()
    # Sessions go back two years, five weeks per copy, none planned in the past.
    assert Session.objects.count() == sessions * (1 + demo_scale.SESSION_HISTORY_COPIES)
    oldest = Session.objects.order_by("starts_at").first().starts_at
    assert oldest == first_session - timedelta(days=20 * demo_scale.SESSION_SHIFT_DAYS)
    assert not Session.objects.filter(
        status=Session.Status.PLANNED, starts_at__lt=first_session
    ).exists()
    # The copies' ratings (written past the triggers) have their assessment days.
    kept = rating_days_kept()
    assert {person for person, *_ in kept} & set(copied_people.values_list("pk", flat=True))
    assert kept == rating_days_worked_out()
    # A copied session's participants are people of the copy living at the session's centre.
    through = Session.participants.through
    for row in through.objects.filter(session__pk__gt=last_session).select_related(
        "session", "returnee"
    )[:200]:
        assert Placement.objects.filter(returnee=row.returnee, centre=row.session.centre).exists()


def _audit_indexes() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'audit_auditevent'"
        )
        return dict(cursor.fetchall())


@pytest.mark.django_db(transaction=True)
def test_indexes_dropped_are_built_again_side_by_side():
    """The bench's bulk loads drop the secondary indexes and build them again afterwards on
    two connections: every index comes back as it was, and a failing build is raised."""
    if connection.vendor != "postgresql":
        pytest.fail("the bulk paths are PostgreSQL's, and the suite runs on PostgreSQL")
    before = _audit_indexes()
    with connection.cursor() as cursor:
        dropped = demo_scale.secondary_indexes_drop(cursor, ["audit_auditevent"])
    assert len(dropped) >= 5  # the audit trail's five lookups, at least
    assert set(_audit_indexes()) < set(before)  # the primary key stays
    demo_scale.indexes_build(dropped)
    assert _audit_indexes() == before

    with connection.cursor() as cursor:
        dropped = demo_scale.secondary_indexes_drop(cursor, ["audit_auditevent"])
    broken = [*dropped[1:], "CREATE INDEX broken_idx ON audit_auditevent (no_such_column)"]
    with pytest.raises(ProgrammingError):
        demo_scale.indexes_build(broken)
    demo_scale.indexes_build(dropped[:1])
    assert _audit_indexes() == before  # the others were built before the failure was seen


@pytest.mark.django_db(transaction=True)
def test_audit_events_fill_builds_its_indexes_after_the_insert():
    from repatriation import bench
    from repatriation.audit.models import AuditEvent

    before = _audit_indexes()
    have = AuditEvent.objects.count()
    assert bench.audit_events_fill(have + 500) == 500
    assert AuditEvent.objects.count() == have + 500
    assert _audit_indexes() == before
    newest = list(AuditEvent.objects.order_by("-id").values_list("occurred_at", flat=True)[:2])
    assert newest[0] > newest[1]  # later ids, later times


def test_slowest_index_builds_first():
    """The multi-column trigram GiST first, partial ones after whole ones, b-trees last."""
    statements = [
        "CREATE INDEX a ON t USING btree (x)",
        "CREATE INDEX b ON t USING gist (s gist_trgm_ops) WHERE (script = 'arab')",
        "CREATE INDEX c ON t USING gist (s gist_trgm_ops)",
        "CREATE INDEX d ON t USING gist (d, s gist_trgm_ops, k gist_trgm_ops)",
    ]
    ordered = sorted(statements, key=demo_scale._build_cost)
    assert [s.split()[2] for s in ordered] == ["d", "c", "b", "a"]


@pytest.mark.django_db(transaction=True)
def test_database_settle_vacuums_every_table():
    from repatriation import bench

    bench.database_settle()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_stat_user_tables "
            "WHERE schemaname = current_schema() AND last_vacuum IS NULL"
        )
        assert cursor.fetchall() == []
