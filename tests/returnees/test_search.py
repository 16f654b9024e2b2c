"""One search box across scripts and spellings; duplicate candidates before registration."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from repatriation.accounts.roles import Role
from returnees import names, services
from returnees.models import ReturneeName
from returnees.selectors import ReturneeFilters, duplicate_candidates, returnee_list
from tests.factories import ReturneeFactory

SPELLINGS = [
    "Айгерим Нурланқызы",
    "Aigerim Nurlankyzy",
    "Aygerim Nurlanqyzy",
    "Nurlankyzy Aigerim",
    "АЙГЕРИМ НУРЛАНКЫЗЫ",
]


@pytest.mark.parametrize("a", SPELLINGS)
@pytest.mark.parametrize("b", SPELLINGS)
def test_spellings_of_one_name_fold_together(a, b):
    assert names.similarity(a, b) >= 95


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("يوسف", "Yusuf"),
        ("عائشة", "Aisha"),
        ("محمد", "Muhammad"),
        ("Юсуф", "Yusuf"),
    ],
)
def test_arabic_script_matches_latin_and_cyrillic(a, b):
    assert names.similarity(a, b) >= 80


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Айгерим Нурланқызы", "Динара Ахметова"),
        ("Umm Yusuf", "Yusuf"),
        ("Aisha", "Fatima"),
    ],
)
def test_different_names_stay_apart(a, b):
    assert names.similarity(a, b) < 90


def _search(user, query):
    return returnee_list(user=user, filters=ReturneeFilters(query=query))


@pytest.fixture
def aigerim(users):
    return services.returnee_register(
        actor=users[Role.CASEWORKER],
        person=services.PersonInput(
            full_name="Айгерим Нурланқызы",
            sex="F",
            date_of_birth=date(1990, 3, 14),
            aliases=[("Umm Yusuf", ReturneeName.Kind.KUNYA)],
        ),
    )


@pytest.mark.parametrize(
    "query", [*SPELLINGS, "Umm Yusuf", "умм юсуф", "1990-03-14", "14.03.1990", "Aigerim 1990-03-14"]
)
def test_search_finds_the_person(users, aigerim, query):
    ReturneeFactory(
        primary_name="Динара Ахметова",
        name_latin="Dinara Akhmetova",
        date_of_birth=date(1985, 1, 1),
    )
    page = _search(users[Role.CASEWORKER], query)
    assert [p.pk for p in page.people][:1] == [aigerim.pk]


def test_search_by_case_number(users, aigerim):
    page = _search(users[Role.CASEWORKER], aigerim.case_number.lower())
    assert [p.pk for p in page.people] == [aigerim.pk]


def test_search_never_reaches_outside_scope(users, aigerim):
    assert _search(users[Role.CENTRE_STAFF], "Aigerim").people == []


def test_duplicate_candidates_across_scripts(users, aigerim):
    found = duplicate_candidates(
        user=users[Role.CASEWORKER],
        full_name="Aygerim Nurlanqyzy",
        date_of_birth=date(1990, 3, 14),
        sex="F",
    )
    assert [c.returnee.pk for c in found] == [aigerim.pk]
    assert found[0].score >= 95 and "same date of birth" in found[0].reasons


def test_duplicate_check_blocks_on_sex_and_date_of_birth(users, aigerim):
    kwargs = {"user": users[Role.CASEWORKER], "full_name": "Aigerim Nurlankyzy"}
    assert duplicate_candidates(**kwargs, date_of_birth=date(1990, 3, 14), sex="M") == []
    assert duplicate_candidates(**kwargs, date_of_birth=date(1980, 3, 14), sex="F") == []
    # An estimated date of birth widens the window to two years.
    assert duplicate_candidates(**kwargs, date_of_birth=date(1991, 9, 1), sex="F", estimated=True)


def test_a_corrected_date_of_birth_or_sex_moves_the_person_to_the_new_block(users, aigerim):
    """Names carry the person's sex and date of birth for the block's index: an edit moves
    every name with it, or the duplicate check would look in the old block."""
    caseworker = users[Role.CASEWORKER]
    services.returnee_update(
        actor=caseworker,
        returnee_id=aigerim.pk,
        version=aigerim.version,
        values={"date_of_birth": date(1985, 6, 1), "sex": "M"},
    )
    assert set(aigerim.names.values_list("sex", "date_of_birth")) == {("M", date(1985, 6, 1))}
    kwargs = {"user": caseworker, "full_name": "Aigerim Nurlankyzy"}
    assert duplicate_candidates(**kwargs, date_of_birth=date(1990, 3, 14), sex="F") == []
    found = duplicate_candidates(**kwargs, date_of_birth=date(1985, 6, 1), sex="M")
    assert [c.returnee.pk for c in found] == [aigerim.pk]


def test_among_many_of_one_name_the_one_born_that_day_is_a_candidate(users, monkeypatch):
    """A common name fills the block: of the names as near as each other, those born
    nearest the day come first, so a cap on candidates keeps the person registered twice;
    and they rank first, though the shown score is capped at 100 for all of them."""
    from returnees import selectors

    monkeypatch.setattr(selectors, "DUPLICATE_CANDIDATES", 3)
    born = date(2016, 5, 1)
    for days in range(10, 130, 12):  # ten boys called Yusuf, none born that day
        ReturneeFactory(
            primary_name="Юсуф", name_latin="Yusuf", sex="M", date_of_birth=born - timedelta(days)
        )
    same = ReturneeFactory(primary_name="Юсуф", name_latin="Yusuf", sex="M", date_of_birth=born)
    found = duplicate_candidates(
        user=users[Role.CASEWORKER], full_name="Yusuf", date_of_birth=born, sex="M"
    )
    # First, though every one of them matches the name fully (each shown as 100).
    assert found[0].returnee == same and found[0].score == 100
    assert "same date of birth" in found[0].reasons
    assert all(c.score == 100 for c in found)


def _name_plans(run, *, without: tuple[str, ...]) -> list[str]:
    """EXPLAIN of each query on the names table that `run` makes, as planned for a large
    table (no scan of every row, no sort of them: what is left is an index that gives the
    nearest names first), with the indexes `without` dropped for this test's transaction:
    with a few rows the planner may take any index, and the question is whether the one
    meant for the query fits it."""
    if connection.vendor != "postgresql":
        pytest.fail("the suite runs on PostgreSQL")
    with CaptureQueriesContext(connection) as captured:
        run()
    plans = []
    with connection.cursor() as cursor:
        for index in without:
            cursor.execute(f"DROP INDEX {index}")  # rolled back with the test
        cursor.execute("ANALYZE returnees_returneename")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        for query in captured:
            if '"returnees_returneename"' in query["sql"]:
                cursor.execute("EXPLAIN " + query["sql"])
                plans.append("\n".join(row[0] for row in cursor.fetchall()))
    return plans


def test_duplicate_check_reads_the_block_index(users, aigerim):
    """The nearest names in the block come from one GiST index whose conditions hold the
    block (date of birth, sex) and the name; by skeleton, from one over names in Arabic
    script only."""
    by_key, by_skeleton = _name_plans(
        lambda: duplicate_candidates(
            user=users[Role.CASEWORKER],
            full_name="Aigerim Nurlankyzy",
            date_of_birth=date(1990, 3, 14),
            sex="F",
        ),
        without=("returnee_name_key_gist", "returnee_name_skeleton_gist"),
    )
    assert "Index Scan using returnee_name_block_gist" in by_key, by_key
    assert "Index Cond: ((date_of_birth >= " in by_key, by_key
    assert "Index Scan using returnee_name_arab_" in by_skeleton, by_skeleton


def test_name_search_by_skeleton_reads_only_arabic_names(users, aigerim):
    """A name in Cyrillic is compared by skeleton with names in Arabic script through an
    index of those names only: through the index of every name, the nearest-first scan
    stepped over every other script's skeletons (up to 1.4 s a search at a million)."""
    _by_key, by_skeleton = _name_plans(
        lambda: _search(users[Role.CASEWORKER], "Екатерина"),
        without=("returnee_name_skeleton_gist",),
    )
    assert "Index Scan using returnee_name_arab_" in by_skeleton, by_skeleton


