"""Regression tests for the registry review: scope, field groups, integrity, bad input."""

import io
import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from guardian.shortcuts import assign_perm
from PIL import Image

from repatriation.accounts.roles import Role
from repatriation.audit.models import AuditEvent, AuditKind
from returnees import services, workflow
from returnees.models import Guardianship, Relationship, Returnee
from tests.factories import AgreementFactory, PlacementFactory, ReturneeFactory, pdf_bytes

PDF = pdf_bytes()


def test_partner_document_download_follows_the_persons_agreement(client, world, centre_b):
    """Verification rights under one agreement do not open another agreement's people."""
    partner = world["users"][Role.PARTNER_AGENCY]
    wider = AgreementFactory(read_field_groups=["identity", "verification"])
    wider.centres.add(centre_b)
    assign_perm("accounts.use_agreement", partner, wider)
    document = services.document_upload(
        actor=world["users"][Role.CASEWORKER],
        returnee=world["person_a"],
        title="Passport",
        upload=SimpleUploadedFile("p.pdf", PDF),
    )
    client.force_login(partner)
    url = reverse("returnees:document", args=[world["person_a"].pk, document.pk])
    assert client.get(url).status_code == 404
    assert not AuditEvent.objects.filter(kind=AuditKind.DOWNLOAD).exists()


def test_decisions_and_risk_stay_out_of_other_roles_timelines(client, world):
    person = world["person_a"]
    services.intake_record(
        actor=world["users"][Role.CASEWORKER],
        returnee=person,
        values={"education_level": "secondary", "languages": "Kazakh", "risk_level": "high"},
    )
    from returnees.models import CaseEvent

    CaseEvent.objects.create(
        returnee=person,
        kind="verification",
        transition="rejected",
        reason="Forged passport",
        actor=world["users"][Role.CASEWORKER],
    )
    url = reverse("returnees:detail", args=[person.pk])
    client.force_login(world["users"][Role.MEDICAL_OFFICER])
    body = client.get(url).content.decode()
    assert "Forged passport" not in body and "risk high" not in body
    client.force_login(world["users"][Role.CASEWORKER])
    body = client.get(url).content.decode()
    assert "Forged passport" in body and "risk high" in body


def test_nationality_decision_column_needs_the_verification_group(client, world):
    client.force_login(world["users"][Role.CENTRE_STAFF])
    body = client.get("/people/", {"verification": "rejected"}).content.decode()
    assert "Nationality decision" not in body
    assert world["person_a"].case_number in body  # the filter was ignored, not applied


def test_guardian_outside_scope_is_not_named(client, world):
    child = world["person_a"]
    child.date_of_birth = date(2015, 1, 1)
    child.save()
    guardian = ReturneeFactory(date_of_birth=date(1980, 1, 1), primary_name="Гульнара Опекунова")
    PlacementFactory(returnee=guardian, centre=world["person_b"].placements.get().centre)
    services.guardianship_add(
        actor=world["users"][Role.CASEWORKER],
        child=child,
        guardian_kind="returnee",
        legal_basis="court_order",
        started_on=date(2026, 1, 1),
        guardian_returnee=guardian,
    )
    client.force_login(world["users"][Role.CENTRE_STAFF])
    body = client.get(reverse("returnees:detail", args=[child.pk])).content.decode()
    assert guardian.case_number not in body and "Опекунова" not in body
    assert "A returnee outside your access" in body


def test_visit_form_needs_a_current_guardianship_of_this_child(client, world):
    child = world["person_a"]
    client.force_login(world["users"][Role.CASEWORKER])
    assert (
        client.get(reverse("returnees:guardianship_visit_add", args=[child.pk, 999])).status_code
        == 404
    )
    ended = Guardianship.objects.create(
        child=child,
        guardian_kind="state",
        state_body="X",
        legal_basis="administrative",
        started_on=date(2025, 1, 1),
        ended_on=date(2025, 6, 1),
        created_by=world["users"][Role.CASEWORKER],
    )
    assert (
        client.get(
            reverse("returnees:guardianship_visit_add", args=[child.pk, ended.pk])
        ).status_code
        == 404
    )


