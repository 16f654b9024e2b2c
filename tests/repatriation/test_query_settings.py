"""Settings for a few queries end with them, even inside a caller's transaction."""

import pytest
from django.db import connection, transaction

from repatriation.query_settings import query_settings

pytestmark = pytest.mark.django_db


def _show(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {name}")
        return cursor.fetchone()[0]


def test_settings_hold_inside_the_block_and_not_after_it():
    with transaction.atomic():  # the caller's transaction (a test's, a request's)
        before = _show("work_mem")
        with query_settings(enable_bitmapscan="off", work_mem="64MB"):
            assert (_show("enable_bitmapscan"), _show("work_mem")) == ("off", "64MB")
        assert (_show("enable_bitmapscan"), _show("work_mem")) == ("on", before)
