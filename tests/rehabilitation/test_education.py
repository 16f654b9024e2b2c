"""Education: enrolments and a class's monthly attendance entered on one screen."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from rehabilitation import services
from rehabilitation.models import MonthlyAttendance
from repatriation.accounts.roles import Role
from tests.factories import PlacementFactory, ReturneeFactory


@pytest.fixture
def klass(users, world):
    """Three pupils of grade 3 at School 12: two at centre A, one at centre B."""
    staff = users[Role.CENTRE_STAFF]
    centre_a = world["person_a"].placements.get().centre
    centre_b = world["person_b"].placements.get().centre
    pupils = [
        PlacementFactory(
            centre=centre_a,
            returnee=ReturneeFactory(date_of_birth=date(2017, 1, 1), primary_name=f"Ученик {i}"),
        ).returnee
        for i in range(2)
    ]
    outsider = PlacementFactory(
        centre=centre_b, returnee=ReturneeFactory(date_of_birth=date(2017, 1, 1))
    ).returnee
    enrolments = [
        services.enrolment_add(
            actor=staff,
            returnee=p,
            level="primary",
            institution="School 12",
            grade="3",
            started_on=date(2026, 9, 1),
        )
        for p in [*pupils, outsider]
    ]
    return enrolments


def test_teacher_records_a_month_for_the_class(client, users, klass):
    client.force_login(users[Role.CENTRE_STAFF])
    url = reverse("rehabilitation:attendance")
    query = {"klass": "School 12|3", "month": "2026-10"}
    page = client.get(url, query)
    assert page.status_code == 200
    assert [row["enrolment"] for row in page.context["sheet"]] == klass[
        :2
    ]  # not the pupil at another centre
    data = {
        f"expected-{klass[0].pk}": "22",
        f"present-{klass[0].pk}": "20",
        f"expected-{klass[1].pk}": "22",
        f"present-{klass[1].pk}": "22",
    }
    response = client.post(f"{url}?klass=School+12%7C3&month=2026-10", data)
    assert response.status_code == 302
    assert MonthlyAttendance.objects.filter(month=date(2026, 10, 1)).count() == 2
    bad = client.post(
        f"{url}?klass=School+12%7C3&month=2026-10", {**data, f"present-{klass[1].pk}": "25"}
    )
    assert "between 0 and the school days" in bad.content.decode()
    assert MonthlyAttendance.objects.get(enrolment=klass[1]).days_present == 22
    # The rejected sheet keeps what was typed, so nothing has to be entered again.
    assert [(r["expected"], r["present"]) for r in bad.context["sheet"]] == [
        ("22", "20"),
        ("22", "25"),
    ]
    saved = client.get(url, query)
    assert [(r["expected"], r["present"]) for r in saved.context["sheet"]] == [(22, 20), (22, 22)]


def test_class_attendance_is_all_or_nothing(users, klass):
    with pytest.raises(ValidationError):
        services.attendance_record_class(
            actor=users[Role.CENTRE_STAFF],
            month=date(2026, 10, 1),
            rows=[(klass[0].pk, 20, 18), (klass[1].pk, 20, 21)],
            allowed={e.pk for e in klass},
        )
    with pytest.raises(ValidationError, match="not in your class"):
        services.attendance_record_class(
            actor=users[Role.CENTRE_STAFF],
            month=date(2026, 10, 1),
            rows=[(klass[2].pk, 20, 18)],
            allowed={klass[0].pk},
        )
    with pytest.raises(ValidationError):
        services.attendance_record_class(
            actor=users[Role.CENTRE_STAFF], month=date(2099, 1, 1), rows=[], allowed=set()
        )
    assert not MonthlyAttendance.objects.exists()


def test_enrolment_page_and_who_may_use_it(client, users, world):
    person = world["person_a"]
    url = reverse("rehabilitation:enrol", args=[person.pk])
    client.force_login(users[Role.CENTRE_STAFF])
    assert (
        client.post(
            url,
            {
                "level": "primary",
                "institution": "School 12",
                "grade": "3",
                "started_on": "2026-09-01",
            },
        ).status_code
        == 302
    )
    assert person.enrolments.count() == 1
    bad = client.post(url, {"level": "phd", "institution": " ", "started_on": "2099-01-01"})
    assert bad.status_code == 200 and person.enrolments.count() == 1
    assert (
        client.get(reverse("rehabilitation:enrol", args=[world["person_b"].pk])).status_code == 404
    )
    for role in (Role.CASEWORKER, Role.MEDICAL_OFFICER, Role.PARTNER_AGENCY, "outsider"):
        client.force_login(users[role])
        assert client.get(url).status_code == 404
        assert client.get(reverse("rehabilitation:attendance")).status_code == 404
    client.force_login(users[Role.CENTRE_STAFF])
    odd = client.get(reverse("rehabilitation:attendance"), {"klass": "x", "month": "2026-13"})
    assert odd.status_code == 200


def test_teacher_writes_notes_and_ends_an_enrolment(client, users, klass):
    from returnees.workflow import StaleEdit

    enrolment = klass[0]
    person = enrolment.returnee
    client.force_login(users[Role.CENTRE_STAFF])
    url = reverse("rehabilitation:enrolment_edit", args=[person.pk, enrolment.pk])
    bad = client.post(url, {"version": "1", "grade": "3", "ended_on": "2026-08-01"})
    assert "cannot end before it began" in bad.content.decode()
    ok = client.post(
        url, {"version": "1", "grade": "4", "teacher_notes": "Reads fluently in Kazakh now."}
    )
    assert ok.status_code == 302
    enrolment.refresh_from_db()
    assert (enrolment.grade, enrolment.version) == ("4", 2)
    case = client.get(reverse("returnees:detail", args=[person.pk])).content.decode()
    assert "Reads fluently in Kazakh now." in case
    with pytest.raises(StaleEdit):
        services.enrolment_update(
            actor=users[Role.CENTRE_STAFF], enrolment_id=enrolment.pk, version=1, values={}
        )
    stale = client.post(url, {"version": "1", "grade": "5"})
    assert "Someone else changed" in stale.content.decode()
    # The pupil at the other centre is out of reach.
    other = klass[2]
    other_url = reverse("rehabilitation:enrolment_edit", args=[other.returnee.pk, other.pk])
    assert client.get(other_url).status_code == 404
    client.force_login(users[Role.CASEWORKER])
    assert client.get(url).status_code == 404
