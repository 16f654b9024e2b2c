"""Demo data at bench scale: a world generated person by person, then copied in SQL.

Generating a million people one by one in Python takes the better part of an hour; copying a
generated world of a few tens of thousands inside PostgreSQL (INSERT ... SELECT, secondary
indexes rebuilt afterwards) takes minutes. Every copy is a new set of families with their own
ids, case numbers, household references and dates of birth, at a new set of centres of the
same size, linked to the same operations and staff. Sessions are copied back in time, five
weeks per copy, so the diary holds two years of history; the generator's own window is the
last four weeks.
"""

from __future__ import annotations

import math
from contextlib import contextmanager
from functools import partial

from django.apps import apps
from django.db import connection, models, transaction

from repatriation.concurrent_reads import side_by_side

# The generator makes people in households of this many at most; above it, copies.
BASE_PEOPLE = 25_000
SESSION_SHIFT_DAYS = 35  # five weeks: a copy's sessions fall on the same weekdays
SESSION_HISTORY_COPIES = 20  # twenty windows of five weeks back: two years of sessions
# Centres are copied too, so that a copy's families live at centres of a usual size.
ROOTS = ("returnees.household", "returnees.returnee", "rehabilitation.centre")
# Who works at a centre and which agreements cover it stay with the generated centres: the
# demo users' centres and the partner's reach keep the size they have in a small demo.
NOT_COPIED = (
    "rehabilitation.centreusergrant",
    "rehabilitation.centregroupgrant",
    "accounts.datasharingagreement_centres",
    "reporting.reportrun",
)
SESSION_MODELS = ("rehabilitation.session",)


def copies_for(people: int) -> tuple[int, int]:
    """How many copies of how large a generated world make `people` (rounded up to a whole
    number per copy, so the total may exceed `people` by fewer than the number of copies)."""
    if people <= BASE_PEOPLE:
        return 1, people
    copies = math.ceil(people / BASE_PEOPLE)
    return copies, math.ceil(people / copies)


def copied_models() -> list[type[models.Model]]:
    """Households, people, and every model that refers to one of them, by a foreign key or a
    many-to-many field (sessions and their participants), in an order where a model comes
    after those it refers to."""
    labels = set(ROOTS)
    every = apps.get_models(include_auto_created=True)
    grown = True
    while grown:
        grown = False
        for model in every:
            if model._meta.label_lower in labels or model._meta.label_lower in NOT_COPIED:
                continue
            if any(
                f.is_relation and f.related_model._meta.label_lower in labels
                for f in model._meta.concrete_fields
            ) or any(
                f.remote_field.through._meta.auto_created
                and f.remote_field.through._meta.label_lower not in NOT_COPIED
                and f.related_model._meta.label_lower in labels
                for f in model._meta.local_many_to_many
            ):
                labels.add(model._meta.label_lower)
                grown = True
    chosen = [m for m in every if m._meta.label_lower in labels]
    ordered: list[type[models.Model]] = []
    while chosen:
        for model in chosen:
            needs = {
                f.related_model
                for f in model._meta.concrete_fields
                if f.is_relation and f.related_model in chosen and f.related_model is not model
            }
            if not needs:
                ordered.append(model)
                chosen.remove(model)
                break
        else:  # pragma: no cover - a cycle would mean a model graph this file does not know
            raise RuntimeError(f"foreign-key cycle among {chosen}")
    return ordered


def _session_related(model) -> bool:
    """Sessions and the tables that hang on them are copied with the session rule."""
    if model._meta.label_lower in SESSION_MODELS:
        return True
    return any(
        f.is_relation and f.related_model._meta.label_lower in SESSION_MODELS
        for f in model._meta.concrete_fields
    )


