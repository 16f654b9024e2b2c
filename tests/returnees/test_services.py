"""Registry services: registration, case numbers, family checks, guardianship, verification."""

import threading
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from repatriation.accounts.roles import Role
from repatriation.audit.models import AuditEvent, AuditKind
from returnees import services
from returnees.models import (
    CaseEvent,
    CaseNumberCounter,
    Guardianship,
    NationalityVerification,
    Relationship,
    Returnee,
    ReturneeName,
)
from returnees.services import PersonInput
from returnees.workflow import StaleEdit
from tests.factories import ReturneeFactory


def person(name="Айгерим Нурланқызы", dob=date(1990, 3, 14), sex="F", **kwargs):
    return PersonInput(full_name=name, sex=sex, date_of_birth=dob, **kwargs)


@pytest.fixture
def caseworker(users):
    return users[Role.CASEWORKER]


def test_register_keeps_the_script_and_indexes_every_name(caseworker):
    returnee = services.returnee_register(
        actor=caseworker, person=person(aliases=[("Умм Юсуф", ReturneeName.Kind.KUNYA)])
    )
    year = timezone.localdate().year
    assert returnee.case_number == f"KZ-{year}-000001"
    names = {(n.full_name, n.script, n.kind, n.is_primary) for n in returnee.names.all()}
    assert names == {
        ("Айгерим Нурланқызы", "cyrl", "name", True),
        ("Aygerim Nurlanqyzy", "latn", "name", False),
        ("Умм Юсуф", "cyrl", "kunya", False),
    }
    assert NationalityVerification.objects.get(returnee=returnee).decision == "pending"
    assert CaseEvent.objects.filter(returnee=returnee, kind="registered").count() == 1
    assert AuditEvent.objects.filter(
        kind=AuditKind.CREATE, record_id=str(returnee.pk), record_type="returnees.returnee"
    ).exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"dob": date.today() + timedelta(days=1)}, "date_of_birth"),
        ({"dob": date(1850, 1, 1)}, "date_of_birth"),
        ({"sex": "X"}, "sex"),
        ({"name": "   "}, "full_name"),
    ],
)
def test_bad_registration_changes_nothing(caseworker, change, field):
    with pytest.raises(ValidationError) as error:
        services.returnee_register(actor=caseworker, person=person(**change))
    assert field in error.value.error_dict
    assert not Returnee.objects.exists()
    assert not CaseNumberCounter.objects.filter(last_value__gt=0).exists()


def test_case_numbers_have_no_gaps_after_a_failed_registration(caseworker):
    first = services.returnee_register(actor=caseworker, person=person())
    with pytest.raises(ValidationError):
        services.returnee_register(actor=caseworker, person=person(sex="X"))
    second = services.returnee_register(actor=caseworker, person=person(name="Динара"))
    assert int(second.case_number[-6:]) == int(first.case_number[-6:]) + 1


@pytest.mark.django_db(transaction=True)
def test_case_numbers_do_not_collide_under_concurrency(users):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serialises writers anyway")
    caseworker = users[Role.CASEWORKER]
    numbers, errors = [], []

    def register(i):
        try:
            numbers.append(
                services.returnee_register(
                    actor=caseworker, person=person(name=f"Person {i}")
                ).case_number
            )
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(i,)) for i in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    suffixes = sorted(int(n[-6:]) for n in numbers)
    assert suffixes == list(range(1, 13))


def test_family_registration_links_mother_and_children(caseworker):
    mother, *children = services.family_register(
        actor=caseworker,
        mother=person(),
        children=[person("Юсуф", date(2016, 5, 1), "M"), person("عائشة", date(2018, 2, 2))],
    )
    assert {c.household_id for c in children} == {mother.household_id}
    for child in children:
        assert Relationship.objects.filter(person=child, relative=mother, kind="mother").exists()
        assert Relationship.objects.filter(person=mother, relative=child, kind="child").exists()
    assert children[1].names.get(is_primary=True).script == "arab"


def test_family_registration_is_all_or_nothing(caseworker):
    with pytest.raises(ValidationError):
        services.family_register(
            actor=caseworker,
            mother=person(),
            children=[
                person("Юсуф", date(2016, 5, 1), "M"),
                person("Too young mother", date(1995, 1, 1)),
            ],
        )
    assert not Returnee.objects.exists()


def test_mother_must_be_ten_years_older(caseworker):
    mother = ReturneeFactory(date_of_birth=date(2000, 1, 1))
    child = ReturneeFactory(date_of_birth=date(2005, 1, 1), primary_name="Child")
    with pytest.raises(ValidationError, match="least 10 years older"):
        services.parent_link(actor=caseworker, child=child, parent=mother)
    assert not Relationship.objects.exists()


def test_estimated_date_turns_the_age_check_into_a_warning(caseworker):
    mother = ReturneeFactory(date_of_birth=date(2000, 1, 1))
    child = ReturneeFactory(date_of_birth=date(2005, 1, 1), date_of_birth_estimated=True)
    warnings = services.parent_link(actor=caseworker, child=child, parent=mother)
    assert warnings and "only a warning" in warnings[0]
    assert Relationship.objects.filter(person=child, relative=mother).exists()


