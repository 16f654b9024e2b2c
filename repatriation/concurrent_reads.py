"""Independent read-only work run side by side on separate database connections, every
connection seeing the same moment of the database (PostgreSQL's exported snapshot).

The monthly report's figures are a dozen aggregate queries over the whole registry, each of
which PostgreSQL runs on one core; one after another they left the second core idle. Run
together from one snapshot, they still agree with each other exactly as if read in one
transaction: a case moved while the report is made is counted in one state everywhere."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from django.db import connection, transaction

T = TypeVar("T")


def read_concurrently(jobs: dict[str, Callable[[], T]], *, connections: int = 2) -> dict[str, T]:
    """Each job's result by name. Jobs are started in the order given (put the longest
    first). Where the work cannot share a snapshot, it runs here, one job after another:
    on another database than PostgreSQL, and inside a transaction the caller holds (other
    connections would not see what it has written)."""
    if (
        connection.vendor != "postgresql"
        or connection.in_atomic_block
        or connections < 2
        or len(jobs) < 2
    ):
        return {name: job() for name, job in jobs.items()}
    waiting = list(jobs.items())
    lock = threading.Lock()
    results: dict[str, T] = {}
    errors: list[BaseException] = []

    def next_job():
        with lock:
            return waiting.pop(0) if waiting and not errors else None

    def run_jobs():
        while (job := next_job()) is not None:
            name, work = job
            results[name] = work()

    def helper(snapshot: str) -> None:
        try:
            with transaction.atomic():
                _begin_read_only(snapshot)
                run_jobs()
        except BaseException as error:  # handed to the caller's thread
            with lock:
                errors.append(error)
        finally:
            connection.close()  # this thread's own connection

    with transaction.atomic():
        snapshot = _begin_read_only(None)
        helpers = [
            threading.Thread(target=helper, args=(snapshot,), daemon=True)
            for _ in range(min(connections, len(jobs)) - 1)
        ]
        for thread in helpers:
            thread.start()
        try:
            run_jobs()
        except BaseException as error:
            with lock:
                errors.append(error)  # the helpers take no more jobs
            raise
        finally:
            for thread in helpers:
                thread.join()  # the snapshot must outlive every connection that imports it
    if errors:
        raise errors[0]
    return {name: results[name] for name in jobs}


def _begin_read_only(snapshot: str | None) -> str:
    """Make the transaction just begun read-only at repeatable read, seeing `snapshot`, or,
    given none, export the one it sees for others."""
    with connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        # Sorts of a report's aggregates (counts of distinct people) in memory, not on disk.
        cursor.execute("SET LOCAL work_mem = '64MB'")
        if snapshot is not None:
            cursor.execute("SET TRANSACTION SNAPSHOT %s", [snapshot])
            return snapshot
        cursor.execute("SELECT pg_export_snapshot()")
        return cursor.fetchone()[0]
