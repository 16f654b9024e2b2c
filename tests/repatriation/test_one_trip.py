"""`fetch_together` gives what `list(queryset)` gives, for every shape of queryset, in one
query on PostgreSQL."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from zeal import zeal_ignore

from rehabilitation.models import Placement
from repatriation.audit.models import AuditEvent, AuditKind
from repatriation.demo import demo_seed
from repatriation.one_trip import attach, fetch_together
from returnees.models import CaseEvent, Returnee, ReturneeName

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_world():
    with zeal_ignore():
        demo_seed(returnees=40, seed=5)
    AuditEvent.objects.create(
        kind=AuditKind.UPDATE,
        record_type="returnees.returnee",
        record_id="1",
        changes={"primary_name": ["Айгерим", "Айгерім"], "nested": {"n": [1, 2.5, None]}},
        ip_address="10.0.0.7",
    )


def _values(instance) -> dict:
    return {k: v for k, v in instance.__dict__.items() if not k.startswith("_")}


def _querysets(person) -> dict:
    return {
        "names": ReturneeName.objects.filter(returnee=person).order_by("-is_primary", "id"),
        "placements": Placement.objects.select_related("centre", "returnee").order_by(
            "-started_on", "id"
        ),
        "events": CaseEvent.objects.select_related("actor").order_by("-occurred_at", "-id")[:7],
        "audit": AuditEvent.objects.order_by("-id"),
        "as_dicts": Returnee.objects.order_by("primary_name", "id").values("id", "status"),
        "as_tuples": Returnee.objects.order_by("-date_of_birth", "id").values_list(
            "id", "date_of_birth", "created_at"
        ),
        "flat": Returnee.objects.order_by("case_number").values_list("case_number", flat=True),
        "unordered": Returnee.objects.filter(sex="F").order_by().values_list("pk", flat=True),
        "nothing": Returnee.objects.filter(pk__in=[]),
        # Over a hundred columns (a function takes at most a hundred arguments).
        "wide": Returnee.objects.select_related(
            "household",
            "assigned_caseworker",
            "verification__decided_by",
            "verification__via_parent__assigned_caseworker",
        ).order_by("id"),
        "one": Returnee.objects.order_by("-id")[:1],
    }


def test_every_shape_comes_back_as_django_gives_it(small_world, is_postgresql):
    person = Returnee.objects.order_by("id").first()
    with CaptureQueriesContext(connection) as one_by_one:
        expected = {name: list(qs) for name, qs in _querysets(person).items()}
    with CaptureQueriesContext(connection) as captured:
        got = fetch_together(_querysets(person))
    assert len(captured) == (1 if is_postgresql else len(one_by_one))
    assert set(got) == set(expected)
    for name, rows in expected.items():
        assert len(got[name]) == len(rows), name
        if name == "unordered":
            assert sorted(got[name]) == sorted(rows)
            continue
        for mine, theirs in zip(got[name], rows, strict=True):
            if hasattr(theirs, "_state"):
                assert type(mine) is type(theirs)
                assert _values(mine) == _values(theirs), name
                assert mine._state.adding is False
            else:
                assert mine == theirs, name
    assert expected["placements"] and expected["events"] and expected["nothing"] == []
    wide = _querysets(person)["wide"]
    assert len(wide.query.get_compiler(using="default").as_sql()[0].split(",")) > 100
    # Objects from select_related are there, with their own values, and cost no query.
    with CaptureQueriesContext(connection) as captured:
        for mine, theirs in zip(got["placements"], expected["placements"], strict=True):
            assert _values(mine.centre) == _values(theirs.centre)
            assert mine.returnee.case_number == theirs.returnee.case_number
        assert got["audit"][0].changes["nested"] == {"n": [1, 2.5, None]}
        assert str(got["audit"][0].ip_address) == "10.0.0.7"
    assert len(captured) == 0


def test_order_is_the_querysets_own(small_world):
    by_name = Returnee.objects.order_by("-primary_name", "id")
    got = fetch_together({"a": by_name, "b": by_name.reverse()})
    assert [p.pk for p in got["a"]] == list(by_name.values_list("pk", flat=True))
    assert [p.pk for p in got["b"]] == list(by_name.reverse().values_list("pk", flat=True))


def test_prefetches_are_refused(small_world):
    with pytest.raises(ValueError, match="prefetch"):
        fetch_together(
            {"a": Returnee.objects.prefetch_related("names"), "b": Returnee.objects.all()}
        )


def test_attached_rows_are_read_without_a_query(small_world):
    person = Returnee.objects.filter(names__isnull=False).order_by("id").first()
    names = fetch_together(
        {"names": ReturneeName.objects.filter(returnee=person), "x": Returnee.objects.none()}
    )["names"]
    attach(person, "names", names)
    with CaptureQueriesContext(connection) as captured:
        assert list(person.names.all()) == names
        assert all(name.returnee is person for name in person.names.all())
    assert len(captured) == 0
