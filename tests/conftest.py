"""Standing fixtures: one user per role, an outsider with no role, and people in and out of scope.

World used by the access tests:
- centre A and centre B; `person_a` placed at A, `person_b` placed at B;
- `person_unplaced`: registered, not placed, on no operation;
- `person_on_operation`: on operation X's manifest, not placed;
- the centre-staff user works at centre A; the partner's agreement covers centre A and
  operation X with field groups identity and education.
"""

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from guardian.shortcuts import assign_perm

from repatriation.accounts.roles import Discipline, Role
from repatriation.operations.models import Location
from returnees.models import Household, Relationship
from tests.factories import (
    AgreementFactory,
    CentreFactory,
    ManifestEntryFactory,
    OperationFactory,
    OrganisationFactory,
    PlacementFactory,
    ReturneeFactory,
    UserFactory,
)

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# beside it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "correct-horse-battery-9"


def pytest_sessionfinish(session, exitstatus):
    """In CI a skipped test is a failure: every check must run."""
    if os.environ.get("REQUIRE_NO_SKIPS") != "1":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(f"REQUIRE_NO_SKIPS: {len(skipped)} test(s) skipped", red=True)
        session.exitstatus = 1


@pytest.fixture
def centre_a(db):
    return CentreFactory(name="Centre A")


@pytest.fixture
def centre_b(db):
    return CentreFactory(name="Centre B")


@pytest.fixture
def operation_x(db):
    return OperationFactory(code="OP-X")


@pytest.fixture
def person_a(centre_a):
    return PlacementFactory(
        centre=centre_a, returnee=ReturneeFactory(primary_name="Динара Ахметова")
    ).returnee


@pytest.fixture
def person_b(centre_b):
    return PlacementFactory(
        centre=centre_b, returnee=ReturneeFactory(primary_name="Анна Петрова")
    ).returnee


@pytest.fixture
def person_unplaced(db):
    return ReturneeFactory(primary_name="عائشة", name_latin="Aisha", status="verifying")


@pytest.fixture
def person_on_operation(operation_x):
    return ManifestEntryFactory(
        operation=operation_x,
        returnee=ReturneeFactory(primary_name="Юсуф Касымов", status="in_transit"),
    ).returnee


@pytest.fixture
def users(db, centre_a, operation_x):
    """One user per role, keyed by role, plus "outsider": active, signed in, no role."""
    ministry = OrganisationFactory(name="Ministry")
    made = {
        role: UserFactory(username=role.value, role=role, organisation=ministry) for role in Role
    }
    staff = made[Role.CENTRE_STAFF]
    staff.discipline = Discipline.TEACHER
    staff.save()
    assign_perm("rehabilitation.work_at_centre", staff, centre_a)
    agreement = AgreementFactory()
    agreement.centres.add(centre_a)
    agreement.operations.add(operation_x)
    assign_perm("accounts.use_agreement", made[Role.PARTNER_AGENCY], agreement)
    made["outsider"] = UserFactory(username="outsider", organisation=ministry)
    return made


@pytest.fixture
def world(users, person_a, person_b, person_unplaced, person_on_operation):
    return {
        "users": users,
        "person_a": person_a,
        "person_b": person_b,
        "person_unplaced": person_unplaced,
        "person_on_operation": person_on_operation,
    }


@pytest.fixture
def is_postgresql():
    return connection.vendor == "postgresql"


@pytest.fixture
def places(db):
    return {
        "camp": Location.objects.create(name="al-Hol", kind="camp", country="SY"),
        "transit": Location.objects.create(name="Qamishli", kind="airport", country="SY"),
        "home": Location.objects.create(name="Almaty International", kind="airport", country="KZ"),
    }


