"""Each person's assessment days (rehabilitation migration 0011), which the monthly report's
trend reads: the database keeps them from the ratings on every kind of write."""

import threading
import time
from datetime import date

import pytest
from django.db import InternalError, connection, transaction

from rehabilitation.models import AssessmentInstrument, DisengagementStage, ProgressRating
from tests.factories import ReturneeFactory, UserFactory
from tests.rehabilitation.rating_days import rating_days_kept, rating_days_worked_out


def _instrument() -> AssessmentInstrument:
    return AssessmentInstrument.objects.get_or_create(
        code="days-test", defaults={"name": "Days", "domains": []}
    )[0]


def _rating(person, day, stage, rater, instrument=None) -> ProgressRating:
    return ProgressRating(
        returnee=person,
        instrument=instrument or _instrument(),
        assessed_on=day,
        rater=rater,
        discipline="psychologist",
        scores={},
        disengagement=stage,
    )


@pytest.mark.django_db
def test_every_kind_of_write_keeps_the_days():
    raters = [UserFactory(), UserFactory(), UserFactory()]
    woman, man = ReturneeFactory(sex="F"), ReturneeFactory(sex="M")
    march, april, may = date(2026, 3, 2), date(2026, 4, 6), date(2026, 5, 4)

    first = _rating(woman, march, "renounced", raters[0])
    first.save()
    assert rating_days_kept() == [(woman.pk, march, 2, None)]

    # Several raters on one day, in one statement: the most worrying stage stands.
    ProgressRating.objects.bulk_create(
        [
            _rating(woman, april, "renounced", raters[0]),
            _rating(woman, april, "ambivalent", raters[1]),
            _rating(man, april, "renounced", raters[0]),
        ]
    )
    assert rating_days_kept() == [
        (woman.pk, march, 2, april),
        (woman.pk, april, 1, None),
        (man.pk, april, 2, None),
    ]
    assert rating_days_kept() == rating_days_worked_out()

    # A stage corrected, a rating moved to another day, another to another person.
    ProgressRating.objects.filter(returnee=woman, assessed_on=april, rater=raters[1]).update(
        disengagement="adheres"
    )
    assert (woman.pk, april, 0, None) in rating_days_kept()
    ProgressRating.objects.filter(pk=first.pk).update(assessed_on=may)
    assert rating_days_kept() == [
        (woman.pk, april, 0, may),
        (woman.pk, may, 2, None),
        (man.pk, april, 2, None),
    ]
    ProgressRating.objects.filter(pk=first.pk).update(returnee=man)
    assert rating_days_kept() == rating_days_worked_out()
    assert (man.pk, april, 2, may) in rating_days_kept()

    # One rater's rating of a day deleted, then the day's last.
    ProgressRating.objects.filter(returnee=woman, assessed_on=april, rater=raters[1]).delete()
    assert (woman.pk, april, 2, None) in rating_days_kept()
    ProgressRating.objects.filter(returnee=woman).delete()
    assert (
        rating_days_kept()
        == rating_days_worked_out()
        == [
            (man.pk, april, 2, may),
            (man.pk, may, 2, None),
        ]
    )

    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no truncating with checks pending
        cursor.execute("TRUNCATE rehabilitation_progressrating")
    assert rating_days_kept() == []


@pytest.mark.django_db
def test_the_days_rank_stages_as_the_application_does():
    """The trigger's stage order is written in the migration: this fails if
    DisengagementStage changes without a migration that writes it again."""
    rater, other = UserFactory(), UserFactory()
    person = ReturneeFactory()
    stages = list(DisengagementStage.values)
    rows = []
    for position, stage in enumerate(stages):
        rows.append(_rating(person, date(2026, 1, 1 + position), stage, rater))
    for later, earlier in ((1, 0), (2, 1), (2, 0)):  # two stages on one day, either order
        day = date(2026, 2, 1 + len(rows))
        rows.append(_rating(person, day, stages[later], rater))
        rows.append(_rating(person, day, stages[earlier], other))
    ProgressRating.objects.bulk_create(rows)
    kept = {day: worst for _p, day, worst, _until in rating_days_kept()}
    for position in range(len(stages)):
        assert kept[date(2026, 1, 1 + position)] == position
    assert [worst for day, worst in sorted(kept.items()) if day.month == 2] == [0, 1, 0]
    assert rating_days_kept() == rating_days_worked_out()


