"""Reintegration and closure: the plan, follow-up visits, sealing of closed cases after the
configured period, and breaking the glass to open a sealed one."""

import time
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from rehabilitation import services
from rehabilitation.models import FollowUpVisit, ReintegrationPlan, SealedRecordAccess
from rehabilitation.tasks import cases_seal_due
from repatriation import policy
from repatriation.accounts.roles import Role
from repatriation.audit.models import AuditEvent, AuditKind
from returnees import selectors as returnee_selectors
from returnees.models import Returnee
from returnees.workflow import StaleEdit
from tests.factories import ReturneeFactory

PLAN = {
    "destination_region": "Туркестанская область",
    "destination_community": "Кентау",
    "housing": "relatives",
    "livelihood": "Sewing course at the district college",
    "id_card_restored": True,
}


def test_caseworker_draws_up_the_plan_and_records_visits(users, world):
    person = world["person_a"]
    caseworker = users[Role.CASEWORKER]
    plan = services.reintegration_plan_save(
        actor=caseworker, returnee=person, version=None, values=PLAN
    )
    services.reintegration_plan_save(
        actor=caseworker, returnee=person, version=1, values={"passport_restored": True}
    )
    with pytest.raises(StaleEdit):
        services.reintegration_plan_save(
            actor=caseworker, returnee=person, version=1, values={"housing": "own"}
        )
    plan.refresh_from_db()
    assert (plan.version, plan.passport_restored, plan.housing) == (2, True, "relatives")
    with pytest.raises(ValidationError):  # visits start with reintegration
        services.follow_up_visit_add(
            actor=caseworker,
            returnee=person,
            visited_on=timezone.localdate(),
            findings="Settled in.",
            risk_level="low",
        )
    Returnee.objects.filter(pk=person.pk).update(status="reintegration")
    person.refresh_from_db()
    services.follow_up_visit_add(
        actor=caseworker,
        returnee=person,
        visited_on=timezone.localdate(),
        findings="Living with her brother; children at School 4.",
        risk_level="low",
        next_visit_on=timezone.localdate() + timedelta(days=90),
    )
    assert FollowUpVisit.objects.get().risk_level == "low"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({**PLAN, "housing": "tent"}, "housing"),
        ({**PLAN, "destination_community": " "}, "destination_community"),
        ({"housing": "own"}, "destination_region"),
        ({**PLAN, "status": "closed"}, "status"),
    ],
)
def test_bad_plans_are_refused(users, world, values, field):
    with pytest.raises(ValidationError) as refused:
        services.reintegration_plan_save(
            actor=users[Role.CASEWORKER], returnee=world["person_a"], version=None, values=values
        )
    assert field in refused.value.message_dict
    assert not ReintegrationPlan.objects.exists()


def test_a_plan_waits_for_placement(users, world):
    with pytest.raises(ValidationError):
        services.reintegration_plan_save(
            actor=users[Role.CASEWORKER],
            returnee=world["person_unplaced"],
            version=None,
            values=PLAN,
        )


def test_reintegration_page_by_role(client, users, world):
    url = reverse("rehabilitation:reintegration", args=[world["person_a"].pk])
    client.force_login(users[Role.CASEWORKER])
    response = client.post(url, {"action": "plan", "plan-housing": "own"})
    assert response.status_code == 200 and not ReintegrationPlan.objects.exists()
    response = client.post(
        url,
        {"action": "plan", **{f"plan-{k}": v for k, v in PLAN.items()}},
    )
    assert response.status_code == 302
    assert ReintegrationPlan.objects.get().destination_community == "Кентау"
    client.force_login(users[Role.CENTRE_STAFF])  # sees family, does not edit
    assert client.get(url).status_code == 200
    assert client.post(url, {"action": "plan", "plan-housing": "own"}).status_code == 404
    for role in (Role.MEDICAL_OFFICER, Role.LEGAL_OFFICER, Role.MINISTRY_OFFICIAL, "outsider"):
        client.force_login(users[role])
        assert client.get(url).status_code == 404
    client.force_login(users[Role.CENTRE_STAFF])
    other = reverse("rehabilitation:reintegration", args=[world["person_b"].pk])
    assert client.get(other).status_code == 404


# Closing and sealing ------------------------------------------------------------------


@pytest.fixture
def closed_long_ago(db):
    return ReturneeFactory(
        primary_name="Зарина Сейткали",
        status="closed",
        closure_reason="reintegrated",
        closed_on=date(2024, 1, 10),
    )


def test_closing_a_case_starts_the_sealing_clock(client, users, world):
    from returnees.workflow import case_transition

    person = world["person_a"]
    case_transition(
        actor=users[Role.CASEWORKER],
        returnee_id=person.pk,
        name="close",
        version=person.version,
        reason="Moved abroad with family",
        closure_reason="transferred",
    )
    person.refresh_from_db()
    assert person.closed_on == timezone.localdate()
    assert services.cases_seal_due(after_days=365) == 0
    assert services.cases_seal_due(today=timezone.localdate() + timedelta(days=365)) == 1


