"""Placements and transfers: families together, capacity respected, reasons recorded."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from rehabilitation import services
from rehabilitation.models import Placement, Service
from rehabilitation.selectors import placement_suggestions
from repatriation.accounts.roles import Role
from repatriation.medical import services as medical
from returnees.models import RelativeAtHome
from returnees.workflow import TransitionRefused
from tests.factories import CentreFactory, PlacementFactory


@pytest.fixture
def adapting_family(family, users):
    """The family in adaptation at one facility, the mother with an arrival assessment."""
    facility = CentreFactory(name="Adaptation facility", capacity=30)
    for person in family:
        person.status = "adaptation"
        person.save()
        PlacementFactory(
            returnee=person, centre=facility, kind="adaptation", started_on=date(2026, 10, 1)
        )
    medical.assessment_record(
        actor=users[Role.MEDICAL_OFFICER],
        returnee=family[0],
        values={"stage": "arrival", "assessed_on": date(2026, 10, 1), "triage": "green"},
    )
    return family


def _move(users, people, centre, role=Role.CASEWORKER, **kwargs):
    return services.placement_transfer(
        actor=users[role],
        people=people,
        centre=centre,
        kind="residential",
        started_on=date(2026, 11, 1),
        reason="Adaptation month completed",
        **kwargs,
    )


def test_placement_needs_the_arrival_assessment(users, adapting_family):
    centre = CentreFactory(name="Almaty centre", capacity=10)
    with pytest.raises(TransitionRefused, match="arrival medical assessment"):
        _move(users, adapting_family, centre)
    assert not Placement.objects.filter(centre=centre).exists()


def test_a_family_moves_together_and_becomes_placed(users, adapting_family):
    for child in adapting_family[1:]:
        medical.assessment_record(
            actor=users[Role.MEDICAL_OFFICER],
            returnee=child,
            values={"stage": "arrival", "assessed_on": date(2026, 10, 1), "triage": "green"},
        )
    centre = CentreFactory(name="Almaty centre", capacity=10)
    created = _move(users, adapting_family, centre)
    assert len(created) == 3
    for person in adapting_family:
        person.refresh_from_db()
        assert person.status == "placed"
        assert person.placements.get(ended_on__isnull=True).centre == centre
        assert person.placements.get(kind="adaptation").end_reason == "Adaptation month completed"


def test_a_mother_apart_from_her_children_needs_a_reason(users, adapting_family):
    mother = adapting_family[0]
    centre = CentreFactory(name="Almaty centre", capacity=10)
    with pytest.raises(ValidationError, match="family would be apart"):
        _move(users, [mother], centre)
    placed = _move(users, [mother], centre, family_split_reason="Children in hospital care")
    assert placed[0].family_split_reason == "Children in hospital care"


def test_capacity_needs_a_programme_managers_reason(users, adapting_family):
    for child in adapting_family[1:]:
        medical.assessment_record(
            actor=users[Role.MEDICAL_OFFICER],
            returnee=child,
            values={"stage": "arrival", "assessed_on": date(2026, 10, 1), "triage": "green"},
        )
    small = CentreFactory(name="Small centre", capacity=2)
    with pytest.raises(ValidationError, match="2 free places for 3 people"):
        _move(users, adapting_family, small)
    with pytest.raises(ValidationError, match="Only a programme manager"):
        _move(users, adapting_family, small, capacity_override_reason="Family must stay")
    users[Role.PROGRAMME_MANAGER].groups.add(
        users[Role.CASEWORKER].groups.get()
    )  # a manager who also changes status
    placed = _move(
        users,
        adapting_family,
        small,
        role=Role.PROGRAMME_MANAGER,
        capacity_override_reason="Family must stay together",
    )
    assert {p.capacity_override_reason for p in placed} == {"Family must stay together"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "adaptation"}, "residential placement or a day programme"),
        ({"reason": "  "}, "Say why"),
        ({"started_on": date(2099, 1, 1)}, "in the future"),
    ],
)
def test_bad_placements_change_nothing(users, adapting_family, change, message):
    centre = CentreFactory(name="Almaty centre", capacity=10)
    kwargs = {"kind": "residential", "started_on": date(2026, 11, 1), "reason": "x", **change}
    with pytest.raises(ValidationError, match=message):
        services.placement_transfer(
            actor=users[Role.CASEWORKER], people=adapting_family, centre=centre, **kwargs
        )
    assert not Placement.objects.filter(centre=centre).exists()


def test_suggestions_rank_home_region_room_and_services(users, adapting_family):
    mother = adapting_family[0]
    RelativeAtHome.objects.create(
        returnee=mother, full_name="Гульнар", relationship="mother", region="Shymkent"
    )
    near = CentreFactory(
        name="Shymkent centre",
        region="Shymkent",
        capacity=20,
        services=[Service.PSYCHOLOGY, Service.PRESCHOOL, Service.SCHOOL_LIAISON],
    )
    far = CentreFactory(
        name="Pavlodar centre", region="Pavlodar", capacity=20, services=[Service.PSYCHOLOGY]
    )
    full = CentreFactory(name="Full centre", region="Shymkent", capacity=0)
    ranked = placement_suggestions(people=adapting_family)
    order = [s.centre for s in ranked]
    assert order.index(near) < order.index(full)
    assert order.index(near) < order.index(far)
    top = ranked[0]
    assert top.centre == near
    assert any("relatives at home in Shymkent" in r for r in top.reasons)
    assert any("offers 1 of 1 services" in r for r in top.reasons)  # school liaison
    assert any("only 0 free places" in r for r in ranked[order.index(full)].reasons)


def test_placement_page(client, users, adapting_family):
    mother = adapting_family[0]
    client.force_login(users[Role.CASEWORKER])
    url = reverse("rehabilitation:placement", args=[mother.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'data-testid="suggestions"' in page.content.decode()
    centre = CentreFactory(name="Almaty centre", capacity=10)
    response = client.post(
        url,
        {
            "centre": centre.pk,
            "kind": "residential",
            "started_on": "2026-11-01",
            "reason": "Done",
            "family_split_reason": "Children stay for treatment",
        },
    )
    assert response.status_code == 302
    for role in (Role.CENTRE_STAFF, Role.MEDICAL_OFFICER, Role.PARTNER_AGENCY, "outsider"):
        client.force_login(users[role])
        assert client.get(url).status_code == 404