def _two_writers(first_steps, second_steps) -> list[Exception]:
    """Runs `first_steps` (callables, each a statement) in one transaction that stays open
    until `second_steps` has started in another and had half a second to run, then lets the
    first go on and commit. Returns what either raised."""
    first_began, second_began, first_may_go_on = (threading.Event() for _ in range(3))
    failures = []

    def first():
        try:
            with transaction.atomic():
                first_steps[0]()
                first_began.set()
                first_may_go_on.wait(30)
                for step in first_steps[1:]:
                    step()
        except Exception as error:
            failures.append(error)
        finally:
            first_began.set()
            connection.close()

    def second():
        try:
            first_began.wait(30)
            second_began.set()
            with transaction.atomic():
                for step in second_steps:
                    step()
        except Exception as error:
            failures.append(error)
        finally:
            second_began.set()
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    assert second_began.wait(30)
    time.sleep(0.5)  # the second reaches its first statement and waits there
    first_may_go_on.set()
    for thread in threads:
        thread.join(60)
    return failures


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("second_day", [date(2026, 6, 1), date(2026, 6, 8)], ids=["same", "next"])
def test_two_raters_recording_one_person_at_once(second_day):
    """The second writer waits for the first to commit and works the person's days out with
    both ratings. Without the table's lock, on the same day it finds the first's day (not
    yet visible to it) already taken and fails when the first commits; on another day each
    leaves its own day as the person's last, and the first day's `until` stays empty."""
    first_rater, second_rater = UserFactory(), UserFactory()
    person, instrument = ReturneeFactory(), _instrument()
    day = date(2026, 6, 1)
    failures = _two_writers(
        [lambda: _rating(person, day, "renounced", first_rater, instrument).save()],
        [lambda: _rating(person, second_day, "adheres", second_rater, instrument).save()],
    )
    assert failures == []
    kept = rating_days_kept()
    assert kept == rating_days_worked_out()
    if second_day == day:
        assert kept == [(person.pk, day, 0, None)]
    else:
        assert kept == [(person.pk, day, 2, second_day), (person.pk, second_day, 0, None)]


@pytest.mark.django_db(transaction=True)
def test_writers_of_several_statements_do_not_deadlock():
    """One corrects a person's rating, another a second person's, then the first the second
    person's too: the lock is taken before each statement's row locks, so the second waits
    holding none (taken after them, as first written, PostgreSQL found a deadlock)."""
    rater = UserFactory()
    one, two = ReturneeFactory(), ReturneeFactory()
    instrument = _instrument()
    day = date(2026, 6, 1)
    ProgressRating.objects.bulk_create(
        [
            _rating(one, day, "renounced", rater, instrument),
            _rating(two, day, "renounced", rater, instrument),
        ]
    )

    def correct(person, stage):
        return lambda: ProgressRating.objects.filter(returnee=person).update(disengagement=stage)

    failures = _two_writers(
        [correct(one, "ambivalent"), correct(two, "ambivalent")],
        [correct(two, "adheres")],
    )
    assert failures == []
    assert (
        rating_days_kept()
        == rating_days_worked_out()
        == [
            (one.pk, day, 1, None),
            (two.pk, day, 0, None),
        ]
    )


@pytest.mark.django_db(transaction=True)
def test_a_writer_at_a_stricter_isolation_level_is_refused():
    """The days are worked out from a snapshot per statement: a REPEATABLE READ writer's
    would be its older one, so it is refused and writes nothing."""
    rating = _rating(ReturneeFactory(), date(2026, 6, 1), "adheres", UserFactory())
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        with pytest.raises(InternalError, match="READ COMMITTED"):
            rating.save()
    assert not ProgressRating.objects.exists() and rating_days_kept() == []