def test_search_query_count_is_constant(client, users, django_assert_max_num_queries):
    client.force_login(users[Role.CASEWORKER])
    for i in range(3):
        ReturneeFactory(primary_name=f"Айгерим Test{i}", name_latin=f"Aigerim Test{i}")
    client.get("/people/", {"q": "Aigerim"})
    with django_assert_max_num_queries(12) as few:
        client.get("/people/", {"q": "Aigerim"})
    for i in range(30):
        ReturneeFactory(primary_name=f"Айгерим More{i}", name_latin=f"Aigerim More{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/people/", {"q": "Aigerim"})


def test_a_childs_candidates_are_weighed_by_the_mothers_name(users):
    caseworker = users[Role.CASEWORKER]
    _mother, child = services.family_register(
        actor=caseworker,
        mother=services.PersonInput(
            full_name="Динара Ахметова", sex="F", date_of_birth=date(1988, 1, 1)
        ),
        children=[services.PersonInput(full_name="Юсуф", sex="M", date_of_birth=date(2016, 5, 1))],
    )
    kwargs = {
        "user": caseworker,
        "full_name": "Yusuf",
        "date_of_birth": date(2016, 5, 1),
        "sex": "M",
    }
    same_mother = duplicate_candidates(**kwargs, mother_name="Dinara Akhmetova")
    other_mother = duplicate_candidates(**kwargs, mother_name="Анна Петрова")
    unknown = duplicate_candidates(**kwargs)
    assert [c.returnee for c in same_mother] == [child]
    assert any(r.startswith("mother's name") for r in same_mother[0].reasons)
    assert "another mother" in other_mother[0].reasons
    assert other_mother[0].score < unknown[0].score <= same_mother[0].score
