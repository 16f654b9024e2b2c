"""Reads of the registry. Each starts from the policy-scoped queryset."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.postgres.search import TrigramDistance
from django.core import signing
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from rehabilitation.models import Placement, PlanGoal
from repatriation import policy
from repatriation.accounts.roles import FieldGroup
from repatriation.one_trip import attach
from repatriation.query_settings import query_settings

from . import names as name_keys
from .models import (
    CaseEvent,
    CaseStatus,
    Document,
    EvidenceItem,
    Guardianship,
    GuardianshipVisit,
    IntakeAssessment,
    Relationship,
    RelativeAtHome,
    Returnee,
    ReturneeName,
    VerificationDecision,
)

FLAGS = (
    "is_unaccompanied",
    "is_separated",
    "is_orphan",
    "is_pregnant",
    "is_injured",
    "has_disability",
)
AGE_GROUPS = {"under5": (0, 5), "5to11": (5, 12), "12to17": (12, 18), "adult": (18, 200)}
SORTS = {
    "newest": ("-id",),
    "case_number": ("case_number",),
    "name": ("primary_name",),
    "date_of_birth": ("date_of_birth",),
    "updated": ("-updated_at",),
    "status": ("status",),
}
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$|^(\d{2})\.(\d{2})\.(\d{4})$")
_CASE_NUMBER = re.compile(r"^[A-Za-z]{2}-\d{4}-\d{6}$")
MATCH_THRESHOLD = 80
DUPLICATE_THRESHOLD = 75


class BadCursor(ValueError):
    pass


@dataclass(frozen=True)
class ReturneeFilters:
    status: str = ""
    sex: str = ""
    age_group: str = ""
    flags: tuple[str, ...] = ()
    caseworker: int | None = None
    verification: str = ""
    query: str = ""
    sort: str = "newest"


@dataclass
class ReturneePage:
    people: list[Returnee]
    next_cursor: str | None
    scores: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Candidate:
    returnee: Returnee
    score: int
    matched_name: str
    reasons: tuple[str, ...]


def _years_ago(years: int, today: date) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def _age_group_filter(group: str) -> Q:
    low, high = AGE_GROUPS[group]
    today = timezone.localdate()
    return Q(date_of_birth__lte=_years_ago(low, today), date_of_birth__gt=_years_ago(high, today))


def parse_query(text: str) -> tuple[str, date | None, str]:
    """Split a search into a case number, a date of birth and name words."""
    case_number, dob, words = "", None, []
    for token in text.split():
        match = _DATE.match(token)
        if _CASE_NUMBER.match(token):
            case_number = token.upper()
        elif match:
            try:
                if match.group(1):
                    dob = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
                else:
                    dob = date(int(match.group(6)), int(match.group(5)), int(match.group(4)))
            except ValueError:
                words.append(token)
        else:
            words.append(token)
    return case_number, dob, " ".join(words)


def _scoped(user, filters: ReturneeFilters) -> QuerySet[Returnee]:
    people = policy.returnees_visible_to(user, residents_first=True)
    if filters.status:
        people = people.filter(status=filters.status)
    if filters.sex:
        people = people.filter(sex=filters.sex)
    if filters.age_group:
        people = people.filter(_age_group_filter(filters.age_group))
    for flag in filters.flags:
        people = people.filter(**{flag: True})
    if filters.caseworker:
        people = people.filter(assigned_caseworker_id=filters.caseworker)
    if filters.verification:
        people = people.filter(verification_status=filters.verification)
    return people


def _cursor_dump(person: Returnee, ordering: tuple[str, ...]) -> str:
    name = ordering[0].lstrip("-")
    value = getattr(person, name)
    if isinstance(value, (date, datetime)):
        value = value.isoformat()
    return signing.dumps([ordering[0], value, person.pk], salt="returnee-list")


def _cursor_filter(cursor: str, ordering: tuple[str, ...]) -> Q:
    """The rows after the cursor's row. A cursor made for another order is refused."""
    try:
        order, value, pk = signing.loads(cursor, salt="returnee-list")
        pk = int(pk)
        if order != ordering[0]:
            raise ValueError("cursor made for another order")
        name = ordering[0].lstrip("-")
        if name == "date_of_birth":
            value = date.fromisoformat(value)
        elif name == "updated_at":
            value = datetime.fromisoformat(value)
        elif name == "id":
            value = int(value)
        elif not isinstance(value, str):
            raise TypeError("unexpected cursor value")
    except (signing.BadSignature, TypeError, ValueError) as exc:
        raise BadCursor from exc
    op = "lt" if ordering[0].startswith("-") else "gt"
    if name == "id":
        return Q(**{f"pk__{op}": value})
    return Q(**{f"{name}__{op}": value}) | Q(**{name: value, f"pk__{op}": pk})


