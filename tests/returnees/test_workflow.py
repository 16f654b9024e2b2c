"""The case workflow: named transitions, preconditions that say what failed, a timeline."""

from datetime import date

import pytest

from repatriation.accounts.roles import Role
from repatriation.audit.models import AuditEvent, AuditKind
from returnees import services, workflow
from returnees.models import CaseEvent, CaseStatus
from returnees.workflow import StaleEdit, TransitionRefused, case_transition
from tests.factories import ReturneeFactory


def _move(user, returnee, name, **kwargs):
    returnee.refresh_from_db()
    return case_transition(
        actor=user, returnee_id=returnee.pk, name=name, version=returnee.version, **kwargs
    )


def test_every_status_is_reachable_by_a_named_transition():
    targets = {t.target for t in workflow.TRANSITIONS.values()}
    sources = set().union(*(t.sources for t in workflow.TRANSITIONS.values()))
    # Transit, arrival, adaptation and placement belong to the operations and rehabilitation
    # workflows; every other status is entered here.
    assert {
        CaseStatus.VERIFYING,
        CaseStatus.CLEARED,
        CaseStatus.NOT_ELIGIBLE,
        CaseStatus.REINTEGRATION,
        CaseStatus.CLOSED,
    } <= targets
    assert CaseStatus.IDENTIFIED in sources


def test_clear_needs_a_verified_decision(users):
    caseworker, officer = users[Role.CASEWORKER], users[Role.VERIFICATION_OFFICER]
    person = ReturneeFactory(status=CaseStatus.IDENTIFIED)
    _move(caseworker, person, "start_verification")
    with pytest.raises(TransitionRefused) as refused:
        _move(caseworker, person, "clear")
    assert "Nationality has not been verified" in refused.value.reasons[0]
    person.refresh_from_db()
    assert person.status == CaseStatus.VERIFYING
    services.evidence_add(actor=caseworker, returnee=person, kind="passport", confidence="high")
    services.verification_decide(
        actor=officer,
        returnee_id=person.pk,
        version=person.verification.version,
        decision="verified",
        reason="Passport",
    )
    _move(caseworker, person, "clear")
    person.refresh_from_db()
    assert person.status == CaseStatus.CLEARED
    events = list(
        CaseEvent.objects.filter(returnee=person, kind="transition").values_list(
            "from_status", "to_status", "actor"
        )
    )
    assert events == [
        ("verifying", "cleared", caseworker.pk),
        ("identified", "verifying", caseworker.pk),
    ]
    assert (
        AuditEvent.objects.filter(kind=AuditKind.TRANSITION, record_id=str(person.pk)).count() == 2
    )


def test_closing_a_child_needs_a_guardian_and_a_reason(users):
    caseworker = users[Role.CASEWORKER]
    child = ReturneeFactory(date_of_birth=date(2015, 1, 1), status=CaseStatus.REINTEGRATION)
    with pytest.raises(TransitionRefused) as refused:
        _move(caseworker, child, "close")
    reasons = " ".join(refused.value.reasons)
    assert "without a guardian" in reasons
    assert "reason is required" in reasons
    assert "why the case is closed" in reasons
    services.guardianship_add(
        actor=caseworker,
        child=child,
        guardian_kind="state",
        legal_basis="administrative",
        started_on=date(2026, 1, 1),
        state_body="Guardianship authority",
    )
    _move(
        caseworker, child, "close", reason="Living with grandmother", closure_reason="reintegrated"
    )
    child.refresh_from_db()
    assert (child.status, child.closure_reason) == (CaseStatus.CLOSED, "reintegrated")


def test_refusals_name_the_wrong_start_and_the_role(users):
    person = ReturneeFactory(status=CaseStatus.IDENTIFIED)
    with pytest.raises(TransitionRefused, match="this step starts from elsewhere"):
        _move(users[Role.CASEWORKER], person, "clear")
    with pytest.raises(TransitionRefused, match="may not take this step"):
        _move(users[Role.VERIFICATION_OFFICER], person, "start_verification")
    with pytest.raises(TransitionRefused, match="no such step"):
        _move(users[Role.CASEWORKER], person, "teleport")


def test_stale_transition_is_refused(users):
    person = ReturneeFactory(status=CaseStatus.IDENTIFIED)
    with pytest.raises(StaleEdit):
        case_transition(
            actor=users[Role.CASEWORKER],
            returnee_id=person.pk,
            name="start_verification",
            version=person.version + 5,
        )
    person.refresh_from_db()
    assert person.status == CaseStatus.IDENTIFIED