def world_copy(copies: int) -> None:
    """Add copies 1..copies-1 of the generated world (copy 0), in the caller's transaction.

    The secondary indexes are dropped first and built again once that transaction commits,
    side by side on two connections (`indexes_build`): one after another, the name indexes
    (GiST, which PostgreSQL builds on one core) left the second core idle for minutes."""
    if copies <= 1:
        return
    chosen = copied_models()
    with connection.cursor() as cursor:
        # The generated world's deferred foreign-key checks run now: no index can be rebuilt
        # on a table with checks pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if cursor.fetchone()[0]:
            # Copies of rows already checked: skip the foreign-key triggers (superuser only).
            cursor.execute("SET LOCAL session_replication_role = replica")
        offsets = {}
        for model in chosen:
            offsets[model] = _max_id(cursor, model)
        cursor.execute(
            "SELECT substr(case_number, 4, 4)::int, max(substr(case_number, 9)::int) "
            "FROM returnees_returnee GROUP BY 1"
        )
        year_max = dict(cursor.fetchall())
        cursor.execute(
            "CREATE TEMP TABLE scale_year_max (year int PRIMARY KEY, top int) ON COMMIT DROP"
        )
        cursor.executemany("INSERT INTO scale_year_max VALUES (%s, %s)", list(year_max.items()))
        dropped = secondary_indexes_drop(cursor, [m._meta.db_table for m in chosen])
        for model in chosen:
            cursor.execute(*_copy_sql(model, offsets, copies))
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")
        # The copies' ratings bypassed the triggers that keep each person's assessment days
        # (rehabilitation migration 0011): everyone's are worked out again, once.
        cursor.execute("SELECT rehabilitation_rating_days_refresh(NULL)")
        for model in chosen:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, %s), %s)",
                [model._meta.db_table, model._meta.pk.column, max(_max_id(cursor, model), 1)],
            )
        cursor.execute(
            "UPDATE returnees_casenumbercounter c SET last_value = y.top * %s "
            "FROM scale_year_max y WHERE c.year = y.year AND c.prefix = 'KZ'",
            [copies],
        )
    transaction.on_commit(lambda: indexes_build(dropped))


def _max_id(cursor, model) -> int:
    table, column = model._meta.db_table, model._meta.pk.column
    cursor.execute(f'SELECT coalesce(max("{column}"), 0) FROM "{table}"')  # noqa: S608 - registry
    return cursor.fetchone()[0]


# Days a copy's dates of birth move back, the same for a whole household.
_DOB_SHIFT = "mod({household} * 7 + k * 53, 300)::int"
_HOUSEHOLD_OF_NAME = "(SELECT r.household_id FROM returnees_returnee r WHERE r.id = t.returnee_id)"
# Columns a copy may not repeat (unique, or telling copies apart), as SQL over the copied
# row `t` and the copy number `k`; {offset} is the table's highest id in the generated world.
_REWRITES = {
    "returnees.returnee": {
        # The year's number plus k times the year's highest: unique, still six digits.
        "case_number": (
            "substr(t.case_number, 1, 8) || lpad((substr(t.case_number, 9)::int + "
            "k * (SELECT top FROM scale_year_max WHERE year = substr(t.case_number, 4, 4)"
            "::int))::text, 6, '0')"
        ),
        # The same number of days for a whole household: mothers stay older than children.
        "date_of_birth": f"t.date_of_birth - {_DOB_SHIFT.format(household='t.household_id')}",
    },
    # A name carries its person's date of birth, moved back as the person's was.
    "returnees.returneename": {
        "date_of_birth": f"t.date_of_birth - {_DOB_SHIFT.format(household=_HOUSEHOLD_OF_NAME)}",
    },
    "returnees.household": {
        "reference": "'HH-' || lpad((t.id + k * {offset})::text, 7, '0')",
    },
    "rehabilitation.centre": {"name": "t.name || ' №' || (k + 1)::text"},
    "rehabilitation.session": {
        "starts_at": (
            f"t.starts_at - ((mod(k - 1, {SESSION_HISTORY_COPIES}) + 1) "
            f"* {SESSION_SHIFT_DAYS}) * interval '1 day'"
        ),
        "status": "CASE WHEN t.status = 'planned' THEN 'held' ELSE t.status END",
    },
}