def test_sealed_records_leave_lists_search_and_pages(client, users, world, closed_long_ago):
    assert services.cases_seal_due(after_days=365) == 1
    assert services.cases_seal_due(after_days=365) == 0  # idempotent
    assert AuditEvent.objects.filter(
        kind=AuditKind.SEAL, record_id=str(closed_long_ago.pk)
    ).exists()
    caseworker = users[Role.CASEWORKER]
    assert not policy.returnees_visible_to(caseworker).filter(pk=closed_long_ago.pk).exists()
    page = returnee_selectors.returnee_list(
        user=caseworker, filters=returnee_selectors.ReturneeFilters(query="Сейткали")
    )
    assert closed_long_ago.pk not in [p.pk for p in page.people]
    client.force_login(caseworker)
    assert client.get(reverse("returnees:detail", args=[closed_long_ago.pk])).status_code == 404
    listing = client.get(reverse("returnees:list"), {"q": closed_long_ago.case_number})
    assert reverse("returnees:detail", args=[closed_long_ago.pk]) not in listing.content.decode()
    found = client.get(reverse("returnees:list"), {"q": world["person_a"].case_number})
    assert reverse("returnees:detail", args=[world["person_a"].pk]) in found.content.decode()


def test_breaking_the_glass_is_justified_audited_and_time_limited(
    client, users, closed_long_ago, settings
):
    services.cases_seal_due(after_days=365)
    url = reverse("rehabilitation:sealed_open")
    client.force_login(users[Role.CASEWORKER])
    short = client.post(url, {"case_number": closed_long_ago.case_number, "justification": "x"})
    assert "at least 20 characters" in short.content.decode()
    reason = "Court request 2-55/2026 for the children's guardianship file"
    wrong = client.post(url, {"case_number": "KZ-2019-000000", "justification": reason})
    assert "No sealed record" in wrong.content.decode()
    assert not SealedRecordAccess.objects.exists()
    refused = AuditEvent.objects.get(kind=AuditKind.BREAK_GLASS)
    assert refused.detail == "refused: KZ-2019-000000"

    opened = client.post(url, {"case_number": closed_long_ago.case_number, "justification": reason})
    assert opened.status_code == 302
    case = client.get(reverse("returnees:detail", args=[closed_long_ago.pk]))
    assert case.status_code == 200
    assert "This record is sealed" in case.content.decode()
    assert AuditEvent.objects.filter(kind=AuditKind.BREAK_GLASS).latest("id").detail == reason
    # Still out of lists while open.
    assert (
        not policy.returnees_visible_to(users[Role.CASEWORKER])
        .filter(pk=closed_long_ago.pk)
        .exists()
    )
    # Another user has not opened it; when the time is up, neither has this one.
    client.force_login(users[Role.PROGRAMME_MANAGER])
    assert client.get(reverse("returnees:detail", args=[closed_long_ago.pk])).status_code == 404
    SealedRecordAccess.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    client.force_login(users[Role.CASEWORKER])
    assert client.get(reverse("returnees:detail", args=[closed_long_ago.pk])).status_code == 404


@pytest.mark.parametrize(
    "role", [Role.CENTRE_STAFF, Role.MEDICAL_OFFICER, Role.AUDITOR, Role.MINISTRY_OFFICIAL]
)
def test_roles_without_the_right_cannot_break_the_glass(client, users, closed_long_ago, role):
    services.cases_seal_due(after_days=365)
    client.force_login(users[role])
    assert client.get(reverse("rehabilitation:sealed_open")).status_code == 404
    response = client.post(
        reverse("rehabilitation:sealed_open"),
        {"case_number": closed_long_ago.case_number, "justification": "x" * 40},
    )
    assert response.status_code == 404
    assert not SealedRecordAccess.objects.exists()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_daily_task_seals_in_a_real_worker(worker, closed_long_ago):
    cases_seal_due.delay()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        closed_long_ago.refresh_from_db()
        if closed_long_ago.sealed_at:
            break
        assert worker.poll() is None, worker.communicate()[0]
        time.sleep(0.5)
    assert closed_long_ago.sealed_at is not None
    sealed_at = closed_long_ago.sealed_at
    cases_seal_due.delay()  # a second run leaves it as it was
    time.sleep(2)
    closed_long_ago.refresh_from_db()
    assert closed_long_ago.sealed_at == sealed_at
    assert AuditEvent.objects.filter(kind=AuditKind.SEAL).count() == 1


def test_an_opened_sealed_record_is_read_only(client, users, closed_long_ago):
    services.cases_seal_due(after_days=365)
    caseworker = users[Role.CASEWORKER]
    services.sealed_record_open(
        actor=caseworker,
        case_number=closed_long_ago.case_number,
        justification="Request of the guardianship authority, letter 17/2026",
    )
    client.force_login(caseworker)
    case = client.get(reverse("returnees:detail", args=[closed_long_ago.pk]))
    assert case.status_code == 200
    assert 'data-testid="edit"' not in case.content.decode()
    assert case.context["transitions"] == []
    assert client.get(reverse("returnees:edit", args=[closed_long_ago.pk])).status_code == 404
    closed_long_ago.refresh_from_db()
    assert not policy.can(caseworker, policy.Action.EDIT, closed_long_ago)
    assert policy.can(caseworker, policy.Action.VIEW, closed_long_ago)


def test_cases_closed_before_the_clock_existed_get_their_closing_date(users, world):
    import importlib

    from django.apps import apps

    from returnees.models import CaseEvent

    person = world["person_b"]
    Returnee.objects.filter(pk=person.pk).update(status="closed", closed_on=None)
    event = CaseEvent.objects.create(
        returnee=person,
        kind="transition",
        from_status="placed",
        to_status="closed",
        actor=users[Role.CASEWORKER],
    )
    CaseEvent.objects.filter(pk=event.pk).update(occurred_at=timezone.now() - timedelta(days=400))
    migration = importlib.import_module("returnees.migrations.0008_backfill_closed_on")
    migration.backfill(apps, None)
    person.refresh_from_db()
    assert person.closed_on == (timezone.now() - timedelta(days=400)).date()
    assert services.cases_seal_due(after_days=365) == 1