def test_no_one_is_their_own_relative_or_ancestor(caseworker):
    grandmother = ReturneeFactory(date_of_birth=date(1950, 1, 1))
    mother = ReturneeFactory(date_of_birth=date(1975, 1, 1))
    child = ReturneeFactory(date_of_birth=date(2000, 1, 1))
    services.parent_link(actor=caseworker, child=mother, parent=grandmother)
    services.parent_link(actor=caseworker, child=child, parent=mother)
    with pytest.raises(ValidationError, match="own relative"):
        services.relationship_add(actor=caseworker, person=child, relative=child, kind="sibling")
    with pytest.raises(ValidationError, match="own ancestor"):
        services.parent_link(actor=caseworker, child=grandmother, parent=child)
    with pytest.raises(ValidationError, match="already"):
        services.parent_link(actor=caseworker, child=child, parent=mother)


def test_guardianship_needs_a_guardian_of_the_right_kind(caseworker):
    child = ReturneeFactory(date_of_birth=date(2015, 1, 1), is_orphan=True)
    other = ReturneeFactory()
    foreign_relative = services.relative_add(
        actor=caseworker, returnee=other, full_name="Гульнара", relationship="aunt", region="Almaty"
    )
    with pytest.raises(ValidationError) as error:
        services.guardianship_add(
            actor=caseworker,
            child=child,
            guardian_kind="relative",
            legal_basis="court_order",
            started_on=date(2026, 1, 1),
            guardian_relative=foreign_relative,
        )
    assert "guardian_relative" in error.value.error_dict
    with pytest.raises(ValidationError):
        services.guardianship_add(
            actor=caseworker,
            child=child,
            guardian_kind="state",
            legal_basis="administrative",
            started_on=date(2026, 1, 1),
        )
    aunt = services.relative_add(
        actor=caseworker, returnee=child, full_name="Сауле", relationship="aunt", region="Almaty"
    )
    first = services.guardianship_add(
        actor=caseworker,
        child=child,
        guardian_kind="relative",
        legal_basis="court_order",
        started_on=date(2026, 1, 1),
        guardian_relative=aunt,
    )
    second = services.guardianship_add(
        actor=caseworker,
        child=child,
        guardian_kind="state",
        legal_basis="administrative",
        started_on=date(2026, 2, 1),
        state_body="Guardianship authority, Almaty",
    )
    first.refresh_from_db()
    assert first.ended_on is not None and second.ended_on is None
    with pytest.raises(ValidationError):
        services.guardianship_visit_add(
            actor=caseworker, guardianship=second, visited_on=date(2025, 1, 1), findings="Too early"
        )
    assert Guardianship.objects.count() == 2


def test_verification_needs_evidence_and_a_verified_parent(users):
    caseworker, officer = users[Role.CASEWORKER], users[Role.VERIFICATION_OFFICER]
    mother = ReturneeFactory(date_of_birth=date(1988, 1, 1), status="verifying")
    child = ReturneeFactory(
        date_of_birth=date(2017, 1, 1), place_of_birth="Ракка", status="verifying"
    )
    services.parent_link(actor=caseworker, child=child, parent=mother)
    v = mother.verification
    with pytest.raises(ValidationError, match="evidence"):
        services.verification_decide(
            actor=officer,
            returnee_id=mother.pk,
            version=v.version,
            decision="verified",
            reason="Passport",
        )
    with pytest.raises(ValidationError, match="not verified"):
        services.verification_decide(
            actor=officer,
            returnee_id=child.pk,
            version=child.verification.version,
            decision="verified",
            reason="Through mother",
            via_parent=mother,
        )
    services.evidence_add(actor=caseworker, returnee=mother, kind="passport", confidence="high")
    services.verification_decide(
        actor=officer,
        returnee_id=mother.pk,
        version=v.version,
        decision="verified",
        reason="Passport checked",
    )
    mother.refresh_from_db()
    decided = services.verification_decide(
        actor=officer,
        returnee_id=child.pk,
        version=child.verification.version,
        decision="verified",
        reason="Born abroad to a verified mother",
        via_parent=mother,
    )
    assert decided.via_parent == mother
    child.refresh_from_db()
    assert child.verification_status == "verified"
    with pytest.raises(StaleEdit):
        services.verification_decide(
            actor=officer,
            returnee_id=mother.pk,
            version=v.version,
            decision="rejected",
            reason="stale page",
        )


def test_stale_identity_edit_is_refused(caseworker):
    returnee = ReturneeFactory()
    services.returnee_update(
        actor=caseworker, returnee_id=returnee.pk, version=1, values={"place_of_birth": "Алматы"}
    )
    with pytest.raises(StaleEdit) as stale:
        services.returnee_update(
            actor=caseworker,
            returnee_id=returnee.pk,
            version=1,
            values={"place_of_birth": "Астана"},
        )
    assert stale.value.current.place_of_birth == "Алматы"
    returnee.refresh_from_db()
    assert (returnee.place_of_birth, returnee.version) == ("Алматы", 2)
    event = AuditEvent.objects.get(kind=AuditKind.UPDATE, record_id=str(returnee.pk))
    assert event.changes == {"place_of_birth": ["", "Алматы"]}


def test_intake_drafts_plan_goals(caseworker):
    child = ReturneeFactory(date_of_birth=date(2016, 1, 1))
    services.intake_record(
        actor=caseworker,
        returnee=child,
        values={
            "health_needs": "Malnutrition follow-up",
            "psychosocial_needs": "Nightmares",
            "education_level": "none",
            "languages": "Arabic, Russian",
            "family_situation": "",
            "legal_status": "",
            "risk_level": "high",
            "risk_notes": "",
        },
    )
    domains = sorted(child.plan.goals.values_list("domain", flat=True))
    assert domains == ["education", "health", "psychosocial", "religious"]
    with pytest.raises(ValidationError):
        services.intake_record(
            actor=caseworker,
            returnee=child,
            values={"education_level": "phd", "languages": "", "risk_level": "extreme"},
        )
