"""Asking for a report the way the services do, in one line."""

from datetime import timedelta

import pytest
from django.utils import timezone

from repatriation.accounts.roles import Role
from reporting import services

LAST_MONTH = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)


@pytest.fixture
def ask(users):
    """`ask(audience="ministry", language="en", actor=None, agreement=..., centre=...)`:
    last month's monthly report run (the ministry official asks by default)."""

    def run(audience="ministry", language="en", actor=None, **scope):
        made, _new = services.report_request(
            actor=actor or users[Role.MINISTRY_OFFICIAL],
            kind="monthly_progress",
            period=LAST_MONTH,
            audience=audience,
            language=language,
            **scope,
        )
        return made

    return run
