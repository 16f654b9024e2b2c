"""Progress records: activities, sessions with confidential notes, progress ratings."""

import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from rehabilitation import selectors, services
from rehabilitation.models import (
    ActivityParticipation,
    AssessmentInstrument,
    ProgressRating,
    Session,
)
from repatriation.accounts.roles import Role
from repatriation.audit.models import AuditEvent, AuditKind
from returnees.models import Returnee
from returnees.workflow import StaleEdit
from tests.factories import PlacementFactory, ReturneeFactory

NOTES = "Sleeps badly since the transfer; nightmares about the camp."


def _held(**kwargs):
    return {
        "kind": Session.Kind.PSYCHOLOGICAL,
        "format": Session.Format.INDIVIDUAL,
        "status": Session.Status.HELD,
        "starts_at": timezone.now() - timedelta(hours=2),
        "duration_minutes": 50,
        **kwargs,
    }


@pytest.fixture
def session(staff, world):
    return services.session_record(
        actor=staff["psychologist"],
        centre=staff["centre_a"],
        participants=[world["person_a"]],
        topic="Weekly session",
        notes=NOTES,
        **_held(),
    )


# Sessions -----------------------------------------------------------------------------


def test_psychological_notes_are_read_only_by_psychologists(client, staff, session, world):
    url = reverse("rehabilitation:session", args=[session.pk])
    client.force_login(staff["psychologist"])
    assert NOTES in client.get(url).content.decode()
    assert AuditEvent.objects.filter(
        kind=AuditKind.READ, record_type="rehabilitation.session", record_id=str(session.pk)
    ).exists()

    client.force_login(staff["teacher"])
    page = client.get(url)
    assert page.status_code == 200  # the teacher sees that the session happened
    assert "Weekly session" in page.content.decode()
    assert NOTES not in page.content.decode()
    assert "confidential" in page.content.decode()
    case = client.get(reverse("returnees:detail", args=[world["person_a"].pk])).content.decode()
    assert reverse("rehabilitation:session", args=[session.pk]) in case
    assert NOTES not in case


def test_theological_notes_are_read_by_the_other_staff(staff, world):
    session = services.session_record(
        actor=staff["theologian"],
        centre=staff["centre_a"],
        participants=[world["person_a"]],
        notes="Discussed the meaning of jihad in the Hanafi tradition.",
        **_held(kind=Session.Kind.THEOLOGICAL),
    )
    from repatriation import policy

    assert policy.may_read_session_notes(staff["teacher"], session)
    assert policy.may_read_session_notes(staff["psychologist"], session)


def test_a_discipline_off_the_roster_opens_no_confidential_notes(users, staff, session):
    from repatriation import policy

    partner = users[Role.PARTNER_AGENCY]
    partner.discipline = "psychologist"  # an administrator's slip must not open notes
    partner.save()
    assert not policy.may_read_session_notes(partner, session)
    assert not policy.may_read_session_notes(staff["psychologist_b"], session)
    assert policy.may_read_session_notes(staff["psychologist"], session)


@pytest.mark.parametrize(
    "who", [*[r for r in Role if r != Role.CENTRE_STAFF], "outsider", "psychologist_b"]
)
def test_other_roles_and_other_centres_do_not_reach_a_session(client, users, staff, session, who):
    user = staff[who] if who == "psychologist_b" else users[who]
    client.force_login(user)
    assert client.get(reverse("rehabilitation:session", args=[session.pk])).status_code == 404


