"""The role-by-scope matrix: every role against every kind of record, in and out of scope."""

from datetime import date

import pytest
from django.urls import reverse

from repatriation import policy
from repatriation.accounts.roles import FieldGroup, Role, Scope
from repatriation.policy import Action

ALL_PEOPLE = {"person_a", "person_b", "person_unplaced", "person_on_operation"}
# Which people each role may open; every other person must answer 404.
VISIBLE = {
    Role.ADMINISTRATOR: ALL_PEOPLE,
    Role.CASEWORKER: ALL_PEOPLE,
    Role.VERIFICATION_OFFICER: ALL_PEOPLE,
    Role.MEDICAL_OFFICER: ALL_PEOPLE,
    Role.LEGAL_OFFICER: ALL_PEOPLE,
    Role.PROGRAMME_MANAGER: ALL_PEOPLE,
    Role.CENTRE_STAFF: {"person_a"},
    Role.PARTNER_AGENCY: {"person_a", "person_on_operation"},
    Role.MINISTRY_OFFICIAL: set(),
    Role.AUDITOR: set(),
    Role.INTEGRATION: ALL_PEOPLE,
    "outsider": set(),
}
# Pages that are not about one person: who gets 200; everyone else 404.
PAGES = {
    "returnees:list": {r for r, people in VISIBLE.items() if people},
    "reporting:dashboard": {Role.MINISTRY_OFFICIAL, Role.PROGRAMME_MANAGER, Role.INTEGRATION},
    "audit:event_list": {Role.AUDITOR},
}


def test_matrix_covers_every_role():
    assert set(VISIBLE) == set(Role) | {"outsider"}


@pytest.mark.parametrize("role", list(VISIBLE), ids=str)
@pytest.mark.parametrize("person", sorted(ALL_PEOPLE))
def test_person_page_in_and_out_of_scope(client, world, role, person):
    client.force_login(world["users"][role])
    response = client.get(reverse("returnees:detail", args=[world[person].pk]))
    expected = 200 if person in VISIBLE[role] else 404
    assert response.status_code == expected


@pytest.mark.parametrize("role", list(VISIBLE), ids=str)
def test_person_list_shows_only_scope(client, world, role):
    client.force_login(world["users"][role])
    response = client.get(reverse("returnees:list"))
    if not VISIBLE[role]:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    body = response.content.decode()
    for person in ALL_PEOPLE:
        assert (world[person].case_number in body) == (person in VISIBLE[role]), person


@pytest.mark.parametrize("role", list(VISIBLE), ids=str)
@pytest.mark.parametrize("page", list(PAGES))
def test_pages_by_role(client, world, role, page):
    client.force_login(world["users"][role])
    response = client.get(reverse(page))
    assert response.status_code == (200 if role in PAGES[page] else 404)


@pytest.mark.parametrize("role", list(VISIBLE), ids=str)
def test_admin_only_for_administrators(client, world, role):
    client.force_login(world["users"][role])
    response = client.get(reverse("admin:accounts_user_changelist"))
    if role == Role.ADMINISTRATOR:
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert reverse("admin:login") in response["Location"]