def returnee_list(
    *, user, filters: ReturneeFilters, cursor: str = "", size: int = 50
) -> ReturneePage:
    """A page of people. Without a search: keyset pages in the chosen order, the same cost at
    any depth. With a search: the best matches by score, across scripts and spellings."""
    people = _scoped(user, filters)
    if filters.query.strip():
        return _search_page(people, filters.query, size)
    ordering = SORTS.get(filters.sort, SORTS["newest"])
    if cursor:
        people = people.filter(_cursor_filter(cursor, ordering))
    direction = "-" if ordering[0].startswith("-") else ""
    rows = list(
        people.select_related("assigned_caseworker").order_by(*ordering, f"{direction}pk")[
            : size + 1
        ]
    )
    next_cursor = _cursor_dump(rows[size - 1], ordering) if len(rows) > size else None
    return ReturneePage(rows[:size], next_cursor)


_CANDIDATE_FIELDS = ("returnee_id", "full_name", "search_key", "skeleton", "script")
SEARCH_CANDIDATES = 300
# Nearest names of a duplicate check, ties broken by the nearest date of birth: a common
# name repeats many times in a block, and the person registered twice is the one born on
# (or near) the same day.
DUPLICATE_CANDIDATES = 60


class WordDistance(Func):
    """`column <->> 'query'`: 1 − word similarity, in the form a GiST index can order by."""

    arg_joiner = " <->> "
    template = "%(expressions)s"
    output_field = FloatField()


class DaysApart(Func):
    """`date_column <-> date`: days between, in the form a GiST index (btree_gist) can order
    by after a name's distance."""

    arg_joiner = " <-> "
    template = "%(expressions)s"
    output_field = IntegerField()


def _search_candidates(
    text: str, names: QuerySet[ReturneeName]
) -> list[tuple[int, str, name_keys.Keys]]:
    """(returnee id, name, its stored keys) for the names that may contain `text`, nearest
    first: on PostgreSQL the folded key by word similarity and the consonant skeleton (see
    _skeleton_peers), each a nearest-neighbour scan of a GiST trigram index."""
    if connection.vendor != "postgresql":
        return _substring_candidates(text, names)
    key, skeleton = name_keys.name_key(text), name_keys.name_skeleton(text)
    rows = list(
        names.order_by(WordDistance(F("search_key"), Value(key))).values_list(*_CANDIDATE_FIELDS)[
            :SEARCH_CANDIDATES
        ]
    )
    if skeleton:
        rows += list(
            _skeleton_peers(names, text)
            .order_by(WordDistance(F("skeleton"), Value(skeleton)))
            .values_list(*_CANDIDATE_FIELDS)[:SEARCH_CANDIDATES]
        )
    return _with_keys(rows)


def _skeleton_peers(names: QuerySet[ReturneeName], text: str) -> QuerySet[ReturneeName]:
    """The names `text` is compared with by consonant skeleton: those written in Arabic
    script, or every name when `text` itself is Arabic (their own indexes, migration 0010)."""
    return names if name_keys.script_of(text) == "arab" else names.filter(script="arab")