def test_the_notes_never_enter_the_audit_trail(session):
    event = AuditEvent.objects.get(
        kind=AuditKind.CREATE, record_type="rehabilitation.session", record_id=str(session.pk)
    )
    assert NOTES not in str(event.changes)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"format": Session.Format.GROUP}, "participants"),  # a group of one
        ({"starts_at": timezone.now() + timedelta(days=1)}, "starts_at"),  # held tomorrow
        ({"duration_minutes": 600}, "duration_minutes"),
        ({"starts_at": timezone.now().replace(year=2001)}, "starts_at"),
        ({"kind": "hypnosis"}, "kind"),
    ],
)
def test_bad_sessions_are_refused(staff, world, change, field):
    with pytest.raises(ValidationError) as refused:
        services.session_record(
            actor=staff["psychologist"],
            centre=staff["centre_a"],
            participants=[world["person_a"]],
            **_held(**change),
        )
    assert field in refused.value.message_dict
    assert not Session.objects.exists()


def test_a_group_cannot_include_another_centres_resident(staff, world):
    with pytest.raises(ValidationError) as refused:
        services.session_record(
            actor=staff["psychologist"],
            centre=staff["centre_a"],
            participants=[world["person_a"], world["person_b"]],
            **_held(format=Session.Format.GROUP),
        )
    assert world["person_b"].case_number in str(refused.value)
    assert not Session.objects.exists()


