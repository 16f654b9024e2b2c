"""Demo data for rehabilitation: each centre's team, plans, school and activities, sessions,
progress ratings, legal proceedings, reintegration and follow-up, closure and sealing."""

from __future__ import annotations

import random
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from anyascii import anyascii
from django.conf import settings
from django.utils import timezone

from rehabilitation.models import (
    SESSION_DISCIPLINES,
    Activity,
    ActivityParticipation,
    AssessmentInstrument,
    Centre,
    CustodyPeriod,
    DisengagementStage,
    Enrolment,
    FollowUpVisit,
    LegalProceeding,
    MonthlyAttendance,
    Placement,
    PlanDomain,
    PlanEvent,
    PlanGoal,
    ProgressRating,
    RehabilitationPlan,
    ReintegrationPlan,
    Service,
    Session,
)
from repatriation import demo_names as names
from repatriation.accounts.models import Organisation, User
from repatriation.accounts.roles import Discipline, Role
from repatriation.accounts.services import centre_staff_set
from repatriation.demo import ANCHOR, REGIONS, RETURNED  # noqa: F401
from repatriation.operations.models import ManifestEntry
from returnees.models import (
    CaseStatus,
    ClosureReason,
    Guardianship,
    IntakeAssessment,
    Relationship,
    RelativeAtHome,
    Returnee,
    Sex,
)

# Rehabilitation: each centre's team, plans, school and activities, sessions, progress ratings,
# legal proceedings, reintegration and follow-up, closure and sealing.

Legal = LegalProceeding.Status
Custody = CustodyPeriod.Kind
GoalStatus = PlanGoal.Status
Level = Enrolment.Level
SessionKind = Session.Kind
SessionStatus = Session.Status
Housing = ReintegrationPlan.Housing
Risk = FollowUpVisit.Risk

TEAM_DISCIPLINES = [
    Discipline.PSYCHOLOGIST,
    Discipline.PSYCHIATRIST,
    Discipline.SOCIAL_WORKER,
    Discipline.THEOLOGIAN,
    Discipline.LAWYER,
    Discipline.TEACHER,
]
# Who owns a plan goal of each domain, by discipline (health goals have no owner at a centre).
GOAL_OWNERS = {
    PlanDomain.PSYCHOSOCIAL: Discipline.PSYCHOLOGIST,
    PlanDomain.EDUCATION: Discipline.TEACHER,
    PlanDomain.RELIGIOUS_COUNSELLING: Discipline.THEOLOGIAN,
    PlanDomain.LEGAL: Discipline.LAWYER,
    PlanDomain.LIVELIHOOD: Discipline.SOCIAL_WORKER,
    PlanDomain.FAMILY: Discipline.SOCIAL_WORKER,
}
# Who leads each kind of session: the rule the services enforce.
SESSION_FACILITATORS = SESSION_DISCIPLINES
SESSION_MINUTES = {
    Session.Kind.PSYCHOLOGICAL: 50,
    Session.Kind.PSYCHIATRIC: 30,
    Session.Kind.THEOLOGICAL: 60,
    Session.Kind.SOCIAL_WORK: 45,
    Session.Kind.LEGAL_AID: 45,
}
SESSION_DAYS_BACK = 28
SESSION_DAYS_AHEAD = 7
# The weekly group programme of every centre: kind, weekday, start slot (half hours from
# 9:00), minutes, every n weeks, who takes part, topic. Topics are seen by all who see the
# session; details go in the notes.
GROUP_PROGRAMME = [
    (Session.Kind.PSYCHOLOGICAL, 0, 2, 90, 1, "women", "Women's support group"),
    (Session.Kind.THEOLOGICAL, 1, 2, 90, 1, "adults", "Traditional Islam in Kazakhstan"),
    (Session.Kind.PSYCHOLOGICAL, 2, 12, 60, 1, "children", "Art therapy for children"),
    (Session.Kind.SOCIAL_WORK, 3, 10, 90, 2, "mothers", "Parenting skills"),
    (Session.Kind.PSYCHOLOGICAL, 3, 13, 60, 1, "teens", "Teenagers' group"),
    (Session.Kind.LEGAL_AID, 4, 2, 60, 2, "adults", "Your rights and documents"),
    (Session.Kind.THEOLOGICAL, 4, 12, 60, 1, "adults", "Mercy and family in the Quran"),
    (Session.Kind.PSYCHIATRIC, 2, 2, 60, 4, "adults", "Sleep and stress: psychoeducation"),
]
INDIVIDUAL_TOPICS = {
    Session.Kind.PSYCHOLOGICAL: ["Individual session", "Follow-up", ""],
    Session.Kind.PSYCHIATRIC: ["Psychiatric review", "Follow-up"],
    Session.Kind.THEOLOGICAL: ["Questions of faith", "Individual conversation", ""],
    Session.Kind.SOCIAL_WORK: ["Family contact", "Benefits and documents", "Daily life"],
    Session.Kind.LEGAL_AID: ["Legal consultation", "Documents"],
}
# Notes are clinical or working notes, never identifying: no names, places or case details.
SESSION_NOTES = {
    (Session.Kind.PSYCHOLOGICAL, "adult"): [
        "Sleep better this fortnight: wakes once or twice a night, was nightly. Practised "
        "grounding (5-4-3-2-1). Homework: sleep diary.",
        "Low mood, tearful when speaking of the camp; denies thoughts of self-harm. Worked on "
        "naming feelings. Next session in two weeks.",
        "Irritability with the children has eased. Discussed routines and calm-down time; "
        "reports fewer tantrums at bedtime.",
        "Worried about how relatives at home will receive her. Rehearsed a first phone call; "
        "anxiety 6/10 at the start, 4/10 at the end.",
        "Nightmares less frequent (1-2 a week). Continued trauma-focused work; tolerated the "
        "narrative well.",
        "Engaged and reflective. Talked about a training course and work after the centre; "
        "self-esteem improving.",
        "Withdrawn at first, then spoke of grief for her husband. Normalised grief reactions; "
        "agreed to join the support group.",
        "Startle reactions to loud noises persist. Breathing exercises practised; plan to "
        "tell the children's teacher about triggers, with consent.",
    ],
    (Session.Kind.PSYCHOLOGICAL, "child"): [
        "Drew the family and the new room; played calmly; separated from mother at the door "
        "without crying.",
        "Sand-tray play with themes of hiding and rescue, less intense than last month. "
        "Mother reports better sleep.",
        "Clinging and tearful at drop-off this week. Worked on a goodbye ritual with mother.",
        "Talks more at school, per the teacher. Played a board game, followed turns and rules.",
        "Anger outbursts twice this week. Practised 'turtle' technique; praised for using it.",
    ],
    (Session.Kind.PSYCHIATRIC, "adult"): [
        "Follow-up: sertraline 50 mg well tolerated; mood and sleep improved. No suicidal "
        "ideation. Continue; review in 4 weeks.",
        "PTSD symptoms moderate (PCL-5 41, was 52). Continue psychotherapy; no change to "
        "medication.",
        "Initial assessment: moderate depressive episode. Started sertraline 25 mg, to 50 mg "
        "after a week if tolerated. Safety plan agreed.",
        "Difficulty falling asleep. Sleep hygiene advice; short course of hydroxyzine at "
        "night, reassess in 2 weeks.",
        "Stable. Dose unchanged. Next review in 8 weeks.",
    ],
    (Session.Kind.PSYCHIATRIC, "child"): [
        "Enuresis and night terrors; no medication. Behavioural plan agreed with mother and "
        "psychologist.",
        "Attention difficulties at school; screening suggests trauma rather than ADHD. "
        "Review after a term of therapy.",
    ],
    (Session.Kind.THEOLOGICAL, "adult"): [
        "Discussed the Hanafi understanding of obedience to lawful authority; asked good "
        "questions about takfir.",
        "Read and discussed verses on mercy and family. Now attends Friday talks at the "
        "local mosque.",
        "Questions about jihad in its traditional meaning; still uncertain about some things "
        "taught in the camp.",
        "Talked about the legitimacy of the state and of secular school for children; more "
        "open than last month.",
        "Discussed the place of women in Islam as traditional scholars teach it; agreed to "
        "join the group lecture.",
    ],
    (Session.Kind.SOCIAL_WORK, "adult"): [
        "Application for child benefits submitted; documents for IINs handed in at the "
        "Public Service Centre.",
        "Phone call with the family at home: they are ready to receive her and the children; "
        "a visit is planned.",
        "Budgeting and shopping skills; went to the market together.",
        "Discussed school transfer for the older children and after-school care.",
    ],
    (Session.Kind.LEGAL_AID, "adult"): [
        "Explained the stages of the investigation and the right to a lawyer; meeting with "
        "the defence lawyer arranged.",
        "Prepared documents to restore the identity card and IIN.",
        "Explained the court's decision and the conditions of the sentence.",
        "Birth certificates for children born abroad: DNA results and camp records gathered; "
        "application filed.",
    ],
}
GROUP_NOTES = {
    Session.Kind.PSYCHOLOGICAL: [
        "Group discussed sleep and worry; relaxation exercise at the end. Good participation.",
        "Theme: trust. Two newcomers introduced; group supportive.",
        "Drawing on the theme 'my safe place'; calm, focused group.",
    ],
    Session.Kind.PSYCHIATRIC: ["Psychoeducation on sleep, stress and when to ask for help."],
    Session.Kind.THEOLOGICAL: [
        "Lecture followed by questions; lively discussion of the hadith on neighbours.",
        "Discussed the sources of traditional religious knowledge and who may give a fatwa.",
    ],
    Session.Kind.SOCIAL_WORK: ["Role play on setting limits without shouting; homework set."],
    Session.Kind.LEGAL_AID: ["Identity documents, benefits and how to apply for them."],
}
CANCELLED_NOTES = [
    "Cancelled: participant unwell.",
    "Cancelled: participant at a medical appointment.",
    "Cancelled: facilitator on sick leave.",
]
RATING_COMMENTS = {
    DisengagementStage.ADHERES: [
        "Defends the camp's teachings; attends sessions but rarely speaks.",
        "Refuses secular schooling for her children; keeps apart from the other women.",
    ],
    DisengagementStage.AMBIVALENT: [
        "Accepts school for the children but defends some camp teachings.",
        "Asks questions and listens; wavers when with certain other residents.",
        "Engages well; still avoids talking about the camp.",
    ],
    DisengagementStage.RENOUNCED: [
        "Openly rejects the ideology of the camp; helps newcomers settle.",
        "Plans her future: training course and work. Warm contact with relatives.",
        "Speaks critically of the years in the camp; engaged in every session.",
    ],
}
REVIEW_NOTES = [
    "Monthly review: goals on track.",
    "Monthly review with the family: school going well, sleep still poor.",
    "Monthly review: new goal on documents; livelihood goal postponed.",
    "Monthly review: good progress; plan unchanged.",
]
TEACHER_NOTES = [
    "",
    "",
    "Reads well in Kazakh; needs support in mathematics.",
    "Quiet in class; making friends slowly.",
    "Catching up quickly after the years without school.",
    "Needs extra Russian lessons; strong at drawing.",
]
ACTIVITIES = [
    # kind, name, who takes part, times a month (low, high)
    (Activity.Kind.SPORTS, "Football", "children", (4, 12)),
    (Activity.Kind.ARTS, "Drawing and crafts", "children", (2, 8)),
    (Activity.Kind.MUSIC, "Dombra lessons", "children", (4, 8)),
    (Activity.Kind.READING, "Reading club", "all", (2, 4)),
    (Activity.Kind.ARTS, "Needlework circle", "women", (3, 8)),
    (Activity.Kind.OUTDOOR, "Excursions", "all", (1, 2)),
    (Activity.Kind.SPORTS, "Volleyball", "teens", (4, 8)),
]
CHARGES = [
    "Participation in a terrorist organisation abroad",
    "Participation in an armed conflict abroad",
    "Financing of terrorism",
    "Failure to report a crime",
]
LIVELIHOODS = [
    "Sewing course completed; works at a garment workshop.",
    "Registered as self-employed; bakes and sells bread.",
    "Targeted social assistance while looking for work.",
    "Hairdressing course; placement at a salon arranged by the employment centre.",
    "Works on the family farm.",
    "Cook at a school canteen.",
]
VISIT_FINDINGS_ADULT = [
    "Living with relatives; good relations; looking for work.",
    "Settled in; attends the local mosque with her mother-in-law; no concerns.",
    "Started work; children at school; household income sufficient.",
    "Some tension with relatives over money; social worker to follow up.",
    "Feels isolated; neighbours distant. Referred to a support group.",
]
VISIT_FINDINGS_CHILD = [
    "Attends school regularly; teacher reports good progress.",
    "Settled at home; plays with cousins; sleeping well.",
    "Some difficulties at school; extra lessons arranged.",
    "Attends kindergarten; healthy and cheerful.",
]


