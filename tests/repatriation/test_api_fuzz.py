"""Schemathesis over every operation of the API, for two clients with different agreements
(and the full-scope ministry client), on the test database: no server error, and every
answer matches the schema (status code, content type, body).

Examples per operation: `FUZZ_EXAMPLES` (default 5, about two minutes for three clients);
raise it to fuzz harder locally."""

import json
import os

import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from repatriation.accounts.api.authentication import ClientRateThrottle
from repatriation.accounts.services import api_client_create
from tests.factories import AgreementFactory

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "5"))


def _api_schema():
    """The schema the API serves, built without a request (no database needed)."""
    from django.core.wsgi import get_wsgi_application
    from drf_spectacular.generators import SchemaGenerator

    raw = SchemaGenerator().get_schema(request=None, public=True)
    raw = json.loads(json.dumps(raw, default=str))  # lazy translations to plain strings
    loaded = schemathesis.openapi.from_dict(raw)
    loaded.app = get_wsgi_application()
    return loaded


@pytest.fixture
def one_connection():
    """The WSGI app closes the database connection after each request, which would end the
    test's transaction; Django's own test client keeps it open the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(world, monkeypatch, one_connection):
    """Two partners' clients (one narrow, one reading and writing every group at centre A)
    and the ministry's full-scope client; throttling out of the way of the fuzzer."""
    monkeypatch.setattr(ClientRateThrottle, "THROTTLE_RATES", {"api_client": "100000/min"})
    users = world["users"]
    narrow = users["partner_agency"].agreementusergrant_set.get().content_object
    groups = ["identity", "contact", "family", "verification", "medical", "education"]
    wide = AgreementFactory(read_field_groups=groups, write_field_groups=groups)
    wide.centres.add(world["person_a"].placements.get().centre)
    made = {}
    for name, agreement in (("narrow", narrow), ("wide", wide), ("ministry", None)):
        organisation = agreement.organisation if agreement else users["caseworker"].organisation
        made[name] = api_client_create(
            actor=None, organisation=organisation, agreement=agreement, name=name
        )[1]
    return made


schema = _api_schema()


@schema.parametrize()
@hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
    derandomize=True,
)
def test_every_operation_keeps_its_contract(case, tokens):
    """Each generated request is sent once by each client."""
    for token in tokens.values():
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