def test_a_child_found_registered_joins_the_new_family(client, users):
    boy = ReturneeFactory(
        primary_name="Юсуф",
        name_latin="Yusuf",
        sex="M",
        date_of_birth=date(2016, 5, 1),
        status="identified",
    )
    client.force_login(users[Role.CASEWORKER])
    data = {
        "mother-full_name": "Динара Ахметова",
        "mother-sex": "F",
        "mother-date_of_birth": "1988-01-01",
        "mother-claimed_nationality": "KZ",
        "child-TOTAL_FORMS": "1",
        "child-INITIAL_FORMS": "0",
        "child-0-full_name": "Yousuf",
        "child-0-sex": "M",
        "child-0-date_of_birth": "2016-05-01",
    }
    first = client.post("/people/register/", data)
    assert boy.case_number in first.content.decode()
    response = client.post(
        "/people/register/",
        {**data, "mother-duplicates_reviewed": "on", f"verdict-{boy.pk}": "same"},
    )
    assert response.status_code == 302
    mother = Returnee.objects.get(primary_name="Динара Ахметова")
    assert Relationship.objects.filter(person=boy, relative=mother, kind="mother").exists()
    assert boy.names.filter(full_name="Yousuf", kind="camp_list").exists()
    assert not boy.names.filter(full_name__contains="Динара").exists()
    assert Returnee.objects.count() == 2


def test_children_claim_the_mothers_nationality(client, users):
    client.force_login(users[Role.CASEWORKER])
    client.post(
        "/people/register/",
        {
            "mother-full_name": "Anna Petrova",
            "mother-sex": "F",
            "mother-date_of_birth": "1988-01-01",
            "mother-claimed_nationality": "RU",
            "child-TOTAL_FORMS": "1",
            "child-INITIAL_FORMS": "0",
            "child-0-full_name": "Ivan",
            "child-0-sex": "M",
            "child-0-date_of_birth": "2016-05-01",
        },
    )
    assert Returnee.objects.get(primary_name="Ivan").claimed_nationality == "RU"


def test_relationship_checks(users):
    caseworker = users[Role.CASEWORKER]
    woman = ReturneeFactory(sex="F", date_of_birth=date(1985, 1, 1))
    child = ReturneeFactory(date_of_birth=date(2010, 1, 1))
    with pytest.raises(ValidationError, match="choose the other parent"):
        services.relationship_add(actor=caseworker, person=child, relative=woman, kind="father")
    young = ReturneeFactory(date_of_birth=date(1995, 1, 1))
    with pytest.raises(ValidationError, match="at least 20 years older"):
        services.relationship_add(
            actor=caseworker, person=child, relative=young, kind="grandparent"
        )
    services.parent_link(actor=caseworker, child=child, parent=woman)
    with pytest.raises(ValidationError, match="already recorded as parent and child"):
        services.relationship_add(actor=caseworker, person=woman, relative=child, kind="spouse")


def test_a_guardian_must_be_an_adult(users):
    child = ReturneeFactory(date_of_birth=date(2016, 1, 1))
    other_child = ReturneeFactory(date_of_birth=date(2014, 1, 1))
    with pytest.raises(ValidationError, match="adult"):
        services.guardianship_add(
            actor=users[Role.CASEWORKER],
            child=child,
            guardian_kind="returnee",
            legal_basis="court_order",
            started_on=date(2026, 1, 1),
            guardian_returnee=other_child,
        )


def test_a_mother_cannot_be_made_younger_than_her_child(users):
    caseworker = users[Role.CASEWORKER]
    mother = ReturneeFactory(date_of_birth=date(1985, 1, 1))
    child = ReturneeFactory(date_of_birth=date(2010, 1, 1))
    services.parent_link(actor=caseworker, child=child, parent=mother)
    with pytest.raises(ValidationError, match="least 10 years older"):
        services.returnee_update(
            actor=caseworker,
            returnee_id=mother.pk,
            version=mother.version,
            values={"date_of_birth": date(2012, 1, 1)},
        )
    mother.refresh_from_db()
    assert mother.date_of_birth == date(1985, 1, 1)


