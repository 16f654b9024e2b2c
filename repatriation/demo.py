"""Deterministic demo data: organisations, one user per role, centres, operations and families.

Everything is generated from a seed; no real person is represented. Running it twice adds
nothing the second time.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from anyascii import anyascii
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from rehabilitation.models import (
    Centre,
    Placement,
    Service,
)
from repatriation import demo_names as names
from repatriation import demo_scale
from repatriation.accounts.models import DataSharingAgreement, Organisation, User
from repatriation.accounts.roles import Discipline, FieldGroup, Role
from repatriation.accounts.services import agreement_grant, roles_sync
from repatriation.medical.models import Condition, MedicalAssessment, Stage, Triage
from repatriation.operations.models import Boarding, Location, ManifestEntry, Operation, TransitLeg
from returnees import names as name_keys
from returnees.models import (
    CaseEvent,
    CaseNumberCounter,
    CaseStatus,
    EvidenceItem,
    Guardianship,
    GuardianshipVisit,
    Household,
    IntakeAssessment,
    NationalityVerification,
    Relationship,
    RelativeAtHome,
    Returnee,
    ReturneeName,
    Sex,
    VerificationDecision,
)
from returnees.services import name_row

ANCHOR = date(2026, 11, 1)
DEMO_PASSWORD = "Demo-pass-2026!"  # noqa: S105 - printed for the demo on purpose

DEMO_USERS: list[tuple[str, Role, str, str, str]] = [
    # username, role, first name, last name, discipline
    ("admin", Role.ADMINISTRATOR, "Arman", "Seitkali", ""),
    ("caseworker", Role.CASEWORKER, "Dana", "Abenova", ""),
    ("caseworker2", Role.CASEWORKER, "Yerlan", "Mukashev", ""),
    ("verifier", Role.VERIFICATION_OFFICER, "Saule", "Iskakova", ""),
    ("medic", Role.MEDICAL_OFFICER, "Gulnara", "Tleubayeva", ""),
    ("teacher", Role.CENTRE_STAFF, "Aizhan", "Kenzhebayeva", Discipline.TEACHER),
    ("psychologist", Role.CENTRE_STAFF, "Madina", "Yesenova", Discipline.PSYCHOLOGIST),
    ("theologian", Role.CENTRE_STAFF, "Nurlan", "Zhaksylykov", Discipline.THEOLOGIAN),
    ("legal", Role.LEGAL_OFFICER, "Timur", "Kassymov", ""),
    ("manager", Role.PROGRAMME_MANAGER, "Asel", "Ospanova", ""),
    ("ministry", Role.MINISTRY_OFFICIAL, "Serik", "Zhumabayev", ""),
    ("partner", Role.PARTNER_AGENCY, "Olga", "Volkova", ""),
    ("auditor", Role.AUDITOR, "Bauyrzhan", "Akhmetov", ""),
]

OPERATIONS = [
    ("OP-2019-01", "Wave 1", "SY", date(2019, 1, 6), Operation.Status.COMPLETED),
    ("OP-2019-05", "Wave 2", "SY", date(2019, 5, 9), Operation.Status.COMPLETED),
    ("OP-2021-02", "Wave 3", "SY", date(2021, 2, 4), Operation.Status.COMPLETED),
    ("OP-2023-06", "Wave 4", "IQ", date(2023, 6, 15), Operation.Status.COMPLETED),
    ("OP-2026-10", "Wave 5", "SY", date(2026, 10, 2), Operation.Status.COMPLETED),
    ("OP-2026-11", "Wave 6", "SY", date(2026, 11, 20), Operation.Status.ACTIVE),
]
# The two legs of every wave: camp to the transit airport by road, then the flight home.
CAMPS = {
    "SY": ("al-Hol camp", "Qamishli airport"),
    "IQ": ("Baghdad transit centre", "Baghdad International Airport"),
}

# Share of households in each status: most have come home and moved on.
STATUS_WEIGHTS = {
    CaseStatus.IDENTIFIED: 6,
    CaseStatus.VERIFYING: 7,
    CaseStatus.CLEARED: 4,
    CaseStatus.NOT_ELIGIBLE: 2,
    CaseStatus.IN_TRANSIT: 2,
    CaseStatus.ARRIVED: 2,
    CaseStatus.ADAPTATION: 5,
    CaseStatus.PLACED: 40,
    CaseStatus.REINTEGRATION: 20,
    CaseStatus.CLOSED: 12,
}
RETURNED = {
    CaseStatus.IN_TRANSIT,
    CaseStatus.ARRIVED,
    CaseStatus.ADAPTATION,
    CaseStatus.PLACED,
    CaseStatus.REINTEGRATION,
    CaseStatus.CLOSED,
}


@dataclass
class SeedResult:
    created_people: int = 0
    users: list[str] = field(default_factory=list)
    skipped_people: bool = False


def _organisations() -> dict[str, Organisation]:
    specs = [
        ("ministry", "Ministry of Social Protection (demo)", Organisation.Kind.MINISTRY),
        ("operator", "Regional Rehabilitation Services (demo)", Organisation.Kind.CENTRE_OPERATOR),
        ("ngo", "Family Support Network (demo)", Organisation.Kind.NGO),
        ("agency", "International Child Protection Agency (demo)", Organisation.Kind.INTERNATIONAL),
    ]
    return {
        key: Organisation.objects.get_or_create(name=name, defaults={"kind": kind})[0]
        for key, name, kind in specs
    }


def _centres(operator: Organisation, people: int) -> list[Centre]:
    capacity = max(40, int(people * 0.5 / len(names.CENTRES) * 1.3))
    core = [Service.PSYCHOLOGY, Service.SOCIAL_WORK, Service.THEOLOGY]
    extras = [
        Service.PSYCHIATRY,
        Service.LEGAL_AID,
        Service.PRESCHOOL,
        Service.SCHOOL_LIAISON,
        Service.SPORTS,
        Service.VOCATIONAL,
    ]
    return [
        Centre.objects.get_or_create(
            name=name,
            defaults={
                "region": region,
                "operator": operator,
                "capacity": capacity,
                # Every centre has the core team; the larger ones offer more.
                "services": core + extras[: 2 + index % 5],
            },
        )[0]
        for index, (region, name) in enumerate(names.CENTRES)
    ]


def _users(orgs: dict[str, Organisation]) -> list[User]:
    from django.contrib.auth.models import Group

    org_for = {Role.CENTRE_STAFF: "operator", Role.PARTNER_AGENCY: "agency"}
    users = []
    for username, role, first, last, discipline in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "discipline": discipline,
                "organisation": orgs[org_for.get(role, "ministry")],
                "email": f"{username}@example.org",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            user.groups.set([Group.objects.get(name=role.value)])
        users.append(user)
    return users


@dataclass
class _Person:
    name: str
    latin: str
    sex: str
    dob: date
    estimated: bool
    place: str
    flags: dict = field(default_factory=dict)


class _Generator:
    def __init__(self, rng: random.Random):
        self.rng = rng

    def adult_woman(self) -> tuple[_Person, str]:
        """A woman and the family name her children take."""
        rng = self.rng
        if rng.random() < 0.7:
            given = rng.choice(names.KAZAKH_WOMEN)
            surname = rng.choice(names.KAZAKH_SURNAMES_M)
            family = names.feminine(surname)
            if rng.random() < 0.25:
                family = names.kazakh_patronymic(rng.choice(names.KAZAKH_MEN), True)
        else:
            given = rng.choice(names.RUSSIAN_WOMEN)
            surname = rng.choice(names.RUSSIAN_SURNAMES_M)
            family = names.feminine(surname)
        age = rng.randint(21, 48)
        dob = ANCHOR - timedelta(days=age * 365 + rng.randint(0, 364))
        full = f"{given} {family}"
        return _Person(
            full,
            anyascii(full),
            Sex.FEMALE,
            dob,
            rng.random() < 0.05,
            rng.choice(names.BIRTH_PLACES_HOME),
            {"is_pregnant": rng.random() < 0.05, "is_injured": rng.random() < 0.04},
        ), surname

    def adult_man(self) -> _Person:
        rng = self.rng
        given = rng.choice(names.KAZAKH_MEN + names.RUSSIAN_MEN)
        surname = rng.choice(names.KAZAKH_SURNAMES_M + names.RUSSIAN_SURNAMES_M)
        dob = ANCHOR - timedelta(days=rng.randint(22, 55) * 365 + rng.randint(0, 364))
        full = f"{given} {surname}"
        return _Person(
            full,
            anyascii(full),
            Sex.MALE,
            dob,
            False,
            rng.choice(names.BIRTH_PLACES_HOME),
            {"is_injured": rng.random() < 0.1},
        )

    def child(self, surname: str, oldest_dob: date) -> _Person:
        rng = self.rng
        sex = rng.choice([Sex.FEMALE, Sex.MALE])
        earliest = max(oldest_dob + timedelta(days=17 * 365), ANCHOR - timedelta(days=17 * 365))
        span = max((ANCHOR - timedelta(days=200) - earliest).days, 1)
        dob = earliest + timedelta(days=rng.randint(0, span))
        abroad = dob.year >= 2013
        family = names.feminine(surname) if sex == Sex.FEMALE else surname
        if abroad and rng.random() < 0.5:
            # Recorded in the camp by given name alone, in Arabic script.
            full, latin = rng.choice(names.ARABIC_GIRLS if sex == Sex.FEMALE else names.ARABIC_BOYS)
            place = rng.choice(names.BIRTH_PLACES_ABROAD)
            return _Person(
                full,
                latin,
                sex,
                dob,
                rng.random() < 0.35,
                place,
                {"has_disability": rng.random() < 0.03},
            )
        else:
            pool = (
                names.CYRILLIC_GIRLS_ARABIC + names.KAZAKH_WOMEN
                if sex == Sex.FEMALE
                else names.CYRILLIC_BOYS_ARABIC + names.KAZAKH_MEN
            )
            full = f"{rng.choice(pool)} {family}"
        place = rng.choice(names.BIRTH_PLACES_ABROAD if abroad else names.BIRTH_PLACES_HOME)
        return _Person(
            full,
            anyascii(full),
            sex,
            dob,
            abroad and rng.random() < 0.35,
            place,
            {"has_disability": rng.random() < 0.03, "is_injured": rng.random() < 0.03},
        )


def _phone(rng: random.Random) -> str:
    digits = [rng.randint(0, 9) for _ in range(9)]
    return "+7 7{}{} {}{}{} {}{} {}{}".format(*digits)


@transaction.atomic
def demo_seed(*, returnees: int, seed: int) -> SeedResult:
    """Create the demo world. People are generated only into an empty registry."""
    roles_sync()
    result = SeedResult()
    orgs = _organisations()
    copies, generated = demo_scale.copies_for(returnees)
    if connection.vendor != "postgresql":
        copies, generated = 1, returnees
    centres = _centres(orgs["operator"], generated)
    users = _users(orgs)
    by_name = {u.username: u for u in users}
    from repatriation.demo_rehabilitation import _centre_teams, _Rehabilitation

    teams = _centre_teams(orgs["operator"], centres, by_name)
    operations = [
        Operation.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "origin_country": country,
                "planned_departure": day,
                "status": status,
            },
        )[0]
        for code, name, country, day, status in OPERATIONS
    ]
    agreement, created = DataSharingAgreement.objects.get_or_create(
        organisation=orgs["agency"],
        title="Education support (demo)",
        defaults={
            "valid_from": date(2024, 1, 1),
            "valid_until": date(2030, 12, 31),
            "read_field_groups": [FieldGroup.IDENTITY, FieldGroup.EDUCATION],
            "write_field_groups": [FieldGroup.EDUCATION],
        },
    )
    if created:
        agreement.centres.set(centres[:3])
        agreement.operations.set(operations[-1:])
        agreement_grant(actor=None, agreement=agreement, user=by_name["partner"])
    result.users = [u.username for u in users]
    if Returnee.objects.exists():
        result.skipped_people = True
        return result
    caseworkers = [by_name["caseworker"], by_name["caseworker2"]]
    people = _people(random.Random(seed), generated, centres, operations, caseworkers)
    # A generator of its own, so that the people stay the same whatever is added here.
    _Rehabilitation(random.Random(f"{seed}-rehabilitation"), people, centres, teams, by_name).run()
    _centres_sized(centres)
    demo_scale.world_copy(copies)
    result.created_people = len(people) * copies
    return result


def _centres_sized(centres: list[Centre]) -> None:
    """Each centre with room for its residents, at most about 85% full, as a real one is
    planned: the first centre, where the demo staff work, takes a fifth of the placements
    and was shown as "105 of 40 places taken". Capacities only grow, by fives."""
    residents = dict(
        Placement.objects.filter(ended_on__isnull=True, centre__in=centres)
        .values_list("centre")
        .annotate(n=Count("pk"))
    )
    for centre in centres:
        needed = -(-residents.get(centre.pk, 0) * 20 // 17)  # residents / 0.85, rounded up
        capacity = max(centre.capacity, -(-needed // 5) * 5)
        if capacity != centre.capacity:
            Centre.objects.filter(pk=centre.pk).update(capacity=capacity)
            centre.capacity = capacity


def _people(
    rng: random.Random,
    target: int,
    centres: list[Centre],
    operations: list[Operation],
    caseworkers: list[User],
) -> list[Returnee]:
    gen = _Generator(rng)
    statuses = list(STATUS_WEIGHTS)
    weights = list(STATUS_WEIGHTS.values())
    counters: dict[int, int] = {}
    people: list[Returnee] = []
    households: list[Household] = []
    family_links: list[tuple[int, int, str]] = []  # indexes into people, kind of relative
    placements: list[tuple[int, int, str, date]] = []  # person index, centre index, kind, start
    manifest: list[tuple[int, int]] = []  # person index, operation index

    def add(person: _Person, household_index: int, status: str, year: int, extra: dict) -> int:
        counters[year] = counters.get(year, 0) + 1
        people.append(
            Returnee(
                case_number=f"KZ-{year}-{counters[year]:06d}",
                primary_name=person.name,
                name_latin=person.latin,
                sex=person.sex,
                date_of_birth=person.dob,
                date_of_birth_estimated=person.estimated,
                place_of_birth=person.place,
                status=status,
                assigned_caseworker=caseworkers[household_index % len(caseworkers)],
                **person.flags,
                **extra,
            )
        )
        people[-1]._household_index = household_index
        return len(people) - 1

    while len(people) < target:
        h = len(households)
        households.append(Household(reference=f"HH-{h + 1:06d}"))
        # The first households take each status in turn, so even a small demo shows them all.
        status = statuses[h] if h < len(statuses) else rng.choices(statuses, weights)[0]
        op_index = _operation_for(rng, status, len(operations))
        year = (
            operations[op_index].planned_departure.year
            if status in RETURNED
            else rng.choice([2024, 2025, 2026])
        )
        members: list[int] = []
        kind = rng.random()
        if kind < 0.08:  # orphaned siblings, found without a parent
            surname = rng.choice(names.KAZAKH_SURNAMES_M)
            anchor = ANCHOR - timedelta(days=38 * 365)
            for _ in range(rng.randint(1, 3)):
                child = gen.child(surname, anchor)
                members.append(
                    add(child, h, status, year, {"is_orphan": True, "is_unaccompanied": True})
                )
            for a in members:
                for b in members:
                    if a != b:
                        family_links.append((a, b, Relationship.Kind.SIBLING))
        elif kind < 0.13:  # a man alone
            members.append(add(gen.adult_man(), h, status, year, {"phone": _phone(rng)}))
        else:  # a mother and her children
            mother, surname = gen.adult_woman()
            m = add(mother, h, status, year, {"phone": _phone(rng)})
            members.append(m)
            for _ in range(rng.choice([0, 1, 2, 2, 3, 3, 4, 5, 6])):
                child = gen.child(surname, mother.dob)
                c = add(child, h, status, year, {})
                members.append(c)
                family_links.append((c, m, Relationship.Kind.MOTHER))
                family_links.append((m, c, Relationship.Kind.CHILD))
                if len(members) == 2:  # women are often known by their first child: Umm X
                    people[m]._kunya = [f"Umm {child.latin.split()[0]}"]
                    if name_keys.script_of(child.name) == "arab":
                        people[m]._kunya.append(f"أم {child.name}")
        if status in RETURNED:
            for i in members:
                manifest.append((i, op_index))
        if status in (CaseStatus.ADAPTATION, CaseStatus.PLACED):
            # A fifth go to the first centre, where the demo staff work, so their pages show life.
            centre_index = 0 if rng.random() < 0.2 else rng.randrange(len(centres))
            kind_ = (
                Placement.Kind.ADAPTATION
                if status == CaseStatus.ADAPTATION
                else rng.choice([Placement.Kind.RESIDENTIAL, Placement.Kind.DAY_PROGRAMME])
            )
            start = ANCHOR - timedelta(days=rng.randint(1, 25 if kind_ == "adaptation" else 600))
            for i in members:
                placements.append((i, centre_index, kind_, start))

    del people[target:]  # the last household may overshoot; keep exactly `target`
    Household.objects.bulk_create(households, batch_size=5000)
    for person in people:
        person.household = households[person._household_index]
    Returnee.objects.bulk_create(people, batch_size=5000)
    Relationship.objects.bulk_create(
        [
            Relationship(person=people[a], relative=people[b], kind=k)
            for a, b, k in family_links
            if a < target and b < target
        ],
        batch_size=5000,
    )
    Placement.objects.bulk_create(
        [
            Placement(returnee=people[i], centre=centres[c], kind=k, started_on=s)
            for i, c, k, s in placements
            if i < target
        ],
        batch_size=5000,
    )
    entries = ManifestEntry.objects.bulk_create(
        [
            ManifestEntry(returnee=people[i], operation=operations[o])
            for i, o in manifest
            if i < target
        ],
        batch_size=5000,
    )
    _registry_records(rng, people, users=caseworkers)
    _transit_and_medical(rng, operations, entries, caseworkers[0])
    final: dict[int, int] = {}
    for person in people:
        year = int(person.case_number[3:7])
        final[year] = max(final.get(year, 0), int(person.case_number[-6:]))
    for year, last in final.items():
        CaseNumberCounter.objects.update_or_create(
            prefix="KZ", year=year, defaults={"last_value": last}
        )
    return people


def _operation_for(rng: random.Random, status: str, count: int) -> int:
    """In transit: the active wave (last); just arrived: the wave before it; the rest earlier."""
    if status == CaseStatus.IN_TRANSIT:
        return count - 1
    if status in (CaseStatus.ARRIVED, CaseStatus.ADAPTATION):
        return count - 2
    return rng.randrange(count - 2)


VERIFIED_STATUSES = RETURNED | {CaseStatus.CLEARED}
RELATIVE_KINDS = ["mother", "father", "sister", "brother", "aunt", "grandmother", "uncle"]
REGIONS = [region for region, _name in names.CENTRES]


def _decision_for(rng: random.Random, status: str) -> str:
    if status in VERIFIED_STATUSES:
        return VerificationDecision.VERIFIED
    if status == CaseStatus.NOT_ELIGIBLE:
        return VerificationDecision.REJECTED
    if status == CaseStatus.VERIFYING:
        return rng.choices(
            [
                VerificationDecision.PENDING,
                VerificationDecision.INCONCLUSIVE,
                VerificationDecision.VERIFIED,
            ],
            [70, 15, 15],
        )[0]
    return VerificationDecision.PENDING


def _registry_records(rng: random.Random, people: list[Returnee], users: list[User]) -> None:
    """Names and aliases, verification with evidence, relatives at home, guardians of orphans,
    intake assessments and the start of each timeline, all in bulk."""
    verifier = User.objects.get(username="verifier")
    actor = users[0]
    name_rows, verifications, events, intakes = [], [], [], []
    for person in people:
        name_rows.append(name_row(person, person.primary_name, ReturneeName.Kind.NAME, True))
        if person.name_latin and person.name_latin != person.primary_name:
            name_rows.append(name_row(person, person.name_latin, ReturneeName.Kind.NAME, False))
        for alias in getattr(person, "_kunya", []):
            name_rows.append(name_row(person, alias, ReturneeName.Kind.KUNYA, False))
        decision = _decision_for(rng, person.status)
        person.verification_status = decision
        decided = decision != VerificationDecision.PENDING
        verifications.append(
            NationalityVerification(
                returnee=person,
                claimed_nationality="KZ",
                decision=decision,
                decided_by=verifier if decided else None,
                decided_at=timezone.now() - timedelta(days=rng.randint(30, 900))
                if decided
                else None,
                decision_reason="Documents and interview consistent." if decided else "",
            )
        )
        events.append(
            CaseEvent(
                returnee=person,
                kind=CaseEvent.Kind.REGISTERED,
                actor=actor,
                to_status=CaseStatus.IDENTIFIED,
            )
        )
        if person.status != CaseStatus.IDENTIFIED:
            events.append(
                CaseEvent(
                    returnee=person,
                    kind=CaseEvent.Kind.TRANSITION,
                    actor=actor,
                    from_status=CaseStatus.IDENTIFIED,
                    to_status=person.status,
                    transition="seeded",
                    reason="Recorded before this system.",
                )
            )
        if person.status in (CaseStatus.ADAPTATION, CaseStatus.PLACED, CaseStatus.REINTEGRATION):
            adult = (ANCHOR - person.date_of_birth).days >= 18 * 365
            intakes.append(
                IntakeAssessment(
                    returnee=person,
                    assessed_by=actor,
                    health_needs=rng.choice(
                        [
                            "",
                            "Dental care",
                            "Malnutrition follow-up",
                            "Shrapnel wound, physiotherapy",
                        ]
                    ),
                    psychosocial_needs=rng.choice(["Sleep problems", "Grief", "Anxiety", ""]),
                    education_level=rng.choice(
                        ["none", "primary", "secondary"]
                        if adult
                        else ["preschool_age", "none", "primary"]
                    ),
                    languages=rng.choice(["Kazakh, Russian", "Russian, Arabic", "Kazakh, Arabic"]),
                    risk_level=rng.choices(["low", "medium", "high"], [60, 30, 10])[0],
                )
            )
    ReturneeName.objects.bulk_create(name_rows, batch_size=5000)
    Returnee.objects.bulk_update(people, ["verification_status"], batch_size=5000)
    NationalityVerification.objects.bulk_create(verifications, batch_size=5000)
    CaseEvent.objects.bulk_create(events, batch_size=5000)
    IntakeAssessment.objects.bulk_create(intakes, batch_size=5000)
    evidence = []
    for verification in verifications:
        if verification.decision == VerificationDecision.PENDING:
            continue
        adult = (ANCHOR - verification.returnee.date_of_birth).days >= 18 * 365
        kinds = (
            [EvidenceItem.Kind.PASSPORT, EvidenceItem.Kind.INTERVIEW]
            if adult
            else [EvidenceItem.Kind.BIRTH_CERTIFICATE, EvidenceItem.Kind.DNA]
        )
        for kind in kinds[: rng.randint(1, 2)]:
            evidence.append(
                EvidenceItem(
                    verification=verification,
                    kind=kind,
                    added_by=actor,
                    confidence=rng.choice(
                        [EvidenceItem.Confidence.HIGH, EvidenceItem.Confidence.MEDIUM]
                    ),
                )
            )
    EvidenceItem.objects.bulk_create(evidence, batch_size=5000)
    _relatives_and_guardians(rng, people, actor)


def _relatives_and_guardians(rng: random.Random, people: list[Returnee], actor: User) -> None:
    by_household: dict[int, list[Returnee]] = {}
    for person in people:
        by_household.setdefault(person.household_id, []).append(person)
    relatives: list[RelativeAtHome] = []
    orphans_by_household: dict[int, list[Returnee]] = {}
    for household_id, members in by_household.items():
        orphans = [p for p in members if p.is_orphan]
        if orphans:
            orphans_by_household[household_id] = orphans
        if orphans or rng.random() < 0.65:
            for _ in range(rng.randint(1, 2)):
                given = rng.choice(names.KAZAKH_WOMEN + names.KAZAKH_MEN)
                surname = rng.choice(names.KAZAKH_SURNAMES_M)
                relatives.append(
                    RelativeAtHome(
                        returnee=members[0],
                        full_name=f"{given} {surname}",
                        relationship=rng.choice(RELATIVE_KINDS),
                        region=rng.choice(REGIONS),
                        contact=_phone(rng),
                        is_verified=rng.random() < 0.5,
                    )
                )
    RelativeAtHome.objects.bulk_create(relatives, batch_size=5000)
    first_relative = {}
    for relative in relatives:
        first_relative.setdefault(relative.returnee.household_id, relative)
    guardianships = []
    for household_id, orphans in orphans_by_household.items():
        for orphan in orphans:
            if orphan.status == CaseStatus.IDENTIFIED or rng.random() < 0.1:
                continue  # still without a guardian: the dashboard lists them
            relative = first_relative.get(household_id)
            if relative is not None and relative.returnee_id == orphan.pk and rng.random() < 0.7:
                guardianships.append(
                    Guardianship(
                        child=orphan,
                        guardian_kind=Guardianship.GuardianKind.RELATIVE_AT_HOME,
                        guardian_relative=relative,
                        legal_basis=Guardianship.LegalBasis.COURT_ORDER,
                        started_on=ANCHOR - timedelta(days=rng.randint(30, 700)),
                        created_by=actor,
                    )
                )
            else:
                guardianships.append(
                    Guardianship(
                        child=orphan,
                        guardian_kind=Guardianship.GuardianKind.STATE,
                        state_body=f"Guardianship authority, {rng.choice(REGIONS)}",
                        legal_basis=Guardianship.LegalBasis.ADMINISTRATIVE,
                        started_on=ANCHOR - timedelta(days=rng.randint(30, 700)),
                        created_by=actor,
                    )
                )
    Guardianship.objects.bulk_create(guardianships, batch_size=5000)
    GuardianshipVisit.objects.bulk_create(
        [
            GuardianshipVisit(
                guardianship=g,
                visited_on=g.started_on + timedelta(days=30),
                visitor=actor,
                findings="Child settled; school attendance regular.",
            )
            for g in guardianships
            if g.started_on + timedelta(days=30) <= ANCHOR
        ],
        batch_size=5000,
    )


def _legs(operation: Operation, actor: User) -> list[TransitLeg]:
    """Two legs per wave; past waves completed, the active one in the air on its second leg."""
    existing = list(operation.legs.order_by("sequence"))
    if existing:
        return existing
    camp_name, airport_name = CAMPS[operation.origin_country]
    camp = Location.objects.get_or_create(
        name=camp_name, kind=Location.Kind.CAMP, defaults={"country": operation.origin_country}
    )[0]
    transit = Location.objects.get_or_create(
        name=airport_name,
        kind=Location.Kind.AIRPORT,
        defaults={"country": operation.origin_country},
    )[0]
    home = Location.objects.get_or_create(
        name="Almaty International Airport",
        kind=Location.Kind.AIRPORT,
        defaults={"country": "KZ", "region": "Almaty"},
    )[0]
    day = datetime.combine(
        operation.planned_departure, datetime.min.time(), tzinfo=timezone.get_current_timezone()
    )
    active = operation.status == Operation.Status.ACTIVE
    first = TransitLeg.objects.create(
        operation=operation,
        sequence=1,
        origin=camp,
        destination=transit,
        mode=TransitLeg.Mode.ROAD,
        carrier="Convoy",
        scheduled_departure=day + timedelta(hours=5),
        scheduled_arrival=day + timedelta(hours=11),
        actual_departure=day + timedelta(hours=5, minutes=20),
        actual_arrival=day + timedelta(hours=11, minutes=40),
    )
    second = TransitLeg.objects.create(
        operation=operation,
        sequence=2,
        origin=transit,
        destination=home,
        mode=TransitLeg.Mode.AIR,
        carrier="Air Astana",
        flight_number=f"KC{7000 + operation.pk}",
        arrives_home=True,
        scheduled_departure=day + timedelta(hours=14),
        scheduled_arrival=day + timedelta(hours=19),
        actual_departure=day + timedelta(hours=14, minutes=30),
        actual_arrival=None if active else day + timedelta(hours=19, minutes=10),
    )
    operation.started_on = operation.planned_departure
    operation.ended_on = None if active else operation.planned_departure
    operation.save(update_fields=["started_on", "ended_on"])
    return [first, second]


def _transit_and_medical(
    rng: random.Random, operations: list[Operation], entries: list[ManifestEntry], actor: User
) -> None:
    """Legs and boarding for every wave; pre-departure and arrival checks for its people."""
    medic = User.objects.get(username="medic")
    legs = {op.pk: _legs(op, actor) for op in operations}
    boardings, assessments = [], []
    for entry in entries:
        for leg in legs[entry.operation_id]:
            boardings.append(
                Boarding(
                    entry=entry,
                    leg=leg,
                    status=Boarding.Status.BOARDED,
                    recorded_by=actor,
                    recorded_at=leg.actual_departure,
                )
            )
        person = entry.returnee
        day = legs[entry.operation_id][0].scheduled_departure.date()
        child_under_5 = (day - person.date_of_birth).days < 5 * 365
        stages = [(Stage.PRE_DEPARTURE, day - timedelta(days=2))]
        if person.status != CaseStatus.IN_TRANSIT:
            stages.append((Stage.ARRIVAL, day + timedelta(days=1)))
        for stage, assessed_on in stages:
            triage = rng.choices([Triage.GREEN, Triage.YELLOW, Triage.RED], [70, 22, 8])[0]
            muac = rng.randint(105, 150) if child_under_5 else None
            conditions = []
            if muac is not None and muac < 125:
                conditions.append(Condition.MALNUTRITION)
            if person.is_injured:
                conditions.append(rng.choice([Condition.INJURY, Condition.SHRAPNEL]))
            if person.is_pregnant:
                conditions.append(Condition.PREGNANCY)
            assessments.append(
                MedicalAssessment(
                    returnee=person,
                    operation_id=entry.operation_id,
                    stage=stage,
                    assessed_on=assessed_on,
                    assessor=medic,
                    triage=triage,
                    muac_mm=muac,
                    conditions=conditions,
                    pulse=rng.randint(70, 110),
                    temperature_c=Decimal(rng.choice(["36.6", "36.8", "37.2", "38.1"])),
                    follow_up_due=assessed_on + timedelta(days=14)
                    if triage != Triage.GREEN
                    else None,
                )
            )
    Boarding.objects.bulk_create(boardings, batch_size=5000)
    MedicalAssessment.objects.bulk_create(assessments, batch_size=5000)