def _substring_candidates(
    text: str, names: QuerySet[ReturneeName]
) -> list[tuple[int, str, name_keys.Keys]]:
    """Without PostgreSQL (the embedded demo): names holding any word of `text`, folded or
    as a skeleton, as a substring."""
    key, skeleton = name_keys.name_key(text), name_keys.name_skeleton(text)
    condition = Q(pk__in=[])
    for token in (t for t in key.split() if len(t) >= 2):
        condition |= Q(search_key__contains=token)
    for bone in (t for t in skeleton.split() if len(t) >= 2):
        condition |= Q(skeleton__contains=bone)
    return _with_keys(names.filter(condition).values_list(*_CANDIDATE_FIELDS)[:2000])


def _names_of(people: QuerySet[Returnee]) -> QuerySet[ReturneeName]:
    names = ReturneeName.objects.all()
    if people.query.has_filters():  # a full-scope user without filters needs no join
        names = names.filter(returnee__in=people)
    return names


def _block_candidates(
    text: str, names: QuerySet[ReturneeName], *, born: date
) -> list[tuple[int, str, name_keys.Keys]]:
    """The names nearest to `text` in the duplicate check's block (`names`, already cut to
    it), by folded key and, against Arabic script, by skeleton; among names as near, the
    birth date nearest `born` first.

    Read as nearest-neighbour scans of the block's GiST indexes, which stop after
    DUPLICATE_CANDIDATES names. For a common name the planner instead estimated a bitmap of
    every similar name in the block and a sort cheaper (it is not: "Yusuf", a boy's two-year
    block at a million people, 93 ms against 2 ms), so bitmaps are off for these queries."""
    if connection.vendor != "postgresql":
        return _substring_candidates(text, names)
    key, skeleton = name_keys.name_key(text), name_keys.name_skeleton(text)
    nearest_born = DaysApart(F("date_of_birth"), Value(born))
    queries = [
        names.filter(search_key__trigram_similar=key).order_by(
            TrigramDistance("search_key", key), nearest_born
        )
    ]
    if skeleton:
        queries.append(
            _skeleton_peers(names, text)
            .filter(skeleton__trigram_similar=skeleton)
            .order_by(TrigramDistance("skeleton", skeleton), nearest_born)
        )
    rows = []
    with query_settings(enable_bitmapscan="off"):
        for query in queries:
            rows += list(query.values_list(*_CANDIDATE_FIELDS)[:DUPLICATE_CANDIDATES])
    return _with_keys(rows)


def _with_keys(rows) -> list[tuple[int, str, name_keys.Keys]]:
    return [
        (pk, name, name_keys.Keys(key, skeleton, script == "arab"))
        for pk, name, key, skeleton, script in rows
    ]


def _search_page(people: QuerySet[Returnee], text: str, size: int) -> ReturneePage:
    case_number, dob, words = parse_query(text)
    if case_number:
        people = people.filter(case_number=case_number)
    if dob:
        people = people.filter(date_of_birth=dob)
    if not words:
        rows = list(people.select_related("assigned_caseworker").order_by("-pk")[:size])
        return ReturneePage(rows, None)
    if not name_keys.name_key(words):
        return ReturneePage([], None)
    best: dict[int, int] = {}
    query = name_keys.Keys.of(words)
    for returnee_id, _name, keys in _search_candidates(words, _names_of(people)):
        score = name_keys.similarity_of_keys(query, keys)
        if score >= MATCH_THRESHOLD and score > best.get(returnee_id, 0):
            best[returnee_id] = score
    ranked = sorted(best, key=lambda pk: (-best[pk], -pk))[:size]
    found = {p.pk: p for p in people.filter(pk__in=ranked).select_related("assigned_caseworker")}
    return ReturneePage(
        [found[pk] for pk in ranked if pk in found], None, {pk: best[pk] for pk in ranked}
    )