@contextmanager
def _timestamps_as_given(*fields):
    """Keep the historical times the seed sets: auto_now and auto_now_add would stamp every
    row with the moment of seeding."""
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def _field(model, name):
    return model._meta.get_field(name)


def _city(centre: Centre) -> str:
    return centre.name.split()[0]


def _centre_teams(
    operator: Organisation, centres: list[Centre], by_name: dict[str, User]
) -> dict[int, dict[str, User]]:
    """One member of every discipline on each centre's staff roster. The demo's centre-staff
    users work at the first centre; the rest of the teams are generated and cannot sign in.
    Rosters are only added to, so staff added in the demo stay."""
    from django.contrib.auth.models import Group

    from rehabilitation.models import CentreUserGrant

    demo = {u.discipline: u for u in by_name.values() if u.discipline}
    wanted: dict[int, dict[str, str]] = {}
    for index, centre in enumerate(centres):
        wanted[centre.pk] = {
            d: demo[d].username if index == 0 and d in demo else f"{_city(centre).lower()}.{d}"
            for d in TEAM_DISCIPLINES
        }
    usernames = [name for team in wanted.values() for name in team.values()]
    existing = {u.username: u for u in User.objects.filter(username__in=usernames)}
    generated = []
    for centre in centres:
        for discipline, username in wanted[centre.pk].items():
            if username in existing:
                continue
            pick = random.Random(username)  # the same person whatever else the seed makes
            woman = pick.random() < (0.15 if discipline == Discipline.THEOLOGIAN else 0.75)
            given = pick.choice(names.KAZAKH_WOMEN if woman else names.KAZAKH_MEN)
            surname = pick.choice(names.KAZAKH_SURNAMES_M)
            user = User(
                username=username,
                first_name=anyascii(given),
                last_name=anyascii(names.feminine(surname) if woman else surname),
                discipline=discipline,
                organisation=operator,
                email=f"{username}@example.org",
            )
            user.set_unusable_password()
            generated.append(user)
            existing[username] = user
    if generated:
        User.objects.bulk_create(generated)
        group = Group.objects.get(name=Role.CENTRE_STAFF.value)
        User.groups.through.objects.bulk_create(
            [User.groups.through(user_id=u.pk, group_id=group.pk) for u in generated]
        )
    rostered = set(
        CentreUserGrant.objects.filter(
            content_object__in=centres, permission__codename="work_at_centre"
        ).values_list("content_object_id", "user_id")
    )
    teams = {}
    for centre in centres:
        team = {d: existing[u] for d, u in wanted[centre.pk].items()}
        if any((centre.pk, u.pk) not in rostered for u in team.values()):
            current = [u for c, u in rostered if c == centre.pk]
            staff = list(User.objects.filter(pk__in=current)) + [
                u for u in team.values() if u.pk not in current
            ]
            centre_staff_set(actor=None, centre=centre, users=staff)
        teams[centre.pk] = team
    return teams


