"""Small-cell suppression, proved on random tables with hypothesis: no count from 1 to the
threshold is printed, and no hidden count can be worked out from what is printed (the total,
the visible counts, "<5" meaning 1 to 4): every hidden count has two or more possible values,
found by trying every assignment, not by the module's own arithmetic."""

import itertools

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from reporting.suppression import PRIMARY, suppress, suppress_together

THRESHOLD = 4


def _possible_values(result) -> dict[int, set[int]]:
    """Every value each hidden count could take, given what the table prints."""
    hidden = sorted(result.hidden)
    visible_sum = sum(v for i, v in enumerate(result.values) if i not in result.hidden)
    total = None if result.total_hidden else sum(result.values)
    # A reader who sees the total knows the hidden counts add up to the rest of it; "—" may be
    # anything up to that; "<5" is 1 to 4. Without the total, "—" is unbounded (use 0..40).
    ceiling = (total - visible_sum) if total is not None else 40
    ranges = [
        range(1, THRESHOLD + 1) if result.hidden[i] == PRIMARY else range(0, ceiling + 1)
        for i in hidden
    ]
    size = 1
    for r in ranges:
        size *= len(r)
    assume(size <= 200_000)
    possible = {i: set() for i in hidden}
    for combination in itertools.product(*ranges):
        if total is not None and visible_sum + sum(combination) != total:
            continue
        for i, value in zip(hidden, combination, strict=True):
            possible[i].add(value)
    return possible


@settings(max_examples=400, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=25), min_size=1, max_size=6))
def test_no_hidden_count_can_be_worked_out(values):
    result = suppress(values, THRESHOLD)
    for i, value in enumerate(values):
        if 1 <= value <= THRESHOLD:
            assert result.hidden.get(i) == PRIMARY
            assert result.shown(i) == "<5"
        if i not in result.hidden:
            assert result.shown(i) == str(value) and (value == 0 or value > THRESHOLD)
    if 1 <= sum(values) <= THRESHOLD:
        assert result.total == "—"
    for i, values_possible in _possible_values(result).items():
        assert len(values_possible) >= 2, (values, result.hidden, i, values_possible)
        assert values[i] in values_possible


@pytest.mark.parametrize(
    ("values", "shown", "total"),
    [
        ([23, 9, 3, 4], ["23", "9", "<5", "<5"], "39"),
        ([160, 20, 7], ["160", "20", "7"], "187"),
        ([160, 2, 25], ["160", "<5", "—"], "187"),  # 2 alone would be 187 - 185
        ([1, 1, 0], ["<5", "<5", "0"], "—"),  # two ones that the total would give away
        ([0, 0, 0], ["0", "0", "0"], "0"),
    ],
)
def test_examples(values, shown, total):
    result = suppress(values)
    assert [result.shown(i) for i in range(len(values))] == shown
    assert result.total == total


def test_negative_counts_are_refused():
    with pytest.raises(ValueError, match="never negative"):
        suppress([3, -1])


@settings(max_examples=600, deadline=None)
@given(
    st.integers(min_value=0, max_value=18).flatmap(
        lambda total: st.tuples(
            st.just(total),
            st.lists(
                st.integers(min_value=1, max_value=4).flatmap(lambda n: _partition(total, n)),
                min_size=2,
                max_size=3,
            ),
        )
    )
)
def test_tables_of_one_population_do_not_give_each_other_away(case):
    """Two or three breakdowns of one population: the reader may combine them all."""
    total, tables = case
    results = suppress_together(tables, THRESHOLD)
    assert len({r.total_hidden for r in results}) == 1
    hidden_total = results[0].total_hidden
    candidates_total = range(0, 41) if hidden_total else [total]
    possible = {(t, i): set() for t, r in enumerate(results) for i in r.hidden}
    for guess in candidates_total:
        per_table = []
        for result in results:
            options = _assignments(result, guess)
            if not options:
                break
            per_table.append(options)
        else:  # this total is consistent with every table
            for t, options in enumerate(per_table):
                for assignment in options:
                    for i, value in assignment.items():
                        possible[(t, i)].add(value)
    for key, values in possible.items():
        assert len(values) >= 2, (tables, key, values)


def _partition(total: int, parts: int):
    """A list of `parts` non-negative counts adding up to `total`."""
    return st.lists(
        st.integers(min_value=0, max_value=total), min_size=parts - 1, max_size=parts - 1
    ).map(lambda cuts: _cut(total, sorted(cuts)))


def _cut(total, cuts):
    edges = [0, *cuts, total]
    return [b - a for a, b in itertools.pairwise(edges)]


def _assignments(result, total) -> list[dict[int, int]]:
    """Every way the hidden counts of one table can fill it up to `total`."""
    hidden = sorted(result.hidden)
    visible_sum = sum(v for i, v in enumerate(result.values) if i not in result.hidden)
    rest = total - visible_sum
    if rest < 0:
        return []
    ranges = [
        range(1, THRESHOLD + 1) if result.hidden[i] == PRIMARY else range(0, rest + 1)
        for i in hidden
    ]
    return [
        dict(zip(hidden, combination, strict=True))
        for combination in itertools.product(*ranges)
        if sum(combination) == rest
    ]


def test_residents_are_hidden_with_the_total_they_would_give_back():
    from reporting.presentation import report_sections

    people = {"women": 4, "men": 4, "girls": 4, "boys": 4, "orphans": 0, "unaccompanied": 0}
    figures = {
        "people": {
            **people,
            "total": 16,
            "age_under_5": 0,
            "age_5_11": 4,
            "age_12_17": 4,
            "age_adults": 8,
        },
        # Four "<5" adding up to 16 would pin each at 4: the total is hidden, so the centre's
        # 16 residents must be too.
        "statuses": {"placed": 16},
        "arrivals": {"rows": [], "month": 0, "cumulative": 0},
        "movements": [],
        "centres": [
            {"name": "C", "region": "R", "capacity": 20, "residents": 16, "placed": 0, "rate": 80}
        ],
        "placements": {"placed": 0, "transfers": 0},
    }
    sections = report_sections(figures, suppress_small=True)
    assert sections["people_total"] == "—"
    assert sections["centres"][0]["residents"] == "—"
    assert report_sections(figures)["centres"][0]["residents"] == "16"


def test_a_small_centre_is_not_given_away_by_the_total():
    """The review's case: 3 people at centre A and 10 at B, 13 in all."""
    from reporting.presentation import Printer, _centre_rows

    centres = [
        {"name": "A", "region": "R", "capacity": 20, "residents": 3, "placed": 3, "rate": 15},
        {"name": "B", "region": "R", "capacity": 20, "residents": 10, "placed": 10, "rate": 50},
    ]
    rows = _centre_rows(Printer(suppress_small=True), centres, people_total="13")
    assert [(r["residents"], r["placed"]) for r in rows] == [("<5", "<5"), ("—", "—")]
