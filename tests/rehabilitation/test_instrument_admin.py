"""The progress instrument is configured by administrators; a malformed one is refused."""

import json

import pytest
from django.urls import reverse

from rehabilitation.models import AssessmentInstrument
from repatriation.accounts.roles import Role

DOMAINS = [{"code": "wellbeing", "label": "Wellbeing"}, {"code": "school", "label": "School"}]


@pytest.mark.parametrize(
    ("domains", "message"),
    [
        ("[]", "This field is required"),
        ('[{"code": "Bad Code", "label": "x"}]', "lower_case"),
        ('[{"code": "a", "label": "x"}, {"code": "a", "label": "y"}]', "unique"),
        ('{"code": "a"}', "at least one domain"),
    ],
)
def test_bad_domains_are_refused(client, users, domains, message):
    client.force_login(users[Role.ADMINISTRATOR])
    before = AssessmentInstrument.objects.count()
    response = client.post(
        reverse("admin:rehabilitation_assessmentinstrument_add"),
        {
            "code": "school-readiness",
            "name": "School readiness",
            "domains": domains,
            "score_min": "1",
            "score_max": "4",
            "interval_days": "60",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert AssessmentInstrument.objects.count() == before


def test_an_administrator_adds_an_instrument(client, users):
    client.force_login(users[Role.ADMINISTRATOR])
    response = client.post(
        reverse("admin:rehabilitation_assessmentinstrument_add"),
        {
            "code": "school-readiness",
            "name": "School readiness",
            "domains": json.dumps(DOMAINS),
            "score_min": "1",
            "score_max": "4",
            "interval_days": "60",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert AssessmentInstrument.objects.get(code="school-readiness").domain_codes() == [
        "wellbeing",
        "school",
    ]
    client.force_login(users[Role.CASEWORKER])
    changelist = reverse("admin:rehabilitation_assessmentinstrument_changelist")
    assert client.get(changelist).status_code == 302