def test_session_page_form_refuses_a_group_of_one_and_saves_nothing(client, staff, world):
    client.force_login(staff["psychologist"])
    response = client.post(
        reverse("rehabilitation:session_new"),
        {
            "centre": staff["centre_a"].pk,
            "kind": "psychological",
            "format": "group",
            "status": "held",
            "starts_at": (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": "60",
            "participants": [world["person_a"].pk],
        },
    )
    assert response.status_code == 200
    assert "at least two participants" in response.content.decode()
    assert not Session.objects.exists()


def test_stale_and_unauthorised_session_edits_are_refused(staff, session):
    services.session_update(
        actor=staff["psychologist"],
        session_id=session.pk,
        version=1,
        values={"notes": NOTES + " Better this week."},
    )
    with pytest.raises(StaleEdit):
        services.session_update(
            actor=staff["psychologist"], session_id=session.pk, version=1, values={"notes": "x"}
        )
    with pytest.raises(ValidationError):
        services.session_update(
            actor=staff["teacher"], session_id=session.pk, version=2, values={"notes": "x"}
        )
    session.refresh_from_db()
    assert session.notes.endswith("Better this week.")


def test_my_centre_lists_todays_sessions(client, staff, world):
    services.session_record(
        actor=staff["psychologist"],
        centre=staff["centre_a"],
        participants=[world["person_a"]],
        **_held(
            status=Session.Status.PLANNED,
            starts_at=timezone.now() + timedelta(minutes=5),
        ),
    )
    client.force_login(staff["teacher"])
    page = client.get(reverse("rehabilitation:my_centre"))
    (view,) = page.context["centres"]
    assert [row.session.kind for row in view.sessions_today] == ["psychological"]


# Activities ---------------------------------------------------------------------------


@pytest.fixture
def football(staff):
    return services.activity_add(
        actor=staff["teacher"],
        centre=staff["centre_a"],
        kind="sports",
        name="Football",
        started_on=date(2026, 9, 1),
    )


def test_participation_saves_one_row_through_htmx(client, staff, world, football):
    client.force_login(staff["teacher"])
    url = reverse("rehabilitation:participation", args=[football.pk, world["person_a"].pk])
    response = client.post(url, {"month": "2026-10", "times": "6"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Saved." in response.content.decode()
    assert response.content.decode().lstrip().startswith("<tr")  # just the row
    row = ActivityParticipation.objects.get()
    assert (row.times, row.month) == (6, date(2026, 10, 1))
    assert 'name="shown" value="6"' in response.content.decode()
    # Without JavaScript the same form posts and comes back to the sheet.
    response = client.post(url, {"month": "2026-10", "times": "8", "shown": "6"})
    assert response.status_code == 302
    assert ActivityParticipation.objects.get().times == 8


def test_the_activity_sheet_reaches_every_resident_a_page_at_a_time(client, staff, world, football):
    """A large centre's sheet is paged by name (it used to stop silently at 500); "More
    residents" keeps the month and goes on after the last resident shown."""
    from rehabilitation.selectors.placements import RESIDENTS_PAGE
    from tests.factories import PlacementFactory, ReturneeFactory

    for i in range(RESIDENTS_PAGE + 2):
        PlacementFactory(
            centre=staff["centre_a"], returnee=ReturneeFactory(primary_name=f"Pupil {i:03d}")
        )
    client.force_login(staff["teacher"])
    url = reverse("rehabilitation:activity", args=[football.pk])
    first = client.get(url, {"month": "2026-10"})
    names = [item["person"].primary_name for item in first.context["rows"]]
    assert len(names) == RESIDENTS_PAGE and names == sorted(names)
    more = first.context["more_after"]
    assert f'href="?month=2026-10&amp;after={more}"' in first.content.decode()
    second = client.get(url, {"month": "2026-10", "after": more})
    rest = [item["person"].primary_name for item in second.context["rows"]]
    assert second.context["more_after"] is None
    assert min(rest) > max(names)
    everyone = set(names) | set(rest)
    placed = staff["centre_a"].placements.filter(ended_on__isnull=True).count()
    assert len(everyone) == len(names) + len(rest) == placed


def test_a_stale_participation_figure_is_refused(client, staff, world, football):
    """Two staff on the same sheet: the second save, from a sheet showing a blank, does not
    overwrite the first."""
    client.force_login(staff["teacher"])
    url = reverse("rehabilitation:participation", args=[football.pk, world["person_a"].pk])
    client.post(url, {"month": "2026-10", "times": "6", "shown": ""}, HTTP_HX_REQUEST="true")
    late = client.post(url, {"month": "2026-10", "times": "2", "shown": ""}, HTTP_HX_REQUEST="true")
    assert "Someone else has recorded 6" in late.content.decode()
    assert 'name="shown" value="6"' in late.content.decode()  # the retry is checked against 6
    assert ActivityParticipation.objects.get().times == 6


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"month": "2026-10", "times": "99"}, "less than or equal to 62"),
        ({"month": "2026-10", "times": "many"}, "whole number"),
        ({"month": "2026-13", "times": "3"}, "Choose a month"),
        ({"month": "0000-01", "times": "3"}, "Choose a month"),
        ({"month": "2099-01", "times": "3"}, "month that has begun"),
        ({"month": "2026-08", "times": "3"}, "had not started"),
    ],
)
def test_bad_participation_is_refused_in_the_row(client, staff, world, football, data, message):
    client.force_login(staff["teacher"])
    url = reverse("rehabilitation:participation", args=[football.pk, world["person_a"].pk])
    response = client.post(url, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ActivityParticipation.objects.exists()


def test_a_malformed_month_on_the_sheet_shows_the_current_one(client, staff, football):
    client.force_login(staff["teacher"])
    url = reverse("rehabilitation:activity", args=[football.pk])
    for month in ("0000-01", "2026-00", "junk"):
        response = client.get(url, {"month": month})
        assert response.status_code == 200
        assert response.context["bad_month"]


def test_activity_of_another_centre_answers_404(client, staff, world, football):
    client.force_login(staff["psychologist_b"])
    assert client.get(reverse("rehabilitation:activity", args=[football.pk])).status_code == 404
    url = reverse("rehabilitation:participation", args=[football.pk, world["person_b"].pk])
    assert client.post(url, {"month": "2026-10", "times": "1"}).status_code == 404
    client.force_login(staff["teacher"])
    url = reverse("rehabilitation:participation", args=[football.pk, world["person_b"].pk])
    assert client.post(url, {"month": "2026-10", "times": "1"}).status_code == 404
    assert not ActivityParticipation.objects.exists()


def test_activity_names_are_unique_per_centre(staff, football):
    with pytest.raises(ValidationError):
        services.activity_add(
            actor=staff["teacher"],
            centre=staff["centre_a"],
            kind="sports",
            name="football",
            started_on=date(2026, 9, 1),
        )


# Progress ratings ---------------------------------------------------------------------


@pytest.fixture
def instrument(db):
    return AssessmentInstrument.objects.get(code="rehabilitation-progress")


def _scores(instrument, value):
    return dict.fromkeys(instrument.domain_codes(), value)


def test_several_raters_make_one_assessment_point(staff, world, instrument):
    person = world["person_a"]
    day = timezone.localdate() - timedelta(days=100)
    for rater, value, stage in [
        ("psychologist", 2, "ambivalent"),
        ("theologian", 3, "adheres"),
    ]:
        services.progress_rating_record(
            actor=staff[rater],
            returnee=person,
            instrument=instrument,
            assessed_on=day,
            scores=_scores(instrument, value),
            disengagement=stage,
        )
    services.progress_rating_record(
        actor=staff["psychologist"],
        returnee=person,
        instrument=instrument,
        assessed_on=timezone.localdate(),
        scores=_scores(instrument, 4),
        disengagement="renounced",
    )
    first, second = selectors.trajectory(returnee=person)
    assert first.means["wellbeing"] == 2.5
    assert first.stage == "adheres"  # the most worrying rater's view
    assert len(first.ratings) == 2
    assert (second.means["trust"], second.stage) == (4, "renounced")


@pytest.mark.parametrize(
    ("scores", "field"),
    [
        ({"wellbeing": 3}, "score_social"),  # domains missing
        ({"wellbeing": 9}, "score_wellbeing"),  # out of range
        ({"astrology": 3}, "score_astrology"),  # no such domain
    ],
)
def test_bad_ratings_are_refused(staff, world, instrument, scores, field):
    full = _scores(instrument, 3)
    full.update(scores)
    if field == "score_social":
        full = scores
    with pytest.raises(ValidationError) as refused:
        services.progress_rating_record(
            actor=staff["psychologist"],
            returnee=world["person_a"],
            instrument=instrument,
            assessed_on=timezone.localdate(),
            scores=full,
            disengagement="ambivalent",
        )
    assert field in refused.value.message_dict
    assert not ProgressRating.objects.exists()


def test_teachers_do_not_rate_and_raters_rate_once_a_day(staff, world, instrument):
    kwargs = {
        "returnee": world["person_a"],
        "instrument": instrument,
        "assessed_on": timezone.localdate(),
        "scores": _scores(instrument, 3),
        "disengagement": "ambivalent",
    }
    with pytest.raises(ValidationError):
        services.progress_rating_record(actor=staff["teacher"], **kwargs)
    services.progress_rating_record(actor=staff["psychologist"], **kwargs)
    with pytest.raises(ValidationError) as refused:
        services.progress_rating_record(actor=staff["psychologist"], **kwargs)
    assert "already rated" in str(refused.value)
    with pytest.raises(ValidationError):  # a resident of another centre
        services.progress_rating_record(
            actor=staff["psychologist"], **{**kwargs, "returnee": world["person_b"]}
        )
    assert ProgressRating.objects.count() == 1


def test_rating_form_and_trajectory_page(client, staff, world, instrument):
    person = world["person_a"]
    client.force_login(staff["psychologist"])
    url = reverse("rehabilitation:rate", args=[person.pk])
    data = {"assessed_on": timezone.localdate().isoformat(), "disengagement": "ambivalent"}
    response = client.post(url, {**data, "score_wellbeing": "3"})
    assert response.status_code == 200 and not ProgressRating.objects.exists()
    response = client.post(url, {**data, **{f"score_{c}": "3" for c in instrument.domain_codes()}})
    assert response.status_code == 302
    page = client.get(reverse("rehabilitation:trajectory", args=[person.pk]))
    assert page.status_code == 200
    assert "<svg" in page.content.decode() and "Ambivalent" in page.content.decode()
    # In Russian and Kazakh the coordinates keep their decimal point (a comma breaks the SVG).
    for language in ("ru", "kk"):
        body = client.get(
            reverse("rehabilitation:trajectory", args=[person.pk]), HTTP_ACCEPT_LANGUAGE=language
        ).content.decode()
        assert re.search(r'cx="\d+(\.\d+)?"', body)
        assert not re.search(r'c[xy]="\d+,\d', body)
    client.force_login(staff["teacher"])  # the psychosocial group, not a rater
    assert client.get(reverse("rehabilitation:trajectory", args=[person.pk])).status_code == 200
    assert client.get(url).status_code == 200  # sees the form, is refused on saving


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.LEGAL_OFFICER, Role.MEDICAL_OFFICER])
def test_roles_without_the_psychosocial_group_do_not_see_progress(client, users, world, role):
    client.force_login(users[role])
    person = world["person_a"]
    assert client.get(reverse("rehabilitation:trajectory", args=[person.pk])).status_code == 404
    case = client.get(reverse("returnees:detail", args=[person.pk]))
    assert case.status_code == 200
    assert 'id="sessions"' not in case.content.decode()


