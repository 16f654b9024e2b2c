"""Legal proceedings: only legal officers and programme managers see them; a parent's custody
shows on the children's cases as "caregiver unavailable" and nothing more."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from rehabilitation import selectors, services
from rehabilitation.models import CustodyPeriod, LegalProceeding
from repatriation.accounts.roles import Role
from repatriation.audit.models import AuditEvent, AuditKind
from returnees.models import Relationship
from returnees.workflow import StaleEdit
from tests.factories import PlacementFactory, ReturneeFactory

COURT = "Specialised Inter-district Criminal Court of Astana"


def _values(**overrides):
    return {
        "status": "charged",
        "court": COURT,
        "reference": "1-234/2026",
        "opened_on": date(2026, 3, 1),
        "next_hearing_on": None,
        "closed_on": None,
        "charges": "Art. 257 participation in a terrorist organisation",
        "lawyer": "A. Serikbayeva",
        "sentence": "",
        **overrides,
    }


@pytest.fixture
def proceeding(users, world):
    return services.legal_proceeding_add(
        actor=users[Role.LEGAL_OFFICER], returnee=world["person_a"], values=_values()
    )


@pytest.fixture
def child(world):
    """A child of person_a, placed at the same centre."""
    centre = world["person_a"].placements.get().centre
    kid = PlacementFactory(
        centre=centre,
        returnee=ReturneeFactory(primary_name="Али Ахметов", date_of_birth=date(2018, 5, 5)),
    ).returnee
    Relationship.objects.create(person=kid, relative=world["person_a"], kind="mother")
    Relationship.objects.create(person=world["person_a"], relative=kid, kind="child")
    return kid


EXPECTED = {
    Role.LEGAL_OFFICER: 200,
    Role.PROGRAMME_MANAGER: 200,
}


@pytest.mark.parametrize("who", [*Role, "outsider"])
def test_only_legal_officers_and_programme_managers_read_proceedings(
    client, users, world, proceeding, who
):
    client.force_login(users[who])
    response = client.get(reverse("rehabilitation:legal", args=[world["person_a"].pk]))
    assert response.status_code == EXPECTED.get(who, 404)
    if response.status_code == 200:
        assert COURT in response.content.decode()
        assert AuditEvent.objects.filter(
            kind=AuditKind.READ, actor=users[who], detail="legal"
        ).exists()
    case = client.get(reverse("returnees:detail", args=[world["person_a"].pk]))
    if case.status_code == 200:
        assert ('id="legal"' in case.content.decode()) == (who in EXPECTED)
        assert COURT not in case.content.decode()


def test_programme_managers_read_but_do_not_record(client, users, world, proceeding):
    client.force_login(users[Role.PROGRAMME_MANAGER])
    url = reverse("rehabilitation:legal", args=[world["person_a"].pk])
    client.post(url, {"status": "trial", "court": "x", "opened_on": "2026-01-01"})
    assert LegalProceeding.objects.count() == 1
    edit = reverse("rehabilitation:legal_edit", args=[world["person_a"].pk, proceeding.pk])
    assert client.get(edit).status_code == 404


def test_legal_details_stay_out_of_the_audit_trail(users, proceeding):
    services.legal_proceeding_update(
        actor=users[Role.LEGAL_OFFICER],
        proceeding_id=proceeding.pk,
        version=1,
        values={"charges": "Art. 255 financing", "sentence": "8 years", "status": "convicted"},
    )
    event = AuditEvent.objects.filter(
        kind=AuditKind.UPDATE, record_type="rehabilitation.legalproceeding"
    ).get()
    assert event.changes["charges"] == ["***", "***"]
    assert event.changes["status"] == ["charged", "convicted"]
    assert "financing" not in str(event.changes) and "8 years" not in str(event.changes)


def test_opening_the_edit_page_is_an_audited_read(client, users, world, proceeding):
    client.force_login(users[Role.LEGAL_OFFICER])
    url = reverse("rehabilitation:legal_edit", args=[world["person_a"].pk, proceeding.pk])
    assert client.get(url).status_code == 200
    assert AuditEvent.objects.filter(
        kind=AuditKind.READ, record_type="rehabilitation.legalproceeding"
    ).exists()


def test_an_agreement_listing_legal_opens_no_proceedings(client, users, world, proceeding):
    partner = users[Role.PARTNER_AGENCY]
    agreement = partner.agreementusergrant_set.get().content_object
    agreement.read_field_groups = [*agreement.read_field_groups, "legal"]
    agreement.save()
    client.force_login(partner)
    url = reverse("rehabilitation:legal", args=[world["person_a"].pk])
    assert client.get(url).status_code == 404


def test_a_closing_status_closes_the_proceeding_and_stale_edits_are_refused(users, proceeding):
    officer = users[Role.LEGAL_OFFICER]
    services.legal_proceeding_update(
        actor=officer, proceeding_id=proceeding.pk, version=1, values={"status": "acquitted"}
    )
    proceeding.refresh_from_db()
    assert proceeding.closed_on == timezone.localdate()
    with pytest.raises(StaleEdit):
        services.legal_proceeding_update(
            actor=officer, proceeding_id=proceeding.pk, version=1, values={"status": "trial"}
        )


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"status": "trial", "closed_on": date(2026, 4, 1)}, "closed_on"),
        ({"status": "pending"}, "status"),
        ({"court": "  "}, "court"),
        ({"opened_on": date(2099, 1, 1)}, "opened_on"),
        ({"next_hearing_on": date(2025, 1, 1)}, "next_hearing_on"),
    ],
)
def test_bad_proceedings_are_refused(users, world, values, field):
    with pytest.raises(ValidationError) as refused:
        services.legal_proceeding_add(
            actor=users[Role.LEGAL_OFFICER], returnee=world["person_a"], values=_values(**values)
        )
    assert field in refused.value.message_dict
    assert not LegalProceeding.objects.exists()


def test_the_form_shows_errors_and_saves_nothing(client, users, world):
    client.force_login(users[Role.LEGAL_OFFICER])
    url = reverse("rehabilitation:legal", args=[world["person_a"].pk])
    response = client.post(url, {"status": "trial", "court": "", "opened_on": "yesterday"})
    assert response.status_code == 200
    assert not LegalProceeding.objects.exists()
    response = client.post(url, {"status": "trial", "court": COURT, "opened_on": "2026-02-01"})
    assert response.status_code == 302
    assert LegalProceeding.objects.get().status == "trial"


def test_custody_periods_do_not_overlap(users, proceeding):
    officer = users[Role.LEGAL_OFFICER]
    services.custody_period_add(
        actor=officer, proceeding=proceeding, kind="pre_trial", started_on=date(2026, 3, 2)
    )
    with pytest.raises(ValidationError):
        services.custody_period_add(
            actor=officer, proceeding=proceeding, kind="sentence", started_on=date(2026, 5, 1)
        )
    assert CustodyPeriod.objects.count() == 1


def test_a_parent_in_custody_shows_on_the_childs_case_without_details(
    client, users, world, proceeding, child
):
    officer = users[Role.LEGAL_OFFICER]
    period = services.custody_period_add(
        actor=officer,
        proceeding=proceeding,
        kind="pre_trial",
        started_on=timezone.localdate() - timedelta(days=20),
    )
    assert selectors.caregiver_unavailable(children_ids=[child.pk]) == {child.pk}
    client.force_login(users[Role.CENTRE_STAFF])
    case = client.get(reverse("returnees:detail", args=[child.pk])).content.decode()
    assert "Caregiver unavailable" in case
    for detail in (COURT, "terrorist", "Pre-trial", "custody"):
        assert detail not in case
    centre = client.get(reverse("rehabilitation:my_centre")).content.decode()
    assert 'data-testid="caregiver-unavailable"' in centre
    # Roles that do not look after the child learn nothing of it.
    for role in (Role.MEDICAL_OFFICER, Role.PARTNER_AGENCY):
        client.force_login(users[role])
        page = client.get(reverse("returnees:detail", args=[child.pk]))
        assert page.status_code == 200
        assert "Caregiver unavailable" not in page.content.decode()
    client.force_login(users[Role.CASEWORKER])
    page = client.get(reverse("returnees:detail", args=[world["person_a"].pk]))
    assert "Caregiver unavailable" not in page.content.decode()  # the adult herself

    services.custody_period_end(actor=officer, period_id=period.pk, ended_on=timezone.localdate())
    # Ends today: still unavailable today; from tomorrow the parent is back.
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert selectors.in_custody(people_ids=[world["person_a"].pk], day=tomorrow) == set()


def test_custody_end_is_checked(users, proceeding):
    officer = users[Role.LEGAL_OFFICER]
    period = services.custody_period_add(
        actor=officer, proceeding=proceeding, kind="pre_trial", started_on=date(2026, 3, 2)
    )
    with pytest.raises(ValidationError):
        services.custody_period_end(actor=officer, period_id=period.pk, ended_on=date(2026, 3, 1))
    with pytest.raises(ValidationError):
        services.custody_period_end(actor=officer, period_id=period.pk, ended_on=date(2099, 3, 1))
    period.refresh_from_db()
    assert period.ended_on is None


def test_custody_cannot_begin_before_the_proceeding(users, proceeding):
    with pytest.raises(ValidationError) as refused:
        services.custody_period_add(
            actor=users[Role.LEGAL_OFFICER],
            proceeding=proceeding,
            kind="pre_trial",
            started_on=date(2026, 2, 1),
        )
    assert "started_on" in refused.value.message_dict
    assert not CustodyPeriod.objects.exists()
