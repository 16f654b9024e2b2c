"""Twenty clients patch one person at once, over real HTTP against a threaded server on
PostgreSQL: no acknowledged update is lost. With the same ETag exactly one wins and the rest
get 412; retrying on 412, every client's change ends up in the record."""

import json
import threading
import urllib.error
import urllib.request

import pytest
from django.db import connection

from repatriation.accounts.services import api_client_create
from repatriation.audit.models import AuditEvent, AuditKind
from returnees.models import Returnee
from tests.factories import OrganisationFactory, ReturneeFactory

CLIENTS = 20


def _call(url, token, method="GET", body=None, etag=None):
    request = urllib.request.Request(url, method=method)
    request.add_header("Authorization", f"Bearer {token}")
    if body is not None:
        request.data = json.dumps(body).encode()
        request.add_header("Content-Type", "application/json")
    if etag is not None:
        request.add_header("If-Match", etag)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers.get("ETag"), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, None, json.loads(error.read() or b"{}")


@pytest.fixture
def setting(transactional_db, live_server, is_postgresql):
    if not is_postgresql:
        pytest.skip("row locks need PostgreSQL")  # CI runs on PostgreSQL and forbids skips
    ministry = OrganisationFactory(name="Ministry")
    tokens = [
        api_client_create(actor=None, organisation=ministry, agreement=None, name=f"c{i}")[1]
        for i in range(CLIENTS)
    ]
    person = ReturneeFactory(place_of_birth="")
    return f"{live_server.url}/api/v1/people/{person.pk}/", tokens, person


def _all_at_once(work):
    start = threading.Barrier(CLIENTS)
    results = [None] * CLIENTS

    def run(i):
        start.wait()
        results[i] = work(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_one_etag_one_winner(setting):
    url, tokens, person = setting
    results = _all_at_once(
        lambda i: _call(url, tokens[i], "PATCH", {"place_of_birth": f"town {i}"}, '"1"')
    )
    codes = sorted(code for code, _etag, _body in results)
    assert codes == [200] + [412] * (CLIENTS - 1), codes
    winner = next(i for i, (code, _e, _b) in enumerate(results) if code == 200)
    person.refresh_from_db()
    assert person.place_of_birth == f"town {winner}"
    assert person.version == 2


def test_retrying_clients_lose_no_acknowledged_update(setting):
    url, tokens, person = setting

    def append_my_mark(i):
        """Read, add this client's mark, write with the ETag read; on 412 start again."""
        for _attempt in range(200):
            code, etag, body = _call(url, tokens[i])
            assert code == 200
            mark = f"{i:02d};"
            code, _etag, _body = _call(
                url, tokens[i], "PATCH", {"place_of_birth": body["place_of_birth"] + mark}, etag
            )
            if code == 200:
                return mark
            assert code == 412, (code, _body)
        raise AssertionError("never acknowledged")

    acknowledged = _all_at_once(append_my_mark)
    person = Returnee.objects.get(pk=person.pk)
    kept = person.place_of_birth.split(";")[:-1]
    assert sorted(kept) == sorted(mark.rstrip(";") for mark in acknowledged)
    assert len(kept) == CLIENTS
    assert person.version == 1 + CLIENTS
    updates = AuditEvent.objects.filter(
        kind=AuditKind.UPDATE, record_type="returnees.returnee", record_id=str(person.pk)
    )
    assert updates.count() == CLIENTS


def test_one_first_record_of_a_month_the_rest_see_it(transactional_db, live_server, world):
    """Clients recording the same pupil's month at once, none with If-Match: one records it
    (201), every other is told it is already recorded (409); nothing is overwritten unseen."""
    from rehabilitation.models import Enrolment, MonthlyAttendance
    from repatriation.accounts.roles import Role

    if connection.vendor != "postgresql":
        pytest.fail("row locks are PostgreSQL's, and the suite runs on PostgreSQL")
    agreement = world["users"][Role.PARTNER_AGENCY].agreementusergrant_set.get().content_object
    tokens = [
        api_client_create(
            actor=None, organisation=agreement.organisation, agreement=agreement, name=f"n{i}"
        )[1]
        for i in range(CLIENTS)
    ]
    enrolment = Enrolment.objects.create(
        returnee=world["person_a"],
        level="primary",
        institution="School 12",
        started_on="2026-09-01",
    )
    url = f"{live_server.url}/api/v1/attendance/"
    results = _all_at_once(
        lambda i: _call(
            url,
            tokens[i],
            "POST",
            {
                "enrolment": enrolment.pk,
                "month": "2026-10-01",
                "days_expected": 21,
                "days_present": i,
            },
        )
    )
    codes = sorted(code for code, _etag, _body in results)
    assert codes == [201] + [409] * (CLIENTS - 1), codes
    winner = next(i for i, (code, _e, _b) in enumerate(results) if code == 201)
    assert MonthlyAttendance.objects.get(enrolment=enrolment).days_present == winner