def test_anonymous_is_sent_to_login(client, world):
    for url in [
        reverse("returnees:detail", args=[world["person_a"].pk]),
        reverse("returnees:list"),
        reverse("audit:event_list"),
        reverse("home"),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_unknown_person_is_404_even_for_full_scope(client, world):
    client.force_login(world["users"][Role.CASEWORKER])
    assert client.get(reverse("returnees:detail", args=[987654321])).status_code == 404


@pytest.mark.parametrize(
    ("role", "sections"),
    [
        (Role.CASEWORKER, {"contact", "family"}),
        (Role.CENTRE_STAFF, {"family"}),
        (Role.PARTNER_AGENCY, set()),
        (Role.MEDICAL_OFFICER, set()),
    ],
)
def test_field_groups_decide_sections(client, world, role, sections):
    client.force_login(world["users"][role])
    body = client.get(reverse("returnees:detail", args=[world["person_a"].pk])).content.decode()
    for section in ("contact", "family"):
        assert (f'data-section="{section}"' in body) == (section in sections), section
    assert ("+7 701 555 12 34" in body) == ("contact" in sections)


def test_partner_field_groups_come_from_agreement(world):
    partner = world["users"][Role.PARTNER_AGENCY]
    assert policy.field_groups_for(partner) == {FieldGroup.IDENTITY, FieldGroup.EDUCATION}
    assert policy.grants_for(partner).scope == Scope.AGREEMENT


def test_expired_agreement_grants_nothing(client, world):
    partner = world["users"][Role.PARTNER_AGENCY]
    from repatriation.accounts.models import DataSharingAgreement

    DataSharingAgreement.objects.update(valid_until=date(2025, 1, 1))
    client.force_login(partner)
    assert client.get(reverse("returnees:detail", args=[world["person_a"].pk])).status_code == 404
    assert policy.field_groups_for(type(partner).objects.get(pk=partner.pk)) == frozenset()


def test_ended_placement_takes_person_out_of_centre_scope(client, world):
    placement = world["person_a"].placements.get()
    placement.ended_on = date(2026, 6, 1)
    placement.save()
    client.force_login(world["users"][Role.CENTRE_STAFF])
    assert client.get(reverse("returnees:detail", args=[world["person_a"].pk])).status_code == 404


def test_a_partners_reach_is_kept_for_the_request_until_a_write(world):
    """The access check and the serializer share one answer per request; after a write
    (here the placement that covered the person ends) it is decided afresh."""
    partner = type(world["users"][Role.PARTNER_AGENCY]).objects.get(
        pk=world["users"][Role.PARTNER_AGENCY].pk
    )
    person = world["person_a"]
    assert policy.field_groups_for(partner, person) == {FieldGroup.IDENTITY, FieldGroup.EDUCATION}
    person.placements.update(ended_on=date(2026, 6, 1))
    assert policy.field_groups_for(partner, person) == {FieldGroup.IDENTITY, FieldGroup.EDUCATION}
    policy.request_memo_forget(partner)
    assert policy.field_groups_for(partner, person) == frozenset()
    assert not policy.can(partner, Action.VIEW, person)


def test_superuser_flag_grants_nothing_by_itself(client, world):
    outsider = world["users"]["outsider"]
    outsider.is_superuser = True
    outsider.is_staff = True
    outsider.save()
    client.force_login(outsider)
    assert client.get(reverse("returnees:detail", args=[world["person_a"].pk])).status_code == 404
    assert policy.field_groups_for(outsider) == frozenset()


def test_inactive_user_has_no_grants(world):
    caseworker = world["users"][Role.CASEWORKER]
    caseworker.is_active = False
    assert not policy.can(caseworker, Action.VIEW, world["person_a"])


@pytest.mark.parametrize(
    ("role", "action", "allowed"),
    [
        (Role.CASEWORKER, Action.CHANGE_STATUS, True),
        (Role.CASEWORKER, Action.DECIDE_VERIFICATION, False),
        (Role.VERIFICATION_OFFICER, Action.DECIDE_VERIFICATION, True),
        (Role.VERIFICATION_OFFICER, Action.CHANGE_STATUS, False),
        (Role.MEDICAL_OFFICER, Action.RECORD_MEDICAL, True),
        (Role.CASEWORKER, Action.RECORD_MEDICAL, False),
        (Role.LEGAL_OFFICER, Action.RECORD_LEGAL, True),
        (Role.CENTRE_STAFF, Action.RECORD_LEGAL, False),
        (Role.CENTRE_STAFF, Action.RECORD_PROGRESS, True),
        (Role.ADMINISTRATOR, Action.RECORD_PROGRESS, False),
    ],
)
def test_actions_on_a_person_in_scope(world, role, action, allowed):
    assert policy.can(world["users"][role], action, world["person_a"]) is allowed


def test_action_needs_scope_too(world):
    staff = world["users"][Role.CENTRE_STAFF]
    assert policy.can(staff, Action.RECORD_PROGRESS, world["person_a"])
    assert not policy.can(staff, Action.RECORD_PROGRESS, world["person_b"])


def test_medical_field_group_only_for_medical_officers(world):
    holders = {
        role for role in Role if FieldGroup.MEDICAL in policy.field_groups_for(world["users"][role])
    }
    assert holders == {Role.MEDICAL_OFFICER}


def test_legal_field_group_only_for_legal_officers_and_managers(world):
    holders = {
        role for role in Role if FieldGroup.LEGAL in policy.field_groups_for(world["users"][role])
    }
    assert holders == {Role.LEGAL_OFFICER, Role.PROGRAMME_MANAGER}


def test_centre_scope_is_one_query_whatever_the_size(world, django_assert_num_queries):
    """The user's centre ids are read once per request; every list is then one query."""
    staff = world["users"][Role.CENTRE_STAFF]
    policy.grants_for(staff)
    with django_assert_num_queries(2):
        first = list(policy.returnees_visible_to(staff))
    with django_assert_num_queries(1):
        assert list(policy.returnees_visible_to(staff)) == first
    assert world["person_a"] in first and world["person_b"] not in first


# Who may do what with each kind of rehabilitation record, on person_a (placed at centre A,
# where the centre staff work and which the partner's agreement covers): every role.
R = Role
REHABILITATION_MATRIX = {
    Action.VIEW_EDUCATION: {
        R.ADMINISTRATOR,
        R.CENTRE_STAFF,
        R.PROGRAMME_MANAGER,
        R.PARTNER_AGENCY,
        R.INTEGRATION,
    },
    Action.VIEW_PSYCHOSOCIAL: {R.CENTRE_STAFF},
    Action.RECORD_PROGRESS: {R.CENTRE_STAFF},
    Action.VIEW_LEGAL: {R.LEGAL_OFFICER, R.PROGRAMME_MANAGER},
    Action.RECORD_LEGAL: {R.LEGAL_OFFICER},
    Action.VIEW_REINTEGRATION: {
        R.ADMINISTRATOR,
        R.CASEWORKER,
        R.VERIFICATION_OFFICER,
        R.CENTRE_STAFF,
        R.PROGRAMME_MANAGER,
        R.INTEGRATION,
    },
    Action.EDIT_REINTEGRATION: {R.CASEWORKER},
    Action.EDIT_PLAN: {R.CASEWORKER, R.CENTRE_STAFF},
}


@pytest.mark.parametrize("action", list(REHABILITATION_MATRIX))
@pytest.mark.parametrize("role", [*Role, "outsider"])
def test_rehabilitation_records_by_role(world, role, action):
    user = world["users"][role]
    allowed = role in REHABILITATION_MATRIX[action]
    assert policy.can(user, action, world["person_a"]) is allowed
    # Nobody reaches a person outside their scope: centre staff and partners not person_b.
    if role in (R.CENTRE_STAFF, R.PARTNER_AGENCY):
        assert not policy.can(user, action, world["person_b"])


@pytest.mark.parametrize("role", [*Role, "outsider"])
def test_only_caseworkers_and_managers_may_open_sealed_records(world, role):
    allowed = role in (R.CASEWORKER, R.PROGRAMME_MANAGER)
    assert policy.can(world["users"][role], Action.OPEN_SEALED) is allowed


@pytest.mark.parametrize("role", [*Role, "outsider"])
def test_field_groups_of_many_people_agree_with_one_by_one(world, role):
    user = world["users"][role]
    people = [world[name] for name in sorted(ALL_PEOPLE)]
    many = policy.field_groups_for_many(user, people)
    assert many == {p.pk: policy.field_groups_for(user, p) for p in people}


def _fresh(user):
    """The same user without what the policy kept for the request."""
    return type(user).objects.get(pk=user.pk)


@pytest.mark.parametrize("role", [*Role, "outsider"])
def test_field_groups_of_a_listed_page_agree_with_the_policy(world, role):
    """A list's page, read through the caller's scope, gets each person's groups without
    asking which agreement covers whom: the answer is the per-person one."""
    user = world["users"][role]
    listed = list(policy.returnees_visible_to(user).order_by("pk"))
    expected = policy.field_groups_for_many(_fresh(user), listed)
    assert policy.field_groups_for_listed(_fresh(user), listed) == expected


def test_a_partner_with_two_agreements_gets_each_persons_groups(world):
    """With two agreements of different groups, a listed person's groups are those of the
    agreement that covers them, never the union."""
    from guardian.shortcuts import assign_perm

    from tests.factories import AgreementFactory

    partner = world["users"][Role.PARTNER_AGENCY]
    second = AgreementFactory(read_field_groups=["identity", "medical"], write_field_groups=[])
    placement = world["person_b"].placements.get(ended_on__isnull=True)
    second.centres.add(placement.centre)
    assign_perm("accounts.use_agreement", partner, second)
    listed = list(policy.returnees_visible_to(_fresh(partner)))
    assert {world["person_a"].pk, world["person_b"].pk} <= {p.pk for p in listed}
    groups = policy.field_groups_for_listed(_fresh(partner), listed)
    assert groups[world["person_b"].pk] == {FieldGroup.IDENTITY, FieldGroup.MEDICAL}
    assert FieldGroup.MEDICAL not in groups[world["person_a"].pk]
    assert FieldGroup.EDUCATION in groups[world["person_a"].pk]


@pytest.mark.parametrize("role", [*Role, "outsider"])
def test_a_centres_residents_are_those_of_the_scope_placed_there(world, role, centre_a, centre_b):
    """`residents_visible_to` skips the scope's subquery for a centre's own staff: for every
    role and centre it must list exactly the people the scope lists as placed there now, a
    sealed resident and one whose placement there has ended left out, and its further
    conditions must hold of that same placement."""
    from django.utils import timezone

    from rehabilitation.models import Placement
    from tests.factories import PlacementFactory, ReturneeFactory

    sealed = PlacementFactory(centre=centre_a, returnee=ReturneeFactory()).returnee
    sealed.sealed_at = timezone.now()
    sealed.save(update_fields=["sealed_at"])
    moved = PlacementFactory(centre=centre_a, returnee=ReturneeFactory()).returnee
    Placement.objects.filter(returnee=moved).update(ended_on=date(2026, 2, 1))
    PlacementFactory(centre=centre_b, returnee=moved)
    user = world["users"][role]
    for centre in (centre_a, centre_b):
        placed_now = {"placements__centre": centre, "placements__ended_on__isnull": True}
        expected = set(policy.returnees_visible_to(_fresh(user)).filter(**placed_now))
        assert set(policy.residents_visible_to(_fresh(user), centre)) == expected
        assert sealed not in expected
        for kind in Placement.Kind:
            assert set(policy.residents_visible_to(_fresh(user), centre, kind=kind)) == set(
                policy.returnees_visible_to(_fresh(user)).filter(
                    **placed_now, placements__kind=kind
                )
            )
    if role == Role.CENTRE_STAFF:
        assert set(policy.residents_visible_to(_fresh(user), centre_a)) == {world["person_a"]}
        assert not policy.residents_visible_to(_fresh(user), centre_b).exists()
