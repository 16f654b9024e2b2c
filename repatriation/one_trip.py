"""Several independent querysets answered in one round trip to PostgreSQL.

A record's page reads a dozen small, unrelated things (names, placements, the timeline,
a plan's goals...). Each is a query of a millisecond or less, and much of its cost is its
own trip through the driver and the server. `fetch_together` sends them as one statement,
each query's rows coming back as a JSON array in a column of one row, and hands every row
to Django's own iterable (model instances with their `select_related` objects, `values()`
dicts or `values_list()` tuples), so callers get what `list(queryset)` would have given.

Each query's rows keep its own order: `json_agg` reads them straight from the query's
sorted output, with no join or grouping at its level that could reorder them (PostgreSQL
documents that case as the one to beware of). Numbering the rows with a window function
instead cost more in Django's compiling than the round trips saved.

Elsewhere than PostgreSQL (the SQLite demo) the querysets are simply run one by one.
"""

from __future__ import annotations

import json
from decimal import Decimal

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet
from django.db.models.sql.constants import MULTI
from django.utils.dateparse import parse_date, parse_datetime, parse_duration, parse_time


def fetch_together(querysets: dict[str, QuerySet]) -> dict[str, list]:
    """`{name: list(queryset)}` for every queryset, in one query where the database allows.
    The querysets must not depend on one another, nor have prefetches of their own."""
    if not querysets:
        return {}
    alias = next(iter(querysets.values())).db
    for name, queryset in querysets.items():
        if queryset._prefetch_related_lookups:
            raise ValueError(f"{name}: prefetches need queries of their own")
        if queryset.db != alias:
            raise ValueError(f"{name}: every queryset must use the same database")
    connection = connections[alias]
    if connection.vendor != "postgresql" or len(querysets) == 1:
        return {name: list(queryset) for name, queryset in querysets.items()}
    parts, params, prepared = [], [], {}
    for name, queryset in querysets.items():
        compiler = queryset.query.get_compiler(using=alias)
        try:
            sql, query_params = compiler.as_sql()
        except EmptyResultSet:  # none(), or a filter that can match nothing
            prepared[name] = (queryset, compiler, None)
            continue
        columns = ", ".join(f"c{i}" for i in range(len(compiler.select)))
        # JSON columns travel as their text, as the driver would have handed them over.
        values = ", ".join(
            f"c{i}::text AS c{i}" if _kind(expression) == "JSONField" else f"c{i}"
            for i, (expression, _sql, _alias) in enumerate(compiler.select)
        )
        # Each row an object {"c0": ..., "c1": ...}: no limit on the number of columns (a
        # function takes at most 100 arguments). Only Django's own compiled SQL and column
        # numbers go into the text; values stay parameters.
        rows = f"SELECT {values} FROM ({sql}) AS _q({columns})"  # noqa: S608
        parts.append(f"(SELECT COALESCE(json_agg(_r), '[]')::text FROM ({rows}) AS _r)")  # noqa: S608
        params.extend(query_params)
        prepared[name] = (queryset, compiler, len(parts) - 1)
    row = ()
    if parts:
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(parts), params)
            row = cursor.fetchone()
    answers = {}
    for name, (queryset, compiler, position) in prepared.items():
        rows = [] if position is None else _python_rows(compiler, row[position])
        answers[name] = _through_django(queryset, compiler, rows)
    return answers


def _kind(expression) -> str:
    return expression.output_field.get_internal_type()


def _python_rows(compiler, text: str) -> list[list]:
    """The JSON rows as the values the database driver would have returned."""
    converters = [_converter(expression.output_field) for expression, _s, _a in compiler.select]
    pairs = [(f"c{i}", convert) for i, convert in enumerate(converters)]
    return [
        [
            value if convert is None or value is None else convert(value)
            for name, convert in pairs
            for value in (values[name],)
        ]
        for values in json.loads(text, parse_float=Decimal)
    ]


# JSON hands these over as the driver would: text, whole numbers, booleans.
_AS_IS = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
    "BooleanField",
    "CharField",
    "TextField",
    "EmailField",
    "SlugField",
    "URLField",
    "FileField",
    "ImageField",
    "FilePathField",
    "GenericIPAddressField",
    "JSONField",  # its text: the field's own from_db_value decodes it
}
_PARSERS = {
    "DateTimeField": parse_datetime,
    "DateField": parse_date,
    "TimeField": parse_time,
    "DurationField": parse_duration,
}


def _converter(field):
    """What turns a column's JSON value into the driver's value; None when it already is."""
    kind = field.get_internal_type()
    if kind in ("ForeignKey", "OneToOneField"):
        return _converter(field.target_field)
    if kind in _AS_IS:
        return None
    if kind in _PARSERS:
        return _PARSERS[kind]
    if kind == "BinaryField":
        raise TypeError("binary columns cannot travel as JSON")
    return field.to_python


def _through_django(queryset: QuerySet, compiler, rows: list[list]) -> list:
    """Django's own iterable over rows already fetched: the compiler that built the SQL
    answers the iterable's `execute_sql` with them instead of asking the database."""
    compiler.execute_sql = lambda result_type=MULTI, **_kwargs: iter([rows]) if rows else iter([])
    clone = queryset._chain()
    clone.query.get_compiler = lambda using=None, connection=None, elide_empty=True: compiler
    return list(clone)


def attach(instance, accessor: str, rows: list) -> None:
    """Put rows read elsewhere where `instance.<accessor>.all()` finds them, as
    `prefetch_related` would: no query when the page reads them, and each row knowing its
    parent."""
    manager = getattr(instance, accessor)
    queryset = manager.get_queryset()
    queryset._result_cache = list(rows)
    queryset._prefetch_done = True
    field = getattr(manager, "field", None)
    if field is not None and not hasattr(manager, "prefetch_cache_name"):
        cache_name = field.remote_field.cache_name
        for row in rows:
            field.set_cached_value(row, instance)
    else:
        cache_name = manager.prefetch_cache_name
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[cache_name] = queryset
