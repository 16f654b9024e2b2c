"""Independent read-only work run side by side on separate database connections, every
connection seeing the same moment of the database (PostgreSQL's exported snapshot).

The monthly report's figures are a dozen aggregate queries over the whole registry, each of
which PostgreSQL runs on one core; one after another they left the second core idle. Run
together from one snapshot, they still agree with each other exactly as if read in one
transaction: a case moved while the report is made is counted in one state everywhere.

`side_by_side` is the mechanism beneath: the bench's index builds and vacuums
(`demo_scale.statements_side_by_side`) run on it too."""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, contextmanager
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

    @contextmanager
    def read_only_at(snapshot: str):
        with transaction.atomic():
            _begin_read_only(snapshot)
            yield

    with transaction.atomic():
        snapshot = _begin_read_only(None)
        # The caller's connection takes jobs too: the snapshot must outlive every
        # connection that imports it, and side_by_side returns once all have ended.
        return side_by_side(
            jobs,
            helpers=min(connections, len(jobs)) - 1,
            session=lambda: read_only_at(snapshot),
            caller_works=True,
        )


def side_by_side(
    jobs: dict[str, Callable[[], T]],
    *,
    helpers: int,
    session: Callable[[], AbstractContextManager],
    caller_works: bool = False,
) -> dict[str, T]:
    """Run `jobs` in the order given on `helpers` threads of their own, each with its own
    database connection set up by `session()` and closed at the end, each taking the next
    job when it is free; the caller's thread takes jobs as well where `caller_works`. Each
    job's result by name. The first error is raised here, once the jobs already begun have
    ended; no job starts after it."""
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

    def helper() -> None:
        try:
            with session():
                run_jobs()
        except BaseException as error:  # handed to the caller's thread
            with lock:
                errors.append(error)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=helper, daemon=True) for _ in range(helpers)]
    for thread in threads:
        thread.start()
    try:
        if caller_works:
            run_jobs()
    except BaseException as error:
        with lock:
            errors.append(error)  # the helpers take no more jobs
        raise
    finally:
        for thread in threads:
            thread.join()
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