def test_intake_posted_twice_is_recorded_once(users):
    person = ReturneeFactory()
    values = {
        "health_needs": "Dental care",
        "education_level": "secondary",
        "languages": "Kazakh",
        "risk_level": "low",
    }
    first = services.intake_record(actor=users[Role.CASEWORKER], returnee=person, values=values)
    again = services.intake_record(actor=users[Role.CASEWORKER], returnee=person, values=values)
    assert first.pk == again.pk
    assert person.plan.goals.filter(domain="health").count() == 1


def test_a_new_primary_name_bumps_the_version_and_is_audited(users):
    person = ReturneeFactory()
    services.name_add(
        actor=users[Role.CASEWORKER],
        returnee=person,
        full_name="Айгерим Сейтова",
        kind="name",
        primary=True,
    )
    person.refresh_from_db()
    assert (person.primary_name, person.version) == ("Айгерим Сейтова", 2)
    assert AuditEvent.objects.filter(kind=AuditKind.UPDATE, record_id=str(person.pk)).exists()


def test_no_decision_change_after_clearing_and_no_not_eligible_closure_without_rejection(users):
    person = ReturneeFactory(status="cleared", verification_status="verified")
    with pytest.raises(ValidationError, match="reopen verification"):
        services.verification_decide(
            actor=users[Role.VERIFICATION_OFFICER],
            returnee_id=person.pk,
            version=person.verification.version,
            decision="rejected",
            reason="New information",
        )
    with pytest.raises(workflow.TransitionRefused, match="rejected nationality"):
        workflow.case_transition(
            actor=users[Role.CASEWORKER],
            returnee_id=person.pk,
            name="close",
            version=person.version,
            reason="x",
            closure_reason="not_eligible",
        )


@pytest.mark.parametrize("children", ["²", "9" * 5000, "-3"])
def test_odd_children_counts_are_ignored(client, users, children):
    client.force_login(users[Role.CASEWORKER])
    assert client.get("/people/register/", {"children": children}).status_code == 200


def test_a_cursor_from_another_order_is_a_clear_error(client, users):
    ReturneeFactory.create_batch(60)
    client.force_login(users[Role.CASEWORKER])
    cursor = client.get("/people/", {"sort": "name"}).context["page"].next_cursor
    for sort in ("date_of_birth", "updated", "newest"):
        response = client.get("/people/", {"sort": sort, "cursor": cursor})
        assert response.status_code == 200
        assert "no longer valid" in response.content.decode()


def test_a_very_long_name_is_registered(users):
    name = "Ж" * 190
    person = services.returnee_register(
        actor=users[Role.CASEWORKER],
        person=services.PersonInput(full_name=name, sex="F", date_of_birth=date(1990, 1, 1)),
    )
    assert person.primary_name == name
    assert len(person.name_latin) <= 200


def test_a_decompression_bomb_is_refused(users, world):
    image = Image.new("1", (20000, 20000))
    out = io.BytesIO()
    image.save(out, "PNG")
    with pytest.raises(ValidationError, match="too large"):
        services.document_upload(
            actor=users[Role.CASEWORKER],
            returnee=world["person_a"],
            title="x",
            upload=SimpleUploadedFile("bomb.png", out.getvalue()),
        )


@pytest.mark.django_db(transaction=True)
def test_concurrent_mothers_do_not_both_land(users):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serialises writers anyway")
    caseworker = users[Role.CASEWORKER]
    child = ReturneeFactory(date_of_birth=date(2015, 1, 1))
    mothers = [ReturneeFactory(sex="F", date_of_birth=date(1985, 1, 1)) for _ in range(4)]
    results = []

    def link(mother):
        try:
            services.parent_link(actor=caseworker, child=child, parent=mother)
            results.append("ok")
        except ValidationError:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=link, args=(m,)) for m in mothers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["ok", "refused", "refused", "refused"]
    assert Relationship.objects.filter(person=child, kind="mother").count() == 1
