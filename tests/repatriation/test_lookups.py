"""`__one_of`: the same people as `__in`, with the ids sent as one array parameter."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from repatriation.lookups import Ids
from returnees.models import Returnee
from tests.factories import ReturneeFactory

pytestmark = pytest.mark.django_db


def test_one_of_finds_what_in_finds(is_postgresql):
    people = [ReturneeFactory() for _ in range(4)]
    wanted = [people[0].pk, people[2].pk, 10**9]
    with CaptureQueriesContext(connection) as captured:
        found = set(Returnee.objects.filter(pk__one_of=Ids(wanted)).values_list("pk", flat=True))
    assert found == set(Returnee.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    assert found == {people[0].pk, people[2].pk}
    if is_postgresql:  # one parameter, whatever the number of ids
        assert "= ANY(" in captured.captured_queries[0]["sql"]
    # A plain list works too, and an empty one matches nobody.
    assert Returnee.objects.filter(pk__one_of=[people[1].pk]).get() == people[1]
    assert not Returnee.objects.filter(pk__one_of=Ids([])).exists()


def test_one_of_refuses_what_is_not_an_id():
    with pytest.raises((ValueError, TypeError)):
        Ids(["1 OR 1=1"])