def _age(dob: date, day: date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def _weekday(day: date) -> date:
    """The day itself, or the Monday after a weekend."""
    return day + timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)


def _month_add(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _working_days(start: date, end: date) -> int:
    """Monday to Friday from start to end, both included."""
    return sum(1 for n in range((end - start).days + 1) if (start + timedelta(n)).weekday() < 5)


def _aware(day: date, hour: int, minute: int = 0) -> datetime:
    """That time of day where the programme works (zoneinfo zones attach directly)."""
    return datetime(
        day.year, day.month, day.day, hour, minute, tzinfo=timezone.get_current_timezone()
    )


@dataclass
class _Stay:
    """A person's time at a centre: current (end None) or past."""

    centre_id: int
    kind: str
    start: date
    end: date | None = None


class _Rehabilitation:
    """Everything that happens to people once they reach a centre, generated in bulk."""

    def __init__(self, rng, people, centres, teams, users):
        self.rng = rng
        self.now = timezone.now()
        self.today = timezone.localdate()
        # Histories end at the anchor; what is current (today's sessions, reviews and
        # hearings due) is set from today, so the demo looks alive on the day it is seeded.
        self.anchor = min(ANCHOR, self.today)
        self.people = people
        self.by_pk = {p.pk: p for p in people}
        self.centres = {c.pk: c for c in centres}
        self.centre_list = centres
        self.teams = teams
        self.users = users
        self.households: dict[int, list[Returnee]] = {}
        for person in people:
            self.households.setdefault(person.household_id, []).append(person)
        self.mother_of = dict(
            Relationship.objects.filter(kind=Relationship.Kind.MOTHER).values_list(
                "person_id", "relative_id"
            )
        )
        self.children_of: dict[int, list[int]] = {}
        for child, mother in self.mother_of.items():
            self.children_of.setdefault(mother, []).append(child)
        self.arrival = {
            pk: day + timedelta(days=1)
            for pk, day in ManifestEntry.objects.values_list(
                "returnee_id", "operation__planned_departure"
            )
        }
        self.stays = {
            pk: _Stay(centre, kind, start)
            for pk, centre, kind, start in Placement.objects.filter(
                ended_on__isnull=True
            ).values_list("returnee_id", "centre_id", "kind", "started_on")
        }
        self.intakes = {
            row["returnee_id"]: row
            for row in IntakeAssessment.objects.values(
                "returnee_id", "health_needs", "psychosocial_needs", "education_level", "risk_level"
            )
        }
        self.home_region = dict(
            RelativeAtHome.objects.order_by("pk").values_list("returnee__household_id", "region")
        )
        self.proceedings: dict[int, LegalProceeding] = {}
        self.reintegration_from: dict[int, date] = {}

    def run(self) -> None:
        self.history_and_closure()
        self.legal()
        self.plans()
        self.education()
        self.activities()
        self.sessions()
        self.ratings()
        self.reintegration()

    # People and their centres ---------------------------------------------------------

    def adult(self, person: Returnee, day: date | None = None) -> bool:
        return _age(person.date_of_birth, day or self.anchor) >= 18

    def residents(self, statuses=(CaseStatus.PLACED, CaseStatus.ADAPTATION)):
        """People at a centre now, by centre, in a fixed order."""
        by_centre: dict[int, list[Returnee]] = {}
        for person in self.people:
            stay = self.stays.get(person.pk)
            if stay and stay.end is None and person.status in statuses:
                by_centre.setdefault(stay.centre_id, []).append(person)
        return by_centre

    def staff(self, centre_id: int, discipline: str) -> User | None:
        return self.teams.get(centre_id, {}).get(discipline)

    def history_and_closure(self) -> None:
        """Families in reintegration or closed spent a while at a centre first; closed cases
        have a reason and a day, and those closed long enough ago are sealed."""
        rng = self.rng
        seal_after = settings.CASE_SEAL_AFTER_DAYS
        placements, closed_people = [], []
        closed_households = 0
        for members in self.households.values():
            status = members[0].status
            arrival = self.arrival.get(members[0].pk)
            if status not in (CaseStatus.REINTEGRATION, CaseStatus.CLOSED) or arrival is None:
                continue
            start = arrival + timedelta(days=rng.randint(25, 40))
            closed = None
            if status == CaseStatus.CLOSED:
                earliest = start + timedelta(days=365)
                latest = self.anchor - timedelta(days=5)
                if closed_households == 0:  # one recently closed, not yet sealed
                    earliest = max(earliest, self.anchor - timedelta(days=300))
                elif closed_households == 1:  # and one long closed, sealed
                    latest = min(latest, self.anchor - timedelta(days=seal_after + 60))
                span = max((latest - earliest).days, 0)
                closed = min(earliest + timedelta(days=rng.randint(0, span)), latest)
                end = start + timedelta(
                    days=max(min(rng.randint(180, 540), int((closed - start).days * 0.6)), 1)
                )
                closed_households += 1
            else:
                earliest = start + timedelta(days=150)
                latest = self.anchor - timedelta(days=20)
                span = max((latest - earliest).days, 0)
                end = latest - timedelta(days=rng.randint(0, min(span, 900)))
            end = max(end, start)
            centre = self.centre_list[
                0 if rng.random() < 0.2 else rng.randrange(len(self.centre_list))
            ]
            kind = rng.choice([Placement.Kind.RESIDENTIAL, Placement.Kind.DAY_PROGRAMME])
            reason = ""
            if closed:
                reason = rng.choices(
                    [ClosureReason.REINTEGRATED, ClosureReason.TRANSFERRED, ClosureReason.OTHER],
                    [80, 12, 8],
                )[0]
            for person in members:
                placements.append(
                    Placement(
                        returnee=person,
                        centre=centre,
                        kind=kind,
                        started_on=start,
                        ended_on=end,
                        end_reason="Reintegration in the home community began.",
                    )
                )
                self.stays[person.pk] = _Stay(centre.pk, kind, start, end)
                self.reintegration_from[person.pk] = end
                if closed:
                    person.closure_reason = reason
                    person.closed_on = closed
                    if closed <= self.today - timedelta(days=seal_after):
                        # Sealed by the nightly task the day the year was up.
                        person.sealed_at = min(
                            _aware(closed + timedelta(days=seal_after + 1), 2), self.now
                        )
                    closed_people.append(person)
        Placement.objects.bulk_create(placements, batch_size=5000)
        Returnee.objects.bulk_update(
            closed_people, ["closure_reason", "closed_on", "sealed_at"], batch_size=5000
        )
        self._guardians_of_closed(closed_people)

    def _guardians_of_closed(self, closed_people: list[Returnee]) -> None:
        """A child's case closes only with a guardian on record: the mother, where she came
        home with the child, otherwise the guardianship authority."""
        actor = self.users["caseworker"]
        children = [p for p in closed_people if _age(p.date_of_birth, self.today) < 18]
        have = set(
            Guardianship.objects.filter(child__in=children, ended_on__isnull=True).values_list(
                "child_id", flat=True
            )
        )
        rows = []
        for child in children:
            if child.pk in have:
                continue
            mother = self.by_pk.get(self.mother_of.get(child.pk))
            started = self.stays[child.pk].start
            region = self.centres[self.stays[child.pk].centre_id].region
            if mother is not None and self.adult(mother, self.today):
                rows.append(
                    Guardianship(
                        child=child,
                        guardian_kind=Guardianship.GuardianKind.RETURNEE,
                        guardian_returnee=mother,
                        legal_basis=Guardianship.LegalBasis.ADMINISTRATIVE,
                        started_on=started,
                        created_by=actor,
                    )
                )
            else:
                rows.append(
                    Guardianship(
                        child=child,
                        guardian_kind=Guardianship.GuardianKind.STATE,
                        state_body=f"Guardianship authority, {region}",
                        legal_basis=Guardianship.LegalBasis.ADMINISTRATIVE,
                        started_on=started,
                        created_by=actor,
                    )
                )
        Guardianship.objects.bulk_create(rows, batch_size=5000)

    # Legal proceedings -----------------------------------------------------------------

    def legal(self) -> None:
        """Proceedings against some of the adults, in every status; some are in custody now,
        so that their children's carers see the parent cannot care for them."""
        rng = self.rng
        current = (CaseStatus.ADAPTATION, CaseStatus.PLACED)
        candidates = [
            p
            for p in self.people
            if p.status in (*current, CaseStatus.REINTEGRATION, CaseStatus.CLOSED)
            and p.pk in self.arrival
            and self.adult(p, self.arrival[p.pk])
        ]
        chosen: dict[int, tuple[str, bool]] = {}  # person: (status, in custody now)
        first_centre = self.centre_list[0].pk
        for person in candidates:  # a mother at the demo staff's centre, held pending trial
            stay = self.stays.get(person.pk)
            if (
                person.sex == Sex.FEMALE
                and person.status == CaseStatus.PLACED
                and stay is not None
                and stay.centre_id == first_centre
                and self.children_of.get(person.pk)
            ):
                chosen[person.pk] = (Legal.CHARGED, True)
                break
        custody_chance = {Legal.INVESTIGATION: 0.15, Legal.CHARGED: 0.35, Legal.TRIAL: 0.35}
        for person in candidates:
            if person.pk in chosen:
                continue
            draw, pick, custody = rng.random(), rng.random(), rng.random()
            if draw >= (0.8 if person.sex == Sex.MALE else 0.3):
                continue
            now = person.status in current
            weights = (
                {Legal.INVESTIGATION: 25, Legal.CHARGED: 15, Legal.TRIAL: 15, Legal.CONVICTED: 15}
                | {Legal.ACQUITTED: 5, Legal.SENTENCE_SERVED: 5, Legal.NO_CHARGES: 20}
                if now
                else {
                    Legal.CONVICTED: 15,
                    Legal.SENTENCE_SERVED: 35,
                    Legal.ACQUITTED: 15,
                    Legal.NO_CHARGES: 35,
                }
            )
            status = _weighted(pick, weights)
            chosen[person.pk] = (status, now and custody < custody_chance.get(status, 0))
        present = {status for status, _custody in chosen.values()}
        for status in Legal.values:  # every status at least once, even in a small demo
            if status in present:
                continue
            for person in candidates:
                if person.pk not in chosen and (
                    status not in (Legal.INVESTIGATION, Legal.CHARGED, Legal.TRIAL)
                    or person.status in current
                ):
                    chosen[person.pk] = (status, False)
                    break
        proceedings, periods = [], []
        for person in candidates:
            if person.pk in chosen:
                proceeding, custody = self._proceeding(person, *chosen[person.pk])
                proceedings.append(proceeding)
                periods += custody
                self.proceedings[person.pk] = proceeding
        LegalProceeding.objects.bulk_create(proceedings, batch_size=5000)
        CustodyPeriod.objects.bulk_create(periods, batch_size=5000)

    def _proceeding(self, person: Returnee, status: str, custody_now: bool):
        rng = self.rng
        stay = self.stays.get(person.pk)
        region = self.centres[stay.centre_id].region if stay else rng.choice(REGIONS)
        latest = self.anchor - timedelta(days=3)
        opened = min(self.arrival[person.pk] + timedelta(days=rng.randint(0, 30)), latest)
        periods: list[tuple[str, date, date | None]] = []
        closed = hearing = None
        sentence = ""

        def held(start: date, days: int, end_by: date) -> None:
            """Custody in the past; at the centre it can only have been house arrest."""
            end = min(start + timedelta(days=days), end_by)
            if start <= end:
                at_centre = stay is not None and end >= stay.start
                periods.append(
                    (Custody.HOUSE_ARREST if at_centre else Custody.PRE_TRIAL, start, end)
                )

        if status in (Legal.INVESTIGATION, Legal.CHARGED, Legal.TRIAL):
            recent = self.anchor - timedelta(days=rng.randint(60, 420))
            opened = min(max(opened, recent), latest)
            kind, start, earlier = (
                rng.choice([Custody.PRE_TRIAL, Custody.PRE_TRIAL, Custody.HOUSE_ARREST]),
                rng.randint(0, 20),
                rng.random(),
            )
            if custody_now:
                periods.append((kind, min(opened + timedelta(days=start), latest), None))
            elif earlier < 0.3:
                held(opened + timedelta(days=1), rng.randint(30, 90), latest)
            hearing_draw, days = rng.random(), rng.randint(5, 60)
            if status != Legal.INVESTIGATION and hearing_draw < (
                0.9 if status == Legal.TRIAL else 0.5
            ):
                hearing = self.today + timedelta(days=days)
        elif status == Legal.CONVICTED:
            verdict = min(opened + timedelta(days=rng.randint(120, 400)), latest)
            sentence = rng.choice(
                [
                    "Restriction of liberty, 3 years",
                    "Restriction of liberty, 5 years",
                    "Imprisonment, 4 years, suspended",
                ]
            )
            if rng.random() < 0.5:
                held(opened + timedelta(days=1), rng.randint(30, 120), verdict)
        elif status == Legal.ACQUITTED:
            closed = min(opened + timedelta(days=rng.randint(90, 400)), latest)
            if rng.random() < 0.6:
                held(opened + timedelta(days=1), rng.randint(30, 120), closed)
        elif status == Legal.SENTENCE_SERVED:
            remand = opened + timedelta(days=rng.randint(60, 180))
            served = remand + timedelta(days=rng.randint(365, 730))
            if served <= latest and (stay is None or served < stay.start):
                periods.append((Custody.PRE_TRIAL, opened + timedelta(days=1), remand))
                periods.append((Custody.SENTENCE, remand + timedelta(days=1), served))
                sentence = f"Imprisonment, {max(1, round((served - opened).days / 365))} years"
                closed = served
            else:
                sentence = "Restriction of liberty, 2 years"
                closed = min(opened + timedelta(days=rng.randint(400, 1100)), latest)
        else:  # no charges
            closed = min(opened + timedelta(days=rng.randint(30, 200)), latest)
        given = rng.choice(names.KAZAKH_MEN + names.RUSSIAN_MEN + names.KAZAKH_WOMEN)
        woman = given in names.KAZAKH_WOMEN
        surname = rng.choice(names.KAZAKH_SURNAMES_M + names.RUSSIAN_SURNAMES_M)
        proceeding = LegalProceeding(
            returnee=person,
            status=status,
            court=f"National Security Committee, investigation department, {region}"
            if status == Legal.INVESTIGATION
            else f"Specialised inter-district criminal court, {region}",
            reference=f"1-{rng.randint(100, 1999)}/{opened.year}",
            opened_on=opened,
            next_hearing_on=hearing,
            closed_on=closed,
            charges="" if status == Legal.NO_CHARGES else rng.choice(CHARGES[:2] * 3 + CHARGES[2:]),
            lawyer=f"{given} {names.feminine(surname) if woman else surname}",
            sentence=sentence,
            created_by=self.users["legal"],
        )
        return proceeding, [
            CustodyPeriod(proceeding=proceeding, kind=kind, started_on=start, ended_on=end)
            for kind, start, end in periods
        ]

    # Rehabilitation plans --------------------------------------------------------------

    def _goals(self, person: Returnee, stay: _Stay) -> list[tuple[str, str]]:
        """Goals as the intake drafts them, and the programme's usual ones."""
        intake = self.intakes.get(person.pk) or {}
        age = _age(person.date_of_birth, stay.start)
        goals = []
        if intake.get("health_needs"):
            goals.append((PlanDomain.HEALTH, f"Address health needs: {intake['health_needs']}"))
        elif age < 5:
            goals.append((PlanDomain.HEALTH, "Catch-up vaccinations and growth monitoring."))
        if intake.get("psychosocial_needs"):
            goals.append(
                (PlanDomain.PSYCHOSOCIAL, f"Psychosocial support: {intake['psychosocial_needs']}")
            )
        elif age >= 3:
            goals.append(
                (
                    PlanDomain.PSYCHOSOCIAL,
                    "Regular sessions with the psychologist."
                    if age >= 18
                    else "Play and art therapy with the psychologist.",
                )
            )
        if age < 18:
            if 3 <= age < 7:
                goals.append((PlanDomain.EDUCATION, "Enrol in preschool."))
            elif age >= 7:
                level = intake.get("education_level")
                known = (
                    f" (level now: {IntakeAssessment.EducationLevel(level).label})" if level else ""
                )
                goals.append((PlanDomain.EDUCATION, f"Enrol in school at the right grade{known}."))
            if person.place_of_birth in names.BIRTH_PLACES_ABROAD:
                goals.append(
                    (PlanDomain.LEGAL, "Birth certificate and IIN for a child born abroad.")
                )
            return goals
        if intake.get("education_level") in ("none", "primary"):
            goals.append((PlanDomain.LIVELIHOOD, "Literacy and vocational training."))
        else:
            goals.append((PlanDomain.LIVELIHOOD, "Vocational course and help finding work."))
        if intake.get("risk_level") == "high":
            goals.append(
                (
                    PlanDomain.RELIGIOUS_COUNSELLING,
                    "Regular sessions with a theologian; review monthly.",
                )
            )
        else:
            goals.append(
                (
                    PlanDomain.RELIGIOUS_COUNSELLING,
                    "Sessions with a theologian on traditional Islam.",
                )
            )
        goals.append((PlanDomain.LEGAL, "Restore identity documents (identity card, IIN)."))
        if person.pk in self.proceedings:
            goals.append((PlanDomain.LEGAL, "Legal aid during the criminal proceedings."))
        goals.append(
            (PlanDomain.FAMILY, "Restore contact with relatives at home and prepare the return.")
        )
        return goals

    def plans(self) -> None:
        """A plan for everyone who reached a centre: goals drafted in adaptation, then active
        and achieved over the months, reviewed monthly; the plan's history to match."""
        rng = self.rng
        plans, goals, events = [], [], []
        for person in self.people:
            stay = self.stays.get(person.pk)
            if stay is None:
                continue
            team = self.teams[stay.centre_id]
            caseworker = person.assigned_caseworker
            end = min(stay.end or self.anchor, self.anchor)
            elapsed = max((end - stay.start).days, 1)
            plan = RehabilitationPlan(returnee=person, created_at=_aware(stay.start, 11))
            review = rng.randint(1, 33)
            if person.status == CaseStatus.PLACED and (self.today - stay.start).days >= 30:
                plan.last_reviewed_on = max(self.today - timedelta(days=review), stay.start)
                plan.next_review_on = plan.last_reviewed_on + timedelta(days=30)
            elif person.status in (CaseStatus.REINTEGRATION, CaseStatus.CLOSED):
                plan.last_reviewed_on = end
            plans.append(plan)
            chance = {
                CaseStatus.PLACED: min(0.75, elapsed / 540),
                CaseStatus.REINTEGRATION: 0.8,
                CaseStatus.CLOSED: 0.9,
            }.get(person.status, 0)
            for domain, description in self._goals(person, stay):
                draw, when, target = rng.random(), rng.randint(0, 10**6), rng.randint(20, 200)
                goal = PlanGoal(
                    plan=plan,
                    domain=domain,
                    description=description,
                    owner=team.get(GOAL_OWNERS.get(domain)),
                )
                achieved = None
                if person.status == CaseStatus.ADAPTATION:
                    goal.status = GoalStatus.DRAFT
                else:
                    if domain == PlanDomain.EDUCATION and elapsed >= 21:
                        draw = 0.0  # enrolled within weeks of arriving
                    if draw < chance or (
                        person.status == CaseStatus.CLOSED and draw >= chance + 0.04
                    ):
                        goal.status = GoalStatus.ACHIEVED
                        achieved = stay.start + timedelta(days=min(21 + when % elapsed, elapsed))
                        goal.target_date = achieved + timedelta(days=when % 40 - 10)
                    elif draw < chance + 0.04:
                        goal.status = GoalStatus.DROPPED
                    else:
                        goal.status = GoalStatus.ACTIVE
                        goal.target_date = self.today + timedelta(days=target)
                goals.append(goal)
                # Goals drafted at intake enter the history when they change, as in the app.
                if achieved:
                    events.append(
                        PlanEvent(
                            plan=plan,
                            goal=goal,
                            kind=PlanEvent.Kind.GOAL_CHANGED,
                            actor=goal.owner or caseworker,
                            changes={
                                "status": [GoalStatus.ACTIVE.value, GoalStatus.ACHIEVED.value]
                            },
                            occurred_at=_aware(achieved, 15),
                        )
                    )
            if plan.last_reviewed_on:
                events.append(
                    PlanEvent(
                        plan=plan,
                        kind=PlanEvent.Kind.REVIEWED,
                        actor=team[Discipline.SOCIAL_WORKER],
                        note=rng.choice(REVIEW_NOTES),
                        occurred_at=_aware(plan.last_reviewed_on, 16),
                    )
                )
        with _timestamps_as_given(
            _field(RehabilitationPlan, "created_at"), _field(PlanEvent, "occurred_at")
        ):
            RehabilitationPlan.objects.bulk_create(plans, batch_size=5000)
            PlanGoal.objects.bulk_create(goals, batch_size=5000)
            PlanEvent.objects.bulk_create(events, batch_size=5000)

    # School and activities -------------------------------------------------------------

    def _class(self, centre: Centre, age: int, behind: int) -> tuple[str, str, str] | None:
        """Level, institution and class for a child of `age` on the first of September."""
        city = _city(centre)
        school, kindergarten = self.schools[centre.pk]
        if age < 3:
            return None
        if age <= 5:
            group = {3: "Younger group", 4: "Middle group", 5: "Senior group"}[age]
            if Service.PRESCHOOL in centre.services:
                return Level.PRESCHOOL, f"{centre.name}, preschool group", group
            return Level.PRESCHOOL, f"Kindergarten No. {kindergarten}, {city}", group
        if age == 6:
            return Level.PRESCHOOL, f"School No. {school}, {city}", "Pre-school class"
        grade = max(1, min(11, age - 6 - behind))
        return (
            Level.PRIMARY if grade <= 4 else Level.SECONDARY,
            f"School No. {school}, {city}",
            f"Grade {grade}",
        )

    def education(self) -> None:
        """Children at school or preschool from their first weeks at the centre, with the
        monthly attendance the teacher records; literacy and vocational classes for some
        women."""
        rng = self.rng
        year_start = date(self.anchor.year - (self.anchor.month < 9), 9, 1)
        last_year = date(year_start.year - 1, 9, 1)
        self.schools = {c.pk: (rng.randint(3, 90), rng.randint(2, 60)) for c in self.centre_list}
        enrolments: list[tuple[Enrolment, int]] = []
        for centre_id, people in self.residents((CaseStatus.PLACED,)).items():
            centre = self.centres[centre_id]
            for person in people:
                stay = self.stays[person.pk]
                first_day = stay.start + timedelta(days=rng.randint(7, 21))
                behind, college, note = (
                    rng.choice([0, 1, 1, 2]),
                    rng.random(),
                    rng.choice(TEACHER_NOTES),
                )
                if first_day > self.anchor:
                    continue
                age = _age(person.date_of_birth, year_start)
                if age >= 18:
                    adult_class = self._adult_class(person, centre)
                    if adult_class:
                        start = max(
                            first_day + timedelta(days=20), self.anchor - timedelta(days=150)
                        )
                        enrolments.append(
                            (
                                Enrolment(
                                    returnee=person,
                                    level=adult_class[0],
                                    institution=adult_class[1],
                                    grade=adult_class[2],
                                    started_on=min(start, self.anchor),
                                ),
                                centre_id,
                            )
                        )
                    continue
                behind = behind if age >= 9 else 0
                if age >= 16 and college < 0.4:
                    current = (Level.VOCATIONAL, f"{_city(centre)} College of Services", "1st year")
                else:
                    current = self._class(centre, age, behind)
                if current is None:
                    continue
                enrolments.append(
                    (
                        Enrolment(
                            returnee=person,
                            level=current[0],
                            institution=current[1],
                            grade=current[2],
                            started_on=max(first_day, year_start),
                            teacher_notes=note,
                        ),
                        centre_id,
                    )
                )
                before = self._class(centre, age - 1, behind)
                if first_day <= date(year_start.year, 5, 1) and before is not None:
                    enrolments.append(
                        (
                            Enrolment(
                                returnee=person,
                                level=before[0],
                                institution=before[1],
                                grade=before[2],
                                started_on=max(first_day, last_year),
                                ended_on=date(year_start.year, 5, 25),
                            ),
                            centre_id,
                        )
                    )
        Enrolment.objects.bulk_create([e for e, _centre in enrolments], batch_size=5000)
        self._attendance(enrolments)

    def _adult_class(self, person: Returnee, centre: Centre) -> tuple[str, str, str] | None:
        rng = self.rng
        draw, trade = rng.random(), rng.choice(["Sewing", "Cooking", "Hairdressing"])
        intake = self.intakes.get(person.pk) or {}
        if intake.get("education_level") == "none" and draw < 0.4:
            return Enrolment.Level.LITERACY, f"{centre.name}, literacy class", ""
        if person.sex == Sex.FEMALE and Service.VOCATIONAL in centre.services and draw < 0.35:
            return Enrolment.Level.VOCATIONAL, f"{centre.name}, training workshop", trade
        return None

    def _attendance(self, enrolments: list[tuple[Enrolment, int]]) -> None:
        rng = self.rng
        last_month = _month_add(self.today.replace(day=1), -1)  # the last complete month
        rows = []
        for enrolment, centre_id in enrolments:
            teacher = self.staff(centre_id, Discipline.TEACHER)
            profile = rng.choices(["good", "fair", "poor"], [75, 20, 5])[0]
            school = (
                enrolment.level in (Level.PRIMARY, Level.SECONDARY)
                or enrolment.grade == "Pre-school class"
            )
            adult = enrolment.level in (
                Level.LITERACY,
                Level.VOCATIONAL,
            ) and not enrolment.grade.endswith("year")
            months = []
            month = enrolment.started_on.replace(day=1)
            while month <= min(enrolment.ended_on or last_month, last_month):
                months.append(month)
                month = _month_add(month, 1)
            for month in months[-24:]:  # two school years at most
                absences = {
                    "good": rng.choice([0, 0, 1, 1, 2, 3]),
                    "fair": rng.randint(2, 6),
                    "poor": rng.randint(5, 12),
                }[profile]
                if school and month.month in (6, 7, 8):
                    continue
                first = max(month, enrolment.started_on)
                last = _month_add(month, 1) - timedelta(days=1)
                if enrolment.ended_on:
                    last = min(last, enrolment.ended_on)
                if school and month.month == 5:
                    last = min(last, date(month.year, 5, 25))
                expected = _working_days(first, last)
                if adult:
                    expected = expected * 3 // 5  # three days a week
                if expected == 0:
                    continue
                rows.append(
                    MonthlyAttendance(
                        enrolment=enrolment,
                        month=month,
                        days_expected=expected,
                        days_present=max(expected - absences, 0),
                        recorded_by=teacher,
                        recorded_at=min(_aware(_weekday(last + timedelta(days=1)), 17), self.now),
                    )
                )
        with _timestamps_as_given(_field(MonthlyAttendance, "recorded_at")):
            MonthlyAttendance.objects.bulk_create(rows, batch_size=5000)

    def _audience(self, person: Returnee, audience: str) -> bool:
        age = _age(person.date_of_birth, self.today)
        return {
            "children": 6 <= age < 12,
            "teens": 12 <= age < 18,
            "women": age >= 18 and person.sex == Sex.FEMALE,
            "mothers": age >= 18 and bool(self.children_of.get(person.pk)),
            "adults": age >= 18,
            "all": age >= 6,
        }[audience]

    def activities(self) -> None:
        """Two or three activities at every centre, and how often residents took part each
        month (the current month so far)."""
        rng = self.rng
        this_month = self.today.replace(day=1)
        residents = self.residents((CaseStatus.PLACED,))
        rows = []
        for centre in self.centre_list:
            picks = (
                [a for a in ACTIVITIES if a[1] == "Football"]
                if Service.SPORTS in centre.services
                else []
            )
            others = [a for a in ACTIVITIES if a not in picks]
            picks += rng.sample(others, rng.choice([2, 3]) - len(picks))
            recorder = self.staff(centre.pk, Discipline.TEACHER)
            for kind, name, audience, (low, high) in picks:
                began = _month_add(ANCHOR.replace(day=1), -rng.randint(8, 30))
                activity = Activity.objects.get_or_create(
                    centre=centre, name=name, defaults={"kind": kind, "started_on": began}
                )[0]
                for person in residents.get(centre.pk, []):
                    if rng.random() > 0.55 or not self._audience(person, audience):
                        continue
                    month = max(
                        activity.started_on.replace(day=1),
                        self.stays[person.pk].start.replace(day=1),
                        _month_add(this_month, -4),
                    )
                    while month <= this_month:
                        times = rng.randint(low, high)
                        at = _aware(_month_add(month, 1) - timedelta(days=1), 18)
                        if month == this_month:
                            times = round(times * self.today.day / 30)
                            at = self.now
                        if times:
                            rows.append(
                                ActivityParticipation(
                                    activity=activity,
                                    returnee=person,
                                    month=month,
                                    times=times,
                                    recorded_by=recorder,
                                    recorded_at=at,
                                )
                            )
                        month = _month_add(month, 1)
        with _timestamps_as_given(_field(ActivityParticipation, "recorded_at")):
            ActivityParticipation.objects.bulk_create(rows, batch_size=5000)

    # Sessions ----------------------------------------------------------------------------

    def _cadences(self, person: Returnee) -> list[tuple[str, int]]:
        """Which individual sessions a resident has, every how many days."""
        rng = self.rng
        age = _age(person.date_of_birth, self.today)
        adaptation = person.status == CaseStatus.ADAPTATION
        intake = self.intakes.get(person.pk) or {}
        psychiatric, legal = rng.random(), rng.random()
        if age >= 18:
            plan = [
                (SessionKind.PSYCHOLOGICAL, 7 if adaptation else 14),
                (SessionKind.THEOLOGICAL, 14 if intake.get("risk_level") == "high" else 21),
                (SessionKind.SOCIAL_WORK, 14 if adaptation else 28),
            ]
            proceeding = self.proceedings.get(person.pk)
            if proceeding is not None and proceeding.closed_on is None:
                plan.append((SessionKind.LEGAL_AID, 21))
            elif legal < 0.15:
                plan.append((SessionKind.LEGAL_AID, 35))
            if psychiatric < (0.35 if intake.get("psychosocial_needs") else 0.1):
                plan.append((SessionKind.PSYCHIATRIC, 28))
            return plan
        if age < 3:
            return []
        plan = [(SessionKind.PSYCHOLOGICAL, 10 if adaptation else 21 if age >= 6 else 28)]
        if psychiatric < 0.05:
            plan.append((SessionKind.PSYCHIATRIC, 42))
        return plan

    def _book(self, centre_id, kind, format_, day, people, *, slot=None, minutes=None, topic=None):
        """Put a session in the diary if the facilitator and the participants are free: half
        hours from 9:00, until 17:30 on weekdays and 13:00 on Saturdays."""
        rng = self.rng
        facilitator = self.staff(centre_id, SESSION_FACILITATORS[kind])
        if facilitator is None or (day.weekday() == 6 and day != self.today):
            return
        minutes = minutes or SESSION_MINUTES[kind]
        need = -(-minutes // 30)
        last = 8 if day.weekday() >= 5 else 17
        draw, pick, chance, note = (
            rng.randrange(10**6),
            rng.random(),
            rng.random(),
            rng.randrange(10**6),
        )
        free_of = [("u", facilitator.pk)] + [("p", p.pk) for p in people]

        def free(start: int) -> bool:
            return start + need <= last and not any(
                (key, day, start + i) in self.busy for key in free_of for i in range(need)
            )

        if slot is None:
            options = [s for s in range(last) if free(s)]
            if not options:
                return
            slot = options[draw % len(options)]
        elif not free(slot):
            return
        for key in free_of:
            for i in range(need):
                self.busy.add((key, day, slot + i))
        starts = _aware(day, 9 + slot // 2, 30 * (slot % 2))
        ends = starts + timedelta(minutes=minutes)
        notes = ""
        if starts > self.now:
            status = SessionStatus.CANCELLED if chance < 0.04 else SessionStatus.PLANNED
        elif ends > self.now or (day == self.today and chance < 0.3):
            status = SessionStatus.PLANNED  # under way, or not yet written up
        elif chance < 0.08:
            status = SessionStatus.CANCELLED
        else:
            status = SessionStatus.HELD
        if status == SessionStatus.CANCELLED:
            notes = CANCELLED_NOTES[note % len(CANCELLED_NOTES)]
        elif status == SessionStatus.HELD:
            if format_ == Session.Format.GROUP:
                pool = GROUP_NOTES[kind]
            else:
                who = "adult" if _age(people[0].date_of_birth, day) >= 18 else "child"
                pool = SESSION_NOTES.get((kind, who)) or SESSION_NOTES[(kind, "adult")]
            notes = pool[note % len(pool)]
        if topic is None:
            choices = INDIVIDUAL_TOPICS[kind]
            topic = choices[int(pick * len(choices))]
        self.diary.append(
            (
                Session(
                    centre_id=centre_id,
                    kind=kind,
                    format=format_,
                    status=status,
                    starts_at=starts,
                    duration_minutes=minutes,
                    topic=topic,
                    notes=notes,
                    facilitator=facilitator,
                ),
                [p.pk for p in people],
            )
        )
        self.booked[(centre_id, day)] = self.booked.get((centre_id, day), 0) + 1

    def sessions(self) -> None:
        """Four weeks of sessions at every centre and the week ahead: the weekly groups, and
        each resident's individual sessions; some today, whatever the day."""
        rng = self.rng
        first = self.today - timedelta(days=SESSION_DAYS_BACK)
        days = [
            first + timedelta(days=n) for n in range(SESSION_DAYS_BACK + SESSION_DAYS_AHEAD + 1)
        ]
        self.busy: set = set()
        self.diary: list[tuple[Session, list[int]]] = []
        self.booked: dict = {}
        residents = self.residents()
        for centre_id, people in residents.items():
            audiences = {
                audience: [p for p in people if self._audience(p, audience)]
                for *_rest, audience, _topic in GROUP_PROGRAMME
            }
            for day in days:
                for kind, weekday, slot, minutes, every, audience, topic in GROUP_PROGRAMME:
                    if day.weekday() != weekday or day.isocalendar()[1] % every:
                        continue
                    eligible = [p for p in audiences[audience] if self.stays[p.pk].start <= day]
                    share = rng.uniform(0.5, 0.9)
                    if len(eligible) < 2:
                        continue
                    size = min(len(eligible), 12, max(2, round(len(eligible) * share)))
                    group = sorted(rng.sample(eligible, size), key=lambda p: p.pk)
                    self._book(
                        centre_id,
                        kind,
                        Session.Format.GROUP,
                        day,
                        group,
                        slot=slot,
                        minutes=minutes,
                        topic=topic,
                    )
            for person in people:
                start = self.stays[person.pk].start
                for kind, every in self._cadences(person):
                    day = first + timedelta(days=rng.randint(0, every - 1))
                    while day <= days[-1]:
                        if day.weekday() == 6 and day != self.today:
                            day += timedelta(days=1)
                        if day >= start and day <= days[-1]:
                            self._book(centre_id, kind, Session.Format.INDIVIDUAL, day, [person])
                        day += timedelta(days=every + rng.randint(-2, 2))
            # My centre's "today" is never empty: a few more sessions if the day is quiet.
            here = [p for p in people if self.stays[p.pk].start <= self.today]
            for _attempt in range(30):
                if not here or self.booked.get((centre_id, self.today), 0) >= 3:
                    break
                person = here[rng.randrange(len(here))]
                kinds = [Session.Kind.PSYCHOLOGICAL]
                if _age(person.date_of_birth, self.today) >= 18:
                    kinds += [Session.Kind.THEOLOGICAL, Session.Kind.SOCIAL_WORK]
                kind = kinds[rng.randrange(len(kinds))]
                self._book(centre_id, kind, Session.Format.INDIVIDUAL, self.today, [person])
        Session.objects.bulk_create([s for s, _people in self.diary], batch_size=5000)
        through = Session.participants.through
        through.objects.bulk_create(
            [through(session_id=s.pk, returnee_id=pk) for s, people in self.diary for pk in people],
            batch_size=5000,
        )

    # Progress ratings --------------------------------------------------------------------

    def ratings(self) -> None:
        """Every adult rated about every three months from the first month at the centre, by
        the psychologist and the theologian, often with the social worker or psychiatrist.
        Most move from adhering or ambivalent towards renouncing; not all."""
        instrument = AssessmentInstrument.objects.filter(
            code="rehabilitation-progress", is_active=True
        ).first()
        if instrument is None:
            return
        rng = self.rng
        codes = instrument.domain_codes()
        low, high = instrument.score_min, instrument.score_max
        rows = []
        for person in self.people:
            stay = self.stays.get(person.pk)
            if (
                stay is None
                or person.status == CaseStatus.ADAPTATION
                or not self.adult(person, stay.start)
            ):
                continue
            end = min(stay.end or self.anchor, self.anchor)
            dates = []
            day = _weekday(stay.start + timedelta(days=rng.randint(20, 40)))
            while day <= end and len(dates) < 8:
                dates.append(day)
                day = _weekday(day + timedelta(days=rng.randint(80, 100)))
            if not dates:
                continue
            moved_on = person.status in (CaseStatus.REINTEGRATION, CaseStatus.CLOSED)
            outcome = rng.choices(
                [
                    DisengagementStage.RENOUNCED,
                    DisengagementStage.AMBIVALENT,
                    DisengagementStage.ADHERES,
                ],
                [92, 8, 0] if moved_on else [78, 15, 7],
            )[0]
            adheres_first = outcome == DisengagementStage.ADHERES or rng.random() < 0.45
            to_ambivalent = rng.uniform(1, 5) if adheres_first else 0.0
            to_renounced = to_ambivalent + rng.uniform(2, 7)
            share = rng.uniform(0.4, 0.75)
            stayed = (end - stay.start).days / 30.4
            if moved_on and to_renounced > stayed * share:
                # They left the centre having come this far within their stay.
                to_ambivalent *= stayed * share / to_renounced
                to_renounced = stayed * share
            if outcome == DisengagementStage.ADHERES:
                to_ambivalent = to_renounced = float("inf")
            elif outcome == DisengagementStage.AMBIVALENT:
                to_renounced = float("inf")
            base, growth = rng.uniform(1.6, 2.6), rng.uniform(0.06, 0.16)
            offsets = {code: rng.uniform(-0.5, 0.5) for code in codes}
            team = self.teams[stay.centre_id]
            for day in dates:
                months = (day - stay.start).days / 30.4
                if months < to_ambivalent:
                    stage = DisengagementStage.ADHERES
                elif months < to_renounced:
                    stage = DisengagementStage.AMBIVALENT
                else:
                    stage = DisengagementStage.RENOUNCED
                raters = [team[Discipline.PSYCHOLOGIST], team[Discipline.THEOLOGIAN]]
                third = rng.random()
                if third < 0.6:
                    raters.append(team[Discipline.SOCIAL_WORKER])
                elif third < 0.7:
                    raters.append(team[Discipline.PSYCHIATRIST])
                for rater in raters:
                    seen = stage
                    cautious, comment, minute = rng.random(), rng.random(), rng.randint(0, 59)
                    if (
                        rater.discipline == Discipline.THEOLOGIAN
                        and stage == DisengagementStage.RENOUNCED
                        and months - to_renounced < 1
                        and cautious < 0.4
                    ):
                        seen = DisengagementStage.AMBIVALENT  # not yet convinced it will last
                    scores = {}
                    for code in codes:
                        value = base + growth * months + offsets[code] + rng.uniform(-0.6, 0.6)
                        if code in ("beliefs", "trust"):
                            value = {
                                DisengagementStage.ADHERES: min(value, 2),
                                DisengagementStage.AMBIVALENT: min(max(value, 2), 3.4),
                                DisengagementStage.RENOUNCED: max(value, 3),
                            }[seen]
                        value = low + (value - 1) * (high - low) / 4  # from 1..5 to the range
                        scores[code] = max(low, min(high, round(value)))
                    pool = RATING_COMMENTS[seen]
                    rows.append(
                        ProgressRating(
                            returnee=person,
                            instrument=instrument,
                            assessed_on=day,
                            rater=rater,
                            discipline=rater.discipline,
                            scores=scores,
                            disengagement=seen,
                            comment=pool[int(comment * 2 * len(pool))] if comment < 0.5 else "",
                            recorded_at=_aware(day, 16, minute),
                        )
                    )
        with _timestamps_as_given(_field(ProgressRating, "recorded_at")):
            ProgressRating.objects.bulk_create(rows, batch_size=5000)

    # Reintegration -----------------------------------------------------------------------

    def reintegration(self) -> None:
        """Plans for families going home (drafted for some still placed) and follow-up visits
        by their caseworker since they left the centre."""
        rng = self.rng
        plans, visits = [], []
        for household_id, members in self.households.items():
            head = members[0]
            status = head.status
            stay = self.stays.get(head.pk)
            draft = rng.random()
            if stay is None:
                continue
            if status == CaseStatus.PLACED:
                if (self.anchor - stay.start).days < 300 or draft > 0.35:
                    continue
            elif status == CaseStatus.CLOSED:
                if head.closure_reason != ClosureReason.REINTEGRATED:
                    continue
            elif status != CaseStatus.REINTEGRATION:
                continue
            region = self.home_region.get(household_id) or self.centres[stay.centre_id].region
            community = rng.choice(names.COMMUNITIES[region])
            housing = rng.choices(list(Housing), [50, 10, 20, 15, 5])[0]
            if status == CaseStatus.CLOSED and housing == Housing.NOT_FOUND:
                housing = Housing.WITH_RELATIVES
            school = f"School No. {rng.randint(1, 40)}, {community}"
            done = {CaseStatus.PLACED: 0.4, CaseStatus.REINTEGRATION: 0.85}.get(status, 1.0)
            since = self.reintegration_from.get(head.pk, self.anchor)
            for person in members:
                adult = self.adult(person)
                age = _age(person.date_of_birth, self.anchor)
                abroad = person.place_of_birth in names.BIRTH_PLACES_ABROAD
                card, iin, certificate, passport = (rng.random() for _ in range(4))
                plans.append(
                    ReintegrationPlan(
                        returnee=person,
                        destination_region=region,
                        destination_community=community,
                        housing=housing,
                        livelihood=rng.choice(LIVELIHOODS) if adult else "",
                        school_transfer=school
                        if 7 <= age < 18 and status != CaseStatus.PLACED
                        else "",
                        id_card_restored=adult and card < done,
                        iin_restored=iin < done or not (adult or abroad),
                        birth_certificate_restored=abroad and not adult and certificate < done,
                        passport_restored=adult and passport < done / 2,
                        updated_at=_aware(min(since, self.anchor), 12),
                    )
                )
            if status == CaseStatus.PLACED:
                continue
            end = head.closed_on or self.anchor
            gaps = [60, 90, 120, 180]
            dates = []
            day = since + timedelta(days=rng.randint(14, 30))
            while day <= end and len(dates) < 10:
                dates.append(day)
                day += timedelta(days=gaps[min(len(dates) - 1, 3)] + rng.randint(-10, 10))
            for n, day in enumerate(dates):
                risk = rng.choices(
                    [Risk.LOW, Risk.MEDIUM, Risk.HIGH], [55, 35, 10] if n == 0 else [80, 17, 3]
                )[0]
                if n + 1 < len(dates):
                    following = dates[n + 1]
                elif status == CaseStatus.CLOSED:
                    following = None
                else:
                    following = day + timedelta(days=gaps[min(n, 3)])
                for person in members:
                    adult = self.adult(person, day)
                    pool = VISIT_FINDINGS_ADULT if adult else VISIT_FINDINGS_CHILD
                    visits.append(
                        FollowUpVisit(
                            returnee=person,
                            visited_on=day,
                            visitor=person.assigned_caseworker,
                            findings=pool[rng.randrange(len(pool))],
                            risk_level=risk,
                            next_visit_on=following,
                        )
                    )
        with _timestamps_as_given(_field(ReintegrationPlan, "updated_at")):
            ReintegrationPlan.objects.bulk_create(plans, batch_size=5000)
        FollowUpVisit.objects.bulk_create(visits, batch_size=5000)


def _weighted(draw: float, weights: dict):
    """The key a uniform draw in [0, 1) falls on, by weight."""
    total = sum(weights.values())
    running = 0
    for key, weight in weights.items():
        running += weight
        if draw * total < running:
            return key
    return key