def _copy_sql(model, offsets: dict, copies: int) -> tuple[str, list]:
    """INSERT ... SELECT of one table for every copy. People's copies keep their family
    together: a household's dates of birth move back by the same number of days."""
    table = model._meta.db_table
    sessions = _session_related(model)
    # k: which copy of the table's rows; person: which copy of the people they concern.
    if sessions:
        series = max(copies - 1, SESSION_HISTORY_COPIES)
        person = f"mod(k, {copies})"
    else:
        series = copies - 1
        person = "k"
    columns, values = [], []
    rewrites = _REWRITES.get(model._meta.label_lower, {})
    for field in model._meta.concrete_fields:
        column = field.column
        target = field.related_model if field.is_relation else None
        if field.primary_key:
            expression = f't."{column}" + k * {offsets[model]}'
        elif target is not None and target in offsets:
            copy = "k" if _session_related(target) else person
            expression = f't."{column}" + {copy} * {offsets[target]}'
        elif column in rewrites:
            expression = rewrites[column].format(offset=offsets[model])
        else:
            expression = f't."{column}"'
        columns.append(f'"{column}"')
        values.append(expression)
    where = f't."{model._meta.pk.column}" <= {offsets[model]}'
    sql = (
        f'INSERT INTO "{table}" ({", ".join(columns)}) '  # noqa: S608 - names from the registry
        f'SELECT {", ".join(values)} FROM "{table}" t '
        f"CROSS JOIN generate_series(1, %s) AS k WHERE {where}"
    )
    return sql, [series]


def secondary_indexes_drop(cursor, tables: list[str]) -> list[str]:
    """Drop the indexes that no constraint needs (building them once afterwards is several
    times faster than keeping them up to date row by row); return how to recreate them."""
    cursor.execute(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        JOIN pg_class t ON t.oid = i.indrelid
        WHERE t.relname = ANY(%s)
          AND NOT i.indisprimary AND NOT i.indisunique
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        """,
        [tables],
    )
    found = cursor.fetchall()
    for name, _definition in found:
        cursor.execute(f"DROP INDEX {name}")
    return [definition for _name, definition in found]


def _build_cost(statement: str) -> tuple:
    """How long an index takes to build, roughly, for ordering (lower sorts first): GiST
    over trigrams is the slowest by far, and grows with its trigram columns; a partial index
    covers fewer rows."""
    trigram_columns = statement.count("gist_trgm_ops") + statement.count("gin_trgm_ops")
    return (" gist " not in statement, " WHERE " in statement, -trigram_columns, -len(statement))


def indexes_build(statements: list[str], *, connections: int = 2) -> None:
    """Run CREATE INDEX `statements` on `connections` connections at once, the slowest first
    (with the longest last, the other connection would sit idle while it ran), with memory
    enough to sort in memory. Outside any transaction: each thread's connection commits its
    own index. The first error is raised here."""
    statements_side_by_side(
        sorted(statements, key=_build_cost),
        connections=connections,
        setup="SET maintenance_work_mem = '512MB'",
    )


def statements_side_by_side(
    statements: list[str], *, connections: int = 2, setup: str | None = None
) -> None:
    """Run `statements` in the order given on `connections` connections at once, each
    connection taking the next when it is free, in autocommit (VACUUM, CREATE INDEX), after
    `setup` on each connection. The first error is raised here, once the statements already
    begun have ended."""

    @contextmanager
    def set_up():
        if setup:
            with connection.cursor() as cursor:
                cursor.execute(setup)
        yield

    def execute(statement: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(statement)

    side_by_side(
        {f"{n} {s}": partial(execute, s) for n, s in enumerate(statements)},
        helpers=min(connections, len(statements)),
        session=set_up,
    )
