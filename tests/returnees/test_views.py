"""Caseworker pages: registration with the duplicate step, stale edits, refusals, roles."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from repatriation.accounts.roles import Role
from returnees.models import DuplicateDecision, Relationship, Returnee, ReturneeName
from tests.factories import ReturneeFactory

REGISTER = "/people/register/"


def _registration(**overrides):
    data = {
        "mother-full_name": "Aygerim Nurlanqyzy",
        "mother-sex": "F",
        "mother-date_of_birth": "1990-03-14",
        "mother-claimed_nationality": "KZ",
        "child-TOTAL_FORMS": "2",
        "child-INITIAL_FORMS": "0",
        "child-0-full_name": "Юсуф",
        "child-0-sex": "M",
        "child-0-date_of_birth": "2016-05-01",
        "child-1-full_name": "عائشة",
        "child-1-sex": "F",
        "child-1-date_of_birth": "2018-02-02",
    }
    data.update(overrides)
    return data


@pytest.fixture
def caseworker_client(client, users):
    client.force_login(users[Role.CASEWORKER])
    return client


def test_register_a_mother_with_two_children(caseworker_client):
    response = caseworker_client.post(REGISTER, _registration())
    assert response.status_code == 302
    mother = Returnee.objects.get(primary_name="Aygerim Nurlanqyzy")
    assert response["Location"] == reverse("returnees:detail", args=[mother.pk])
    children = Returnee.objects.filter(relationships__relative=mother, relationships__kind="mother")
    assert sorted(c.primary_name for c in children) == ["Юсуф", "عائشة"]


def test_duplicate_step_before_saving(caseworker_client):
    existing = ReturneeFactory(
        primary_name="Айгерим Нурланқызы",
        name_latin="Aigerim Nurlankyzy",
        date_of_birth=date(1990, 3, 14),
        status="identified",
    )
    first = caseworker_client.post(REGISTER, _registration())
    assert first.status_code == 200
    assert existing.case_number in first.content.decode()
    assert Returnee.objects.count() == 1
    # Submitting again without a decision changes nothing and says what is missing.
    again = caseworker_client.post(REGISTER, _registration(**{"mother-duplicates_reviewed": "on"}))
    assert "say whether it is the same person" in again.content.decode()
    assert Returnee.objects.count() == 1
    decided = caseworker_client.post(
        REGISTER,
        _registration(
            **{
                "mother-duplicates_reviewed": "on",
                f"verdict-{existing.pk}": "different",
                f"reason-{existing.pk}": "Different father's name; different camp.",
            }
        ),
    )
    assert decided.status_code == 302
    decision = DuplicateDecision.objects.get()
    assert (decision.candidate_id, decision.same_person) == (existing.pk, False)
    assert decision.reason == "Different father's name; different camp."
    assert Returnee.objects.count() == 4


def test_same_person_keeps_the_spelling_as_an_alias(caseworker_client):
    existing = ReturneeFactory(
        primary_name="Айгерим Нурланқызы",
        name_latin="Aigerim Nurlankyzy",
        date_of_birth=date(1990, 3, 14),
    )
    response = caseworker_client.post(
        REGISTER,
        _registration(
            **{
                "mother-duplicates_reviewed": "on",
                f"verdict-{existing.pk}": "same",
                "child-TOTAL_FORMS": "0",
            }
        ),
    )
    assert response["Location"] == reverse("returnees:detail", args=[existing.pk])
    assert Returnee.objects.count() == 1
    assert existing.names.filter(full_name="Aygerim Nurlanqyzy", kind="camp_list").exists()


def test_a_form_posted_twice_does_not_register_twice(caseworker_client):
    caseworker_client.post(REGISTER, _registration(**{"child-TOTAL_FORMS": "0"}))
    second = caseworker_client.post(REGISTER, _registration(**{"child-TOTAL_FORMS": "0"}))
    assert second.status_code == 200
    assert 'data-testid="duplicates"' in second.content.decode()
    assert Returnee.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"mother-date_of_birth": "2099-01-01"}, "The date is in the future."),
        ({"mother-date_of_birth": "14/03/1990"}, "Enter a valid date."),
        ({"mother-sex": "X"}, "Select a valid choice."),
        ({"mother-claimed_nationality": "KAZ"}, "Two letters"),
        ({"child-1-date_of_birth": "1995-01-01"}, "least 10 years older"),
        ({"child-TOTAL_FORMS": "40"}, "Please submit at most 12 forms."),
    ],
)
def test_bad_registration_gets_a_clear_error_and_changes_nothing(
    caseworker_client, overrides, message
):
    response = caseworker_client.post(REGISTER, _registration(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Returnee.objects.exists()


def test_stale_edit_is_refused_and_shows_what_changed(caseworker_client, world):
    person = world["person_a"]
    url = reverse("returnees:edit", args=[person.pk])
    page = caseworker_client.get(url)
    form = page.context["form"]
    data = {
        name: form[name].value() if form[name].value() is not None else "" for name in form.fields
    }
    data.update({f"initial-{name}": data[name] for name in form.fields if name != "version"})
    for name in list(data):
        if data[name] is False:
            data.pop(name)
    mine = {**data, "place_of_birth": "Астана"}
    theirs = {**data, "place_of_birth": "Алматы"}
    assert caseworker_client.post(url, theirs).status_code == 302
    refused = caseworker_client.post(url, mine)
    assert refused.status_code == 200
    body = refused.content.decode()
    assert "Someone else changed this record" in body
    assert 'data-testid="conflict"' in body and "Алматы" in body
    person.refresh_from_db()
    assert person.place_of_birth == "Алматы"


def test_refused_transition_names_the_precondition(caseworker_client, world):
    person = world["person_unplaced"]
    url = reverse("returnees:transition", args=[person.pk])
    response = caseworker_client.post(
        url, {"transition": "clear", "version": person.version}, follow=True
    )
    assert "Nationality has not been verified" in response.content.decode()
    person.refresh_from_db()
    assert person.status == "verifying"
    assert caseworker_client.post(url, {"transition": "clear"}).status_code == 302


def test_evidence_with_a_mislabelled_file_is_refused_beside_the_field(caseworker_client, world):
    person = world["person_a"]
    fake = SimpleUploadedFile("passport.pdf", b"GIF89a not really a pdf", "application/pdf")
    response = caseworker_client.post(
        reverse("returnees:evidence_add", args=[person.pk]),
        {"kind": "passport", "confidence": "high", "file": fake},
    )
    assert response.status_code == 200
    assert "Only PDF, JPEG and PNG" in response.content.decode()
    assert not person.verification.evidence.exists()


def test_relationship_to_unknown_case_number(caseworker_client, world):
    url = reverse("returnees:relationship_add", args=[world["person_a"].pk])
    response = caseworker_client.post(
        url, {"kind": "sibling", "relative_case_number": "KZ-2001-000001"}
    )
    assert "No person with that case number." in response.content.decode()
    assert not Relationship.objects.exists()


def test_name_add_and_intake_pages(caseworker_client, world):
    person = world["person_a"]
    caseworker_client.post(
        reverse("returnees:name_add", args=[person.pk]), {"full_name": "Umm Yusuf", "kind": "kunya"}
    )
    assert person.names.filter(full_name="Umm Yusuf", kind=ReturneeName.Kind.KUNYA).exists()
    response = caseworker_client.post(
        reverse("returnees:intake", args=[person.pk]),
        {
            "health_needs": "Dental care",
            "education_level": "secondary",
            "languages": "Kazakh",
            "risk_level": "low",
        },
    )
    assert response.status_code == 302
    assert person.plan.goals.filter(domain="health").exists()


WRITE_URLS = [
    "returnees:edit",
    "returnees:name_add",
    "returnees:relationship_add",
    "returnees:relative_add",
    "returnees:guardianship_add",
    "returnees:evidence_add",
    "returnees:document_add",
    "returnees:intake",
]


@pytest.mark.parametrize(
    "role",
    [
        Role.CENTRE_STAFF,
        Role.PARTNER_AGENCY,
        Role.MINISTRY_OFFICIAL,
        Role.AUDITOR,
        Role.MEDICAL_OFFICER,
        Role.LEGAL_OFFICER,
        "outsider",
    ],
)
def test_roles_that_may_not_edit_get_404(client, world, role):
    client.force_login(world["users"][role])
    pk = world["person_a"].pk
    for name in WRITE_URLS:
        assert client.get(reverse(name, args=[pk])).status_code == 404, name
        assert client.post(reverse(name, args=[pk]), {}).status_code == 404, name
    assert (
        client.post(
            reverse("returnees:transition", args=[pk]), {"transition": "close", "version": 1}
        ).status_code
        == 404
    )
    assert client.post(reverse("returnees:decide", args=[pk]), {}).status_code == 404
    assert client.get(REGISTER).status_code == 404


def test_only_verification_officers_decide(client, world):
    person = world["person_a"]
    url = reverse("returnees:decide", args=[person.pk])
    client.force_login(world["users"][Role.CASEWORKER])
    assert (
        client.post(url, {"decision": "verified", "reason": "x", "version": 1}).status_code == 404
    )
    client.force_login(world["users"][Role.VERIFICATION_OFFICER])
    response = client.post(url, {"decision": "verified", "reason": "x", "version": 1}, follow=True)
    assert "Record at least one evidence item" in response.content.decode()


def test_case_page_sections_follow_field_groups(client, world):
    person = world["person_a"]
    url = reverse("returnees:detail", args=[person.pk])
    client.force_login(world["users"][Role.CENTRE_STAFF])
    body = client.get(url).content.decode()
    assert 'id="verification"' not in body and 'id="documents"' not in body
    assert 'id="family"' in body and 'id="plan"' in body
    client.force_login(world["users"][Role.VERIFICATION_OFFICER])
    body = client.get(url).content.decode()
    assert 'id="verification"' in body and 'data-testid="decision-form"' in body
    assert 'data-section="contact"' not in body


def test_date_inputs_are_iso_in_every_language(caseworker_client, world):
    caseworker_client.post(reverse("set_language"), {"language": "ru", "next": "/"})
    body = caseworker_client.get(reverse("returnees:edit", args=[world["person_a"].pk])).content
    assert 'type="date" name="date_of_birth" value="1990-03-14"' in body.decode()


def test_an_edit_changes_only_the_fields_the_user_changed(caseworker_client, world):
    from repatriation.audit.models import AuditEvent, AuditKind

    person = world["person_a"]
    url = reverse("returnees:edit", args=[person.pk])
    form = caseworker_client.get(url).context["form"]
    html = caseworker_client.get(url).content.decode()
    assert 'name="initial-place_of_birth"' in html
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value in (None, False):
            continue
        data[name] = value.pk if hasattr(value, "pk") else value
        if name != "version":
            data[f"initial-{name}"] = data[name]
    data["place_of_birth"] = "Тараз"
    assert caseworker_client.post(url, data).status_code == 302
    event = AuditEvent.objects.get(kind=AuditKind.UPDATE, record_id=str(person.pk))
    assert list(event.changes) == ["place_of_birth"]


def test_the_decision_offers_the_parents_the_officer_may_open(client, users, family):
    """The case page's "verified through parent" choices are `parents_of`: the child's
    mother and father the user may open, and nobody else (not a sealed father, not the
    mother's own children on her page)."""
    import re

    from django.utils import timezone

    from returnees import selectors

    mother, child, _sister = family
    father = ReturneeFactory(sex="M", date_of_birth=date(1985, 1, 1), sealed_at=timezone.now())
    Relationship.objects.create(person=child, relative=father, kind="father")
    officer = users[Role.VERIFICATION_OFFICER]
    client.force_login(officer)

    def offered(person) -> list[str]:
        body = client.get(reverse("returnees:detail", args=[person.pk])).content.decode()
        select = re.search(r'<select name="via_parent".*?</select>', body, re.S).group(0)
        return [v for v in re.findall(r'<option value="([^"]*)"', select) if v]

    assert offered(child) == [str(mother.pk)]
    assert offered(child) == [str(p.pk) for p in selectors.parents_of(user=officer, returnee=child)]
    assert offered(mother) == []