def test_assessments_due_lists_residents_not_rated_within_the_interval(staff, world, instrument):
    new = PlacementFactory(centre=staff["centre_a"], returnee=ReturneeFactory()).returnee
    services.progress_rating_record(
        actor=staff["psychologist"],
        returnee=world["person_a"],
        instrument=instrument,
        assessed_on=timezone.localdate() - timedelta(days=10),
        scores=_scores(instrument, 3),
        disengagement="ambivalent",
    )
    people = Returnee.objects.filter(pk__in=[world["person_a"].pk, new.pk])
    due = selectors.assessments_due(people=people, limit=10)
    assert due == [(new, None)]


def test_a_resident_is_due_from_the_day_the_interval_has_passed(staff, world, instrument):
    """Due when last rated on or before the interval's start, not the day after; listed
    never-rated first, then the longest ago, with the day of the last rating."""
    active = AssessmentInstrument.objects.filter(is_active=True)
    cutoff = timezone.localdate() - timedelta(days=min(i.interval_days for i in active))
    people = {}
    for name, day in [("on_cutoff", cutoff), ("after_cutoff", cutoff + timedelta(days=1))]:
        person = PlacementFactory(centre=staff["centre_a"], returnee=ReturneeFactory()).returnee
        services.progress_rating_record(
            actor=staff["psychologist"],
            returnee=person,
            instrument=instrument,
            assessed_on=day,
            scores=_scores(instrument, 3),
            disengagement="ambivalent",
        )
        people[name] = person
    # An earlier rating does not count once there is a later one.
    services.progress_rating_record(
        actor=staff["psychologist"],
        returnee=people["after_cutoff"],
        instrument=instrument,
        assessed_on=cutoff - timedelta(days=30),
        scores=_scores(instrument, 3),
        disengagement="ambivalent",
    )
    never = world["person_a"]
    listed = Returnee.objects.filter(pk__in=[never.pk, *(p.pk for p in people.values())])
    due = selectors.assessments_due(people=listed, limit=10)
    assert due == [(never, None), (people["on_cutoff"], cutoff)]


def test_only_the_kinds_discipline_leads_a_session(staff, world):
    with pytest.raises(ValidationError) as refused:
        services.session_record(
            actor=staff["teacher"],
            centre=staff["centre_a"],
            participants=[world["person_a"]],
            **_held(kind=Session.Kind.PSYCHIATRIC),
        )
    assert "psychiatrist" in refused.value.message_dict["kind"][0]
    assert not Session.objects.exists()


def test_young_children_are_not_listed_as_due_for_rating(staff, world):
    toddler = PlacementFactory(
        centre=staff["centre_a"],
        returnee=ReturneeFactory(date_of_birth=timezone.localdate() - timedelta(days=3 * 365)),
    ).returnee
    people = Returnee.objects.filter(pk__in=[world["person_a"].pk, toddler.pk])
    due = selectors.assessments_due(people=people, limit=10)
    assert due == [(world["person_a"], None)]
