"""PostgreSQL settings for a few queries only (a planner choice, a sort's memory)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def query_settings(**settings: str) -> Iterator[None]:
    """Run the block's queries with these settings. They are set for the transaction only
    (in a savepoint when the caller already has one) and set back afterwards: inside a
    caller's transaction, a setting would otherwise last until that transaction ends."""
    with transaction.atomic(), connection.cursor() as cursor:
        before = {}
        for name, value in settings.items():
            cursor.execute(
                "SELECT current_setting(%s), set_config(%s, %s, true)", [name, name, value]
            )
            before[name] = cursor.fetchone()[0]
        try:
            yield
        finally:
            for name, value in before.items():
                cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