@pytest.fixture
def family(db):
    """A cleared mother and two cleared children in one household."""
    household = Household.objects.create(reference="HH-OPS-1")
    mother = ReturneeFactory(
        primary_name="Сауле Оспанова",
        name_latin="Saule Ospanova",
        date_of_birth=date(1988, 2, 2),
        status="cleared",
        verification_status="verified",
        household=household,
    )
    children = [
        ReturneeFactory(
            primary_name=name,
            name_latin=latin,
            sex=sex,
            date_of_birth=dob,
            status="cleared",
            verification_status="verified",
            household=household,
        )
        for name, latin, sex, dob in [
            ("Юсуф", "Yusuf", "M", date(2016, 3, 3)),
            ("عائشة", "Aisha", "F", date(2019, 4, 4)),
        ]
    ]
    for child in children:
        Relationship.objects.create(person=child, relative=mother, kind="mother")
        Relationship.objects.create(person=mother, relative=child, kind="child")
    return [mother, *children]


@pytest.fixture(autouse=True)
def _empty_cache_between_tests():
    """The dashboard's figures and the API's throttle counts live in the cache: each test
    starts without another's."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _english_between_tests():
    """A request in another language leaves it active in the thread; each test starts anew."""
    from django.utils import translation

    yield
    translation.deactivate()


class ApiCaller:
    """The test client with a bearer token; JSON in and out; headers by their HTTP names."""

    def __init__(self, client, token):
        self.client, self.token = client, token

    def _headers(self, headers):
        extra = {"HTTP_AUTHORIZATION": f"Bearer {self.token}"}
        for name, value in headers.items():
            extra["HTTP_" + name.upper().replace("-", "_")] = value
        return extra

    def get(self, path, params=None, **headers):
        return self.client.get(path, params or {}, **self._headers(headers))

    def send(self, method, path, data, **headers):
        import json

        body = data if isinstance(data, str) else json.dumps(data, default=str)
        return getattr(self.client, method)(
            path, body, content_type="application/json", **self._headers(headers)
        )

    def post(self, path, data, **headers):
        return self.send("post", path, data, **headers)

    def patch(self, path, data, **headers):
        return self.send("patch", path, data, **headers)

    def put(self, path, data, **headers):
        return self.send("put", path, data, **headers)


@pytest.fixture
def api_as(client):
    """`api_as(token)`: an ApiCaller for that token."""
    return lambda token: ApiCaller(client, token)


@pytest.fixture
def full_scope_token(db):
    from repatriation.accounts.services import api_client_create

    ministry = OrganisationFactory(name="Ministry of Labour and Social Protection")
    return api_client_create(actor=None, organisation=ministry, agreement=None, name="Registry")[1]


@pytest.fixture
def partner_token(users):
    """A client of the partner's agreement (centre A, operation X; reads identity and
    education, writes education)."""
    from repatriation.accounts.services import api_client_create

    agreement = users[Role.PARTNER_AGENCY].agreementusergrant_set.get().content_object
    return api_client_create(
        actor=None, organisation=agreement.organisation, agreement=agreement, name="NGO"
    )[1]


ROOT = Path(__file__).resolve().parents[1]


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        user = db["USER"] or "postgres"
        return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return f"sqlite:///{db['NAME']}"


def worker_start(*pool: str) -> subprocess.Popen:
    """A worker in its own process, on its own queue, pointed at the test database; `pool`:
    the worker's pool options (one process running the tasks itself, by default)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "repatriation.settings.test",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "TEST_STORAGE_ROOT": str(settings.PRIVATE_STORAGE_ROOT),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "repatriation",
            "worker",
            *(pool or ("--pool=solo",)),
            "--loglevel=INFO",
            "-Q",
            settings.CELERY_TASK_DEFAULT_QUEUE,
            "-n",
            f"test-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return process


def worker_stop(process: subprocess.Popen) -> str:
    """Stops the worker (warm shutdown, then killed); returns what it printed."""
    process.terminate()
    try:
        return process.communicate(timeout=20)[0]
    except subprocess.TimeoutExpired:
        process.kill()
        return process.communicate()[0]


@pytest.fixture
def worker():
    """A worker in its own process, on its own queue, pointed at the test database."""
    process = worker_start()
    yield process
    worker_stop(process)
