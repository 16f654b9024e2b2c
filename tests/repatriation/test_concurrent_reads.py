"""read_concurrently: jobs run at the same time on connections of their own, every one
seeing the moment the caller's connection exported; inside the caller's transaction, one
after another on the caller's connection (other connections would not see its writes)."""

import threading
from datetime import date

import pytest
from django.db import connection
from django.test import override_settings

from rehabilitation.models import Centre
from repatriation.concurrent_reads import read_concurrently
from reporting import selectors
from returnees.models import Returnee
from tests.factories import CentreFactory, PlacementFactory, ReturneeFactory


def _on_postgresql():
    if connection.vendor != "postgresql":
        pytest.fail("snapshots are exported by PostgreSQL, and the suite runs on PostgreSQL")


def _who_and_when():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid(), pg_current_snapshot()::text")
        pid, snapshot = cursor.fetchone()
    return threading.get_ident(), pid, snapshot


def test_jobs_run_together_on_their_own_connections_from_one_snapshot(transactional_db):
    _on_postgresql()
    both_running = threading.Barrier(2, timeout=20)

    def job():
        both_running.wait()  # broken, so failing, if the other job is not running now
        return _who_and_when()

    found = read_concurrently({"a": job, "b": job}, connections=2)
    (thread_a, pid_a, snapshot_a), (thread_b, pid_b, snapshot_b) = found["a"], found["b"]
    assert thread_a != thread_b and pid_a != pid_b
    assert snapshot_a == snapshot_b


def test_a_row_committed_while_the_jobs_run_is_seen_by_none_of_them(transactional_db):
    _on_postgresql()
    CentreFactory()
    counted = threading.Barrier(2, timeout=20)

    def add_a_centre_elsewhere():
        try:
            CentreFactory()  # its own connection, committed at once
        finally:
            connection.close()

    def add_then_count():
        writer = threading.Thread(target=add_a_centre_elsewhere)
        writer.start()
        writer.join()
        n = Centre.objects.count()
        counted.wait()
        return n

    def count():
        counted.wait()  # after the other job's centre is committed
        return Centre.objects.count()

    found = read_concurrently({"added": add_then_count, "other": count}, connections=2)
    assert found == {"added": 1, "other": 1}
    assert Centre.objects.count() == 2


def test_inside_a_transaction_the_jobs_run_here_and_see_its_writes(db):
    CentreFactory()  # not committed: only this connection sees it
    found = read_concurrently(
        {"a": _who_and_when, "b": lambda: Centre.objects.count()}, connections=2
    )
    assert found["a"][0] == threading.get_ident()
    assert found["b"] == 1


def test_a_failing_job_fails_the_call(transactional_db):
    _on_postgresql()

    def fails():
        raise ValueError("this job fails")

    with pytest.raises(ValueError, match="this job fails"):
        read_concurrently({"fine": lambda: 1, "fails": fails, "later": lambda: 2})


def test_the_figures_read_together_equal_the_figures_read_in_turn(transactional_db):
    """The monthly report's figures, on two connections and on one, for the same people."""
    _on_postgresql()
    from tests.reporting.conftest import LAST_MONTH

    centre = CentreFactory()
    for i, (sex, born) in enumerate((("F", 1990), ("F", 2016), ("M", 2019), ("M", 1985))):
        person = ReturneeFactory(sex=sex, date_of_birth=date(born, 1 + i, 1), status="placed")
        PlacementFactory(returnee=person, centre=centre, started_on=LAST_MONTH)
    month = selectors.Month(LAST_MONTH)
    kwargs = {"people": Returnee.objects.all(), "centres": Centre.objects.all()}
    with override_settings(REPORT_FIGURE_CONNECTIONS=2):
        together = selectors.monthly_figures(month, include_legal=True, **kwargs)
    with override_settings(REPORT_FIGURE_CONNECTIONS=1):
        in_turn = selectors.monthly_figures(month, include_legal=True, **kwargs)
    assert together == in_turn
    assert list(together) == list(in_turn)
    assert together["people"]["women"] == 1 and together["people"]["girls"] == 1
    assert together["centres"][0]["residents"] == 4