def duplicate_candidates(
    *,
    user,
    full_name: str,
    date_of_birth: date,
    sex: str,
    estimated: bool = False,
    mother_name: str = "",
    exclude: tuple[int, ...] = (),
    limit: int = 10,
) -> list[Candidate]:
    """People who may already be registered: blocked on sex and date of birth (a wider window
    when the date is estimated), scored by name in any script. When the mother's name is
    known, a candidate whose recorded mother has a like name scores higher, one whose mother
    is clearly someone else lower: children's given names repeat a lot."""
    window = 730 if estimated else 366
    block = {
        "sex": sex,
        "date_of_birth__gte": date.fromordinal(date_of_birth.toordinal() - window),
        "date_of_birth__lte": date.fromordinal(date_of_birth.toordinal() + window),
    }
    people = policy.returnees_visible_to(user).filter(**block).exclude(pk__in=exclude)
    # The block on the names themselves (they carry the person's sex and date of birth), so
    # that one index finds the nearest names in it; the scope is then a join per name found.
    names = _names_of(people).filter(**block)
    best: dict[int, tuple[int, str]] = {}
    query = name_keys.Keys.of(full_name)
    for returnee_id, name, keys in _block_candidates(full_name, names, born=date_of_birth):
        score = name_keys.similarity_of_keys(query, keys)
        if score > best.get(returnee_id, (0, ""))[0]:
            best[returnee_id] = (score, name)
    if not best:
        return []
    mothers: dict[int, str] = {}
    if mother_name.strip():
        mothers = dict(
            Relationship.objects.filter(
                person_id__in=best, kind=Relationship.Kind.MOTHER
            ).values_list("person_id", "relative__primary_name")
        )
    found = people.in_bulk(list(best))
    ranked: list[tuple[int, Candidate]] = []
    for pk, (name_score, name) in best.items():
        person = found.get(pk)
        if person is None:
            continue
        reasons = [_("name %(score)d%%") % {"score": name_score}]
        score = name_score
        if person.date_of_birth == date_of_birth:
            reasons.append(_("same date of birth"))
            score += 10
        else:
            score -= min(abs((person.date_of_birth - date_of_birth).days) // 60, 10)
        if pk in mothers:
            alike = name_keys.similarity(mother_name, mothers[pk])
            if alike >= 85:
                reasons.append(_("mother's name %(score)d%%") % {"score": alike})
                score += 15
            elif alike < 60:
                reasons.append(_("another mother"))
                score -= 15
        if score >= DUPLICATE_THRESHOLD:
            ranked.append((score, Candidate(person, max(0, min(score, 100)), name, tuple(reasons))))
    # Ranked by the score before it is capped at 100 for display: a full name match born the
    # same day comes before a full name match born another day.
    ranked.sort(key=lambda pair: (-pair[0], pair[1].returnee.pk))
    return [candidate for _score, candidate in ranked[:limit]]


CASE_JOINS = (
    "household",
    "assigned_caseworker",
    "verification",
    "verification__decided_by",
    "verification__via_parent",
)
CASE_EVENTS_SHOWN = 30


def case_joins(people: QuerySet[Returnee]) -> QuerySet[Returnee]:
    """The case page's joins, added to the access helper's own query for the person."""
    return people.select_related(*CASE_JOINS)


def case_record_queries(
    *, person: Returnee, hidden_event_kinds: frozenset[str] = frozenset()
) -> dict[str, QuerySet]:
    """The person's own records on the case page, each a query on the person's id, to be
    read together (`fetch_together`) and put in place by `case_record_attach`. The
    timeline is cut to the kinds the user may see and to its newest events."""
    queries = {
        "names": ReturneeName.objects.filter(returnee=person).order_by("-is_primary", "id"),
        "placements": Placement.objects.filter(returnee=person).select_related("centre"),
        "relationships": Relationship.objects.filter(person=person)
        .select_related("relative")
        .order_by("kind"),
        "relatives_at_home": RelativeAtHome.objects.filter(returnee=person),
        "guardianships": Guardianship.objects.filter(child=person).select_related(
            "guardian_relative", "guardian_returnee"
        ),
        "guardianship_visits": GuardianshipVisit.objects.filter(guardianship__child=person),
        "documents": Document.objects.filter(returnee=person),
        "events": CaseEvent.objects.filter(returnee=person)
        .exclude(kind__in=hidden_event_kinds)
        .select_related("actor")[:CASE_EVENTS_SHOWN],
        "intakes": IntakeAssessment.objects.filter(returnee=person),
    }
    if getattr(person, "verification", None):
        queries["evidence"] = EvidenceItem.objects.filter(
            verification=person.verification
        ).select_related("document", "added_by")
    return queries


def case_record_attach(*, person: Returnee, rows: dict[str, list]) -> None:
    """The rows of `case_record_queries` where `person.names.all()` and the rest find them."""
    for accessor in (
        "names",
        "placements",
        "relationships",
        "relatives_at_home",
        "documents",
        "intakes",
    ):
        attach(person, accessor, rows[accessor])
    visits = defaultdict(list)
    for visit in rows["guardianship_visits"]:
        visits[visit.guardianship_id].append(visit)
    for guardianship in rows["guardianships"]:
        attach(guardianship, "visits", visits[guardianship.pk])
    attach(person, "guardianships", rows["guardianships"])
    if "evidence" in rows:
        attach(person.verification, "evidence", rows["evidence"])


@dataclass
class CasePageRows:
    """What the case page reads besides the person, in one round trip: `rows` by name (the
    person's own records already attached to the person), the parents' queryset for the
    decision form with those of them already read, and which rehabilitation sections the
    user sees."""

    rows: dict
    parents: QuerySet | None
    parent_rows: list[Returnee]
    sections_seen: dict


def case_page_rows(*, user, person: Returnee, groups, hidden_event_kinds) -> CasePageRows:
    """The person's own records, the other people named on the page whom the user may
    open, plan goals, triage, medical assessments the user may see, the adaptation
    checklist, the parents a decision may name, and every rehabilitation section: one
    round trip (`fetch_together`)."""
    from rehabilitation.selectors import adaptation_query, case_section_queries
    from repatriation.medical.selectors import assessments_for, triage_query
    from repatriation.one_trip import fetch_together

    queries = {
        **case_record_queries(person=person, hidden_event_kinds=hidden_event_kinds),
        **named_visible_queries(user=user, person=person),
        "goals": plan_goals_query(returnee=person),
        "triage": triage_query([person.pk]),
        "medical": assessments_for(user=user, returnee=person),
    }
    if person.status == CaseStatus.ADAPTATION:
        queries["adaptation"] = adaptation_query(people=[person])
    sees, section_queries = case_section_queries(user=user, person=person, groups=groups)
    rows = fetch_together({**queries, **section_queries})
    case_record_attach(person=person, rows=rows)
    if not getattr(person, "verification", None):
        return CasePageRows(rows=rows, parents=None, parent_rows=[], sections_seen=sees)
    # The decision form's choices: `parents_of`, here from the relationships and the
    # relatives the user may open, both read above, rather than asked again.
    visible = named_visible_from(rows)
    parents = {
        r.relative_id: r.relative
        for r in rows["relationships"]
        if r.kind in (Relationship.Kind.MOTHER, Relationship.Kind.FATHER)
        and r.relative_id in visible
    }
    return CasePageRows(
        rows=rows,
        parents=parents_of(user=user, returnee=person),
        parent_rows=[parents[pk] for pk in sorted(parents, reverse=True)],  # newest first
        sections_seen=sees,
    )


def named_visible_queries(*, user, person: Returnee) -> dict[str, QuerySet]:
    """Ids of the other people the case page names (relatives, guardians, the parent a
    child was verified through) whose records the user may open: one query for each, each
    a semi-join on its own index (their union in one OR had PostgreSQL read the whole
    registry: 550 ms at a million people)."""
    visible = policy.returnees_visible_to(user).order_by()
    queries = {
        "visible_relatives": visible.filter(
            pk__in=Relationship.objects.filter(person=person).values("relative")
        ).values_list("pk", flat=True),
        "visible_guardians": visible.filter(
            pk__in=Guardianship.objects.filter(
                child=person, guardian_returnee__isnull=False
            ).values("guardian_returnee")
        ).values_list("pk", flat=True),
    }
    verification = getattr(person, "verification", None)
    if verification and verification.via_parent_id:
        queries["visible_parent"] = visible.filter(pk=verification.via_parent_id).values_list(
            "pk", flat=True
        )
    return queries


def named_visible_from(rows: dict) -> set[int]:
    return {
        pk
        for name in ("visible_relatives", "visible_guardians", "visible_parent")
        for pk in rows.get(name, ())
    }


def parents_of(*, user, returnee: Returnee) -> QuerySet[Returnee]:
    """The person's recorded mother and father, as far as the user may see them."""
    return policy.returnees_visible_to(user).filter(
        pk__in=Relationship.objects.filter(
            person=returnee, kind__in=[Relationship.Kind.MOTHER, Relationship.Kind.FATHER]
        ).values("relative")
    )


def plan_goals_query(*, returnee: Returnee) -> QuerySet[PlanGoal]:
    return PlanGoal.objects.filter(plan__returnee=returnee)


def status_counts(people: QuerySet[Returnee] | None = None) -> dict[str, int]:
    """People in each status (every status, zeros too); an aggregate that carries no
    personal data. All people, or those given."""
    people = Returnee.objects.all() if people is None else people
    counts = dict(
        people.values_list("status").annotate(n=Count("id")).values_list("status", "n").order_by()
    )
    return {status: counts.get(status, 0) for status in CaseStatus.values}


STATUS_COUNTS_SECONDS = 60


def status_counts_for(*, user) -> dict[str, int]:
    """The same figure within a user's scope, for the caseworker's dashboard: a count over
    the whole registry, so computed at most once a minute per scope (everyone who sees
    every record shares one figure) and read from the cache in between."""
    grants = policy.grants_for(user)
    scope = "all" if grants.scope == policy.Scope.ALL else f"user-{user.pk}"
    sees = "returnees.view_returnee" in grants.permissions and (
        FieldGroup.IDENTITY in grants.field_groups
    )
    key = f"status-counts:{scope}:{int(sees)}"
    counts = cache.get(key)
    if counts is None:
        counts = status_counts(policy.returnees_visible_to(user))
        cache.set(key, counts, STATUS_COUNTS_SECONDS)
    return counts


def my_cases(*, user, limit: int = 10) -> list[Returnee]:
    return list(
        policy.returnees_visible_to(user)
        .filter(assigned_caseworker=user)
        .exclude(status__in=[CaseStatus.CLOSED, CaseStatus.NOT_ELIGIBLE])
        .order_by("-updated_at")[:limit]
    )


def verifications_waiting(*, user, limit: int = 10) -> list[Returnee]:
    return list(
        policy.returnees_visible_to(user)
        .filter(status=CaseStatus.VERIFYING, verification_status=VerificationDecision.PENDING)
        .order_by("pk")[:limit]
    )


def children_without_guardian(*, user, limit: int = 10) -> list[Returnee]:
    """Orphaned or unaccompanied children with no current guardianship, oldest cases first."""
    today = timezone.localdate()
    current = Guardianship.objects.filter(child=OuterRef("pk"), ended_on__isnull=True)
    return list(
        policy.returnees_visible_to(user)
        .filter(
            Q(is_orphan=True) | Q(is_unaccompanied=True),
            date_of_birth__gt=_years_ago(18, today),
        )
        .exclude(status=CaseStatus.CLOSED)
        .exclude(Exists(current))
        .order_by("pk")[:limit]
    )


def returnee_search(*, people: QuerySet[Returnee], text: str, size: int = 100) -> list[Returnee]:
    """The best matches among `people` for a case number, a name in any script or a date of
    birth: the same search as the case list, for the API."""
    return _search_page(people, text, size).people


def names_attach(people: list[Returnee]) -> None:
    """Every name of these people, primary first, as `person.name_rows` (full name, script,
    kind, is primary): one query of plain rows for a whole page."""
    rows: dict[int, list[tuple]] = {person.pk: [] for person in people}
    if rows:
        for returnee_id, *row in (
            ReturneeName.objects.filter(returnee_id__in=rows)
            .order_by("returnee_id", "-is_primary", "id")
            .values_list("returnee_id", "full_name", "script", "kind", "is_primary")
        ):
            rows[returnee_id].append(tuple(row))
    for person in people:
        person.name_rows = rows[person.pk]
